// The built binary, as a user's client starts it: plain node, stdio, flags.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
import { parseCli } from "../src/config.js";
import { startLoopback } from "./helpers/loopback.js";
import { connect } from "./helpers/mcp.js";

const BIN = new URL("../dist/cli.js", import.meta.url).pathname;
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
    timeout: 10_000,
  });

describe("flownally-mcp binary", () => {
  it("is built (npm test builds first)", () => {
    expect(existsSync(BIN)).toBe(true);
  });

  it("prints its version and help", () => {
    expect(run(["--version"]).stdout.trim()).toBe(pkg.version);
    const help = run(["--help"]).stdout;
    for (const flag of [
      "--sandbox",
      "--toolsets",
      "--tools",
      "--read-only",
      "--http",
      "FLOWNALLY_API_KEY",
      "FLOWNALLY_BASE_URL",
    ]) {
      expect(help).toContain(flag);
    }
  });

  it("exits 2 with one line naming FLOWNALLY_API_KEY and --sandbox when no key is set", () => {
    const res = run([]);
    expect(res.status).toBe(2);
    expect(res.stdout).toBe("");
    const lines = res.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("FLOWNALLY_API_KEY");
    expect(lines[0]).toContain("--sandbox");
  });

  it("refuses an unknown flag or toolset with exit 2", () => {
    expect(run(["--bogus"]).status).toBe(2);
    expect(run(["--toolsets", "nope"], { FLOWNALLY_API_KEY: "k" }).status).toBe(2);
    // A tool name that is no tool would otherwise silently serve another set than meant.
    const typo = run(["--tools", "list_inboxes,get_inbox"], { FLOWNALLY_API_KEY: "k" });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/no tool named get_inbox \(did you mean .*list_inboxes/);
    expect(run([], { FLOWNALLY_API_KEY: "k", FLOWNALLY_EXCLUDE_TOOLS: "delete_contcat" }).status).toBe(2);
  });

  it("serves every operation over stdio with --toolsets all and calls the API with the key, never logging it", async () => {
    const api = await startLoopback();
    const key = "live-key-never-printed-123";
    const stderr: string[] = [];
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "--toolsets", "all"],
      env: { PATH: process.env.PATH ?? "", FLOWNALLY_API_KEY: key, FLOWNALLY_BASE_URL: api.baseUrl },
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    const client = new Client({ name: "cli-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThanOrEqual(101);
      const result = await client.callTool({ name: "get_contact", arguments: { id: "con_1" } });
      expect(result.isError).toBeFalsy();
      expect(api.requests.at(-1)?.headers.authorization).toBe(`Bearer ${key}`);
      expect(JSON.stringify(result)).not.toContain(key);
    } finally {
      await client.close();
      await api.close();
    }
    expect(stderr.join("")).not.toContain(key);
  });

  // The built server answers tools/list from what the build precomputed, without loading the
  // definitions; run from source, the server lists the definitions themselves. Same answer.
  it.each([
    [["--toolsets", "all"]],
    [[]],
    [["--toolsets", "tags,users", "--tools", "list_contacts,get_billing_status", "--exclude-tools", "delete_tag"]],
    [["--toolsets", "all", "--read-only"]],
    [["--tool-mode", "discovery", "--toolsets", "contacts", "--read-only"]],
  ])("lists exactly what the source server lists, with %j", async (argv) => {
    const env = { FLOWNALLY_API_KEY: "k", FLOWNALLY_BASE_URL: "http://127.0.0.1:9/v1" };
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, ...argv],
      env: { PATH: process.env.PATH ?? "", ...env },
      stderr: "pipe",
    });
    const client = new Client({ name: "cli-test", version: "1.0.0" });
    await client.connect(transport);
    const command = parseCli(argv, env);
    if (command.kind !== "serve") throw new Error("unexpected");
    const source = await connect(command.config);
    try {
      const built = await client.listTools();
      expect(built.tools.length).toBeGreaterThan(0);
      expect(built).toEqual(await source.client.listTools());
    } finally {
      await client.close();
      await source.close();
    }
  });

  // undici and ajv load on first use, from the bundle (where a CommonJS module's import is its `default`).
  it("calls the sandbox and checks an event payload locally once loaded lazily", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "--sandbox", "--toolsets", "all"],
      env: { PATH: process.env.PATH ?? "" },
      stderr: "pipe",
    });
    const client = new Client({ name: "cli-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const listed = await client.callTool({ name: "list_contacts", arguments: { pageSize: 1 } });
      expect(listed.isError).toBeFalsy();
      const contactId = (listed.structuredContent as { contacts: { id: string }[] }).contacts[0]?.id;
      const refused = await client.callTool({
        name: "create_event",
        arguments: { contactId, eventTypeName: "order.paid", payload: { total: "x" } },
      });
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toContain("payload.orderId: required");
    } finally {
      await client.close();
    }
  });
});
