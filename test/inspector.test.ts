// A third-party MCP client against the built binary: the MCP Inspector's CLI
// (@modelcontextprotocol/inspector-cli) starts `node dist/cli.js --sandbox` over
// stdio, lists the tools and calls some, and prints the results as JSON.

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const BIN = new URL("../dist/cli.js", import.meta.url).pathname;

const inspectorPkgPath = createRequire(import.meta.url).resolve("@modelcontextprotocol/inspector-cli/package.json");
const inspectorPkg: { bin: Record<string, string> } = JSON.parse(readFileSync(inspectorPkgPath, "utf8"));
const inspectorRoot = dirname(inspectorPkgPath);
const inspectorBin = join(inspectorRoot, inspectorPkg.bin["mcp-inspector-cli"] ?? "build/cli.js");

/** Runs `mcp-inspector-cli --cli node dist/cli.js --sandbox <args>` and parses what it prints. */
async function inspector(args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [inspectorBin, "--cli", process.execPath, BIN, "--sandbox", ...args], {
    // inspector-cli 1.0.x tests `existsSync("../package.json")` against the working directory but
    // imports it relative to its own module: run it where the two agree.
    cwd: join(inspectorRoot, "build"),
    env: { PATH: process.env.PATH ?? "" },
    timeout: 30_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

interface ListedTool {
  name: string;
  description?: string;
  inputSchema: { type: string };
  annotations?: Record<string, unknown>;
}

describe("MCP Inspector CLI against the built binary in sandbox mode", () => {
  it("lists the default tools, each with a description, an object input schema and annotations", async () => {
    const out = (await inspector(["--method", "tools/list"])) as { tools: ListedTool[] };
    const names = out.tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["list_contacts", "list_tags", "create_tag", "create_event"]));
    for (const tool of out.tools) {
      expect(tool.description, tool.name).toBeTruthy();
      expect(tool.inputSchema.type, tool.name).toBe("object");
      expect(tool.annotations, tool.name).toBeDefined();
    }
  }, 60_000);

  it("calls list_tags and gets the sandbox's tags as structured content", async () => {
    const out = (await inspector(["--method", "tools/call", "--tool-name", "list_tags"])) as {
      isError?: boolean;
      content: { type: string; text: string }[];
      structuredContent: { tags: { id: string; name: string }[] };
    };
    expect(out.isError).toBeFalsy();
    expect(out.structuredContent.tags.map((t) => t.name)).toContain("VIP");
    expect(JSON.parse(out.content[0]?.text ?? "null")).toEqual(out.structuredContent);
  }, 60_000);

  it("passes arguments: list_contacts with pageSize=2 returns two contacts", async () => {
    const out = (await inspector([
      "--method",
      "tools/call",
      "--tool-name",
      "list_contacts",
      "--tool-arg",
      "pageSize=2",
    ])) as { isError?: boolean; structuredContent: { contacts: unknown[] } };
    expect(out.isError).toBeFalsy();
    expect(out.structuredContent.contacts).toHaveLength(2);
  }, 60_000);
});
