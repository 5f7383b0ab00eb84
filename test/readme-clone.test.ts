// The package is not on the npm registry yet, so the README's `npx -y flownally-mcp`
// snippets cannot run today: each must have a from-a-clone variant (`node …/dist/cli.js`)
// beside it, in the same code block or the text right after, with the same
// arguments. And every way the README starts the server passes arguments the
// CLI takes; the stdio ones are run with the built binary.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, parseCli } from "../src/config.js";
import { allTools } from "../src/tools/index.js";
import { unknownToolNames } from "../src/tools/selection.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const BIN = new URL("../dist/cli.js", import.meta.url).pathname;

/** The README as blocks: each fenced code block whole, other text split at blank lines. */
function blocksOf(text: string): { text: string; fenced: boolean }[] {
  const blocks: { text: string; fenced: boolean }[] = [];
  for (const [i, part] of text.split(/^```.*$/m).entries()) {
    if (i % 2 === 1) blocks.push({ text: part, fenced: true });
    else for (const para of part.split(/\n\s*\n/)) if (para.trim()) blocks.push({ text: para, fenced: false });
  }
  return blocks;
}

interface Launch {
  via: "npx" | "clone";
  args: string[];
}

/** How a block starts the server: JSON `"args"` arrays anywhere, and command lines in code blocks. */
function launchesIn(block: { text: string; fenced: boolean }): Launch[] {
  const out: Launch[] = [];
  for (const [, array = ""] of block.text.matchAll(/"args":\s*(\[[^\]]*\])/g)) {
    let words: unknown;
    try {
      words = JSON.parse(array.replace(/\s*\n\s*/g, " "));
    } catch {
      continue; // "args": [...] in prose, not a value
    }
    if (!Array.isArray(words) || !words.every((w) => typeof w === "string")) continue;
    if (words[0] === "-y" && words[1] === "flownally-mcp") out.push({ via: "npx", args: words.slice(2) });
    else if (words[0]?.endsWith("/dist/cli.js")) out.push({ via: "clone", args: words.slice(1) });
  }
  if (!block.fenced) return out;
  for (const line of block.text.split("\n")) {
    const code = line.replace(/\s#.*$/, "");
    const npx = /\bnpx -y flownally-mcp\b(.*)$/.exec(code);
    const clone = /\bnode "?(?:\$PWD\/)?dist\/cli\.js"?(.*)$/.exec(code);
    const [via, rest] = npx ? (["npx", npx[1]] as const) : clone ? (["clone", clone[1]] as const) : [];
    if (via) out.push({ via, args: (rest ?? "").split(/\s+/).filter(Boolean) });
  }
  return out;
}

const blocks = blocksOf(readme).map((block) => ({ ...block, launches: launchesIn(block) }));
const all = blocks.flatMap((b) => b.launches);
const show = (l: Launch) => `${l.via === "npx" ? "npx -y flownally-mcp" : "node dist/cli.js"} ${l.args.join(" ")}`;

describe("README: running the server from a clone", () => {
  it("finds the snippets (the check below is not vacuous)", () => {
    expect(all.filter((l) => l.via === "npx").length).toBeGreaterThanOrEqual(12);
    expect(all.filter((l) => l.via === "clone").length).toBeGreaterThanOrEqual(12);
  });

  it("gives every npx -y flownally-mcp snippet a from-a-clone variant with the same arguments beside it", () => {
    const missing: string[] = [];
    blocks.forEach((block, i) => {
      const nearby = [...block.launches, ...(blocks[i + 1]?.launches ?? [])].filter((l) => l.via === "clone");
      for (const launch of block.launches.filter((l) => l.via === "npx")) {
        if (!nearby.some((clone) => clone.args.join(" ") === launch.args.join(" "))) missing.push(show(launch));
      }
    });
    expect(missing).toEqual([]);
  });

  it("passes only arguments the CLI takes", async () => {
    for (const launch of all) {
      let parsed: ReturnType<typeof parseCli> | undefined;
      try {
        parsed = parseCli(launch.args, {});
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        expect.fail(`${show(launch)}: ${err.message}`);
      }
      if (parsed?.kind !== "serve") continue;
      const names = [...(parsed.config.tools ?? []), ...(parsed.config.excludeTools ?? [])];
      expect(
        unknownToolNames(
          names,
          allTools.map((t) => t.name),
        ),
        show(launch),
      ).toBeUndefined();
    }
  });

  it("starts over stdio with each from-a-clone variant (built binary; a key given where the snippet has one)", () => {
    const stdio = new Set(
      // MCP over stdio only: --http and --sandbox-api serve until a signal, not until stdin closes.
      all
        .filter((l) => l.via === "clone" && !l.args.includes("--http") && !l.args.includes("--sandbox-api"))
        .map((l) => l.args.join(" ")),
    );
    expect(stdio.size).toBeGreaterThan(0);
    for (const args of stdio) {
      const argv = args.split(" ").filter(Boolean);
      const res = spawnSync(process.execPath, [BIN, ...argv], {
        encoding: "utf8",
        env: {
          PATH: process.env.PATH ?? "",
          FLOWNALLY_API_KEY: "fl_test_key",
          FLOWNALLY_BASE_URL: "http://127.0.0.1:9/v1",
        },
        input: "",
        timeout: 10_000,
      });
      expect(res.status, `node dist/cli.js ${args}: ${res.stderr}`).toBe(0);
    }
  });
});
