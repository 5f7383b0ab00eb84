// Configuration as a person meets it, replayed through the built binary: unknown
// toolset names refused wherever they are written, a blank key refused, file
// roots checked at start, and --help naming the toolsets and the default profile.

import { spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXTRA_TOOLS, DEFAULT_TOOLSETS } from "../src/config.js";
import { TOOLSETS } from "../src/tools/types.js";
import { startLoopback } from "./helpers/loopback.js";

const BIN = new URL("../dist/cli.js", import.meta.url).pathname;

/** Runs the binary with only PATH and `env`; stdin is closed at once, so a server that starts then exits. */
function run(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
    input: "",
    timeout: 10_000,
  });
  return { status: res.status, stdout: res.stdout, lines: res.stderr.trim().split("\n").filter(Boolean) };
}

/** Exit 2, nothing on stdout, one line on stderr matching every pattern. */
function expectRefused(res: ReturnType<typeof run>, ...patterns: RegExp[]): void {
  expect(res.status, res.lines.join("\n")).toBe(2);
  expect(res.stdout).toBe("");
  expect(res.lines).toHaveLength(1);
  for (const pattern of patterns) expect(res.lines[0]).toMatch(pattern);
}

describe("toolset names", () => {
  it.each([
    ["--toolsets all,foo", ["--toolsets", "all,foo"], {}, /^flownally-mcp: --toolsets: unknown toolset foo;/],
    ["--toolsets default,foo", ["--toolsets", "default,foo"], {}, /--toolsets: unknown toolset foo;/],
    [
      "FLOWNALLY_TOOLSETS=all,tagz",
      [],
      { FLOWNALLY_TOOLSETS: "all,tagz" },
      /FLOWNALLY_TOOLSETS: .*tagz \(did you mean tags\?\)/,
    ],
    ["FLOWNALLY_TOOLSETS=default,tagz", [], { FLOWNALLY_TOOLSETS: "default,tagz" }, /tagz \(did you mean tags\?\)/],
    ["--toolsets=al", ["--toolsets=al"], {}, /unknown toolset al \(did you mean all\b/],
  ])("%s is refused with exit 2, naming the nearest names", (_name, args, env, pattern) => {
    expectRefused(run(["--sandbox", ...args], env), pattern, /choose from .*all, default/);
  });

  it("names every toolset, all and default when refusing", () => {
    const res = run(["--sandbox", "--toolsets", "contacts,nope"]);
    expectRefused(res);
    for (const name of [...TOOLSETS, "all", "default"]) expect(res.lines[0]).toContain(name);
  });

  it("starts with names it knows, all included", () => {
    for (const value of ["all", "all,tags", "default,custom_fields", "tags, users"]) {
      const res = run(["--sandbox"], { FLOWNALLY_TOOLSETS: value });
      expect(res.status, `${value}: ${res.lines.join("\n")}`).toBe(0);
      expect(res.lines.join("\n")).toMatch(/SANDBOX mode/);
    }
  });
});

describe("FLOWNALLY_API_KEY", () => {
  it.each([[" "], ["\t \n"]])("%j is refused at start in one line, whatever the mode", (key) => {
    for (const args of [[], ["--sandbox"], ["--http"]]) {
      expectRefused(run(args, { FLOWNALLY_API_KEY: key }), /FLOWNALLY_API_KEY is blank/);
    }
  });

  it("is sent without the whitespace around it", async () => {
    const api = await startLoopback();
    const client = new Client({ name: "cli-config-test", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN, "--toolsets", "contacts"],
        env: { PATH: process.env.PATH ?? "", FLOWNALLY_API_KEY: " fl_test_123\n", FLOWNALLY_BASE_URL: api.baseUrl },
        stderr: "pipe",
      }),
    );
    try {
      const result = await client.callTool({ name: "get_contact", arguments: { id: "con_1" } });
      expect(result.isError).toBeFalsy();
      expect(api.requests.at(-1)?.headers.authorization).toBe("Bearer fl_test_123");
    } finally {
      await client.close();
      await api.close();
    }
  });
});

describe("FLOWNALLY_FILE_ROOTS", () => {
  it.each([
    ["data", /"data" is a relative path; give each folder as an absolute path/],
    ["./data", /"\.\/data" is a relative path/],
    ["~/exports", /"~\/exports" is a relative path \(~ is not expanded\)/],
    [`${tmpdir()}${delimiter}exports`, /"exports" is a relative path/],
  ])("%j (a relative entry) is refused at start in one line", (roots, pattern) => {
    expectRefused(
      run(["--sandbox"], { FLOWNALLY_FILE_ROOTS: roots }),
      /^flownally-mcp: FLOWNALLY_FILE_ROOTS: /,
      pattern,
    );
  });

  it("warns on stderr about an entry that does not exist or is no folder, and starts", () => {
    const folder = realpathSync(mkdtempSync(join(tmpdir(), "flownally-roots-")));
    const file = join(folder, "people.csv");
    writeFileSync(file, "name\n");
    const missing = join(folder, "not-yet");
    const res = run(["--sandbox"], { FLOWNALLY_FILE_ROOTS: [folder, missing, file].join(delimiter) });
    expect(res.status, res.lines.join("\n")).toBe(0);
    const warnings = res.lines.filter((line) => line.includes("warning:"));
    expect(warnings).toEqual([
      `flownally-mcp: warning: FLOWNALLY_FILE_ROOTS entry ${missing} does not exist; no file under it can be read until it is one.`,
      `flownally-mcp: warning: FLOWNALLY_FILE_ROOTS entry ${file} is not a folder; no file under it can be read until it is one.`,
    ]);
    expect(res.lines.join("\n")).toMatch(/SANDBOX mode/);
  });

  it("says nothing about entries that are folders", () => {
    const res = run(["--sandbox"], { FLOWNALLY_FILE_ROOTS: [tmpdir(), process.cwd()].join(delimiter) });
    expect(res.status).toBe(0);
    expect(res.lines.filter((line) => line.includes("warning"))).toEqual([]);
  });
});

describe("--help", () => {
  it("names every toolset, all, and the default profile with its extra tools", () => {
    const res = run(["--help"]);
    expect(res.status).toBe(0);
    const toolsets = res.stdout.slice(res.stdout.indexOf("\nToolsets:\n"));
    expect(toolsets).not.toBe("");
    const profile = toolsets.slice(toolsets.indexOf("default"), toolsets.indexOf("\n  all "));
    expect(profile.replace(/\s+/g, " ")).toContain(
      `${DEFAULT_TOOLSETS.join(",")} plus ${DEFAULT_EXTRA_TOOLS.join(", ")}`,
    );
    const names = new Set(toolsets.match(/[a-z_]+/g));
    expect([...TOOLSETS, "all", "default"].filter((name) => !names.has(name))).toEqual([]);
  });
});
