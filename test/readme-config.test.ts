// The README's Configuration section against the code: every FLOWNALLY_* variable
// that src/ reads and every flag that --help lists is documented there, and the
// section names no variable the code no longer knows.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_TOOLSETS, USAGE } from "../src/config.js";
import { TOOLSETS } from "../src/tools/types.js";

const ROOT = new URL("..", import.meta.url).pathname;
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

/** The text of one `## ` section of the README, up to the next `## ` heading. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) return "";
  const next = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, next < 0 ? undefined : next);
}

const ENV_NAME = /\bFLOWNALLY_[A-Z0-9_]*[A-Z0-9]\b/g;

function envNamesInSrc(): Set<string> {
  const names = new Set<string>();
  const files = readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  for (const file of files)
    for (const [name] of readFileSync(join(ROOT, "src", file), "utf8").matchAll(ENV_NAME)) names.add(name);
  return names;
}

const config = section("Configuration");

describe("README ## Configuration", () => {
  it("exists, with Connect a client and Troubleshooting beside it", () => {
    expect(config).not.toBe("");
    expect(section("Connect a client")).not.toBe("");
    expect(section("Troubleshooting")).not.toBe("");
  });

  it("documents every FLOWNALLY_* variable used in src/", () => {
    const names = [...envNamesInSrc()];
    expect(names).toContain("FLOWNALLY_API_KEY");
    expect(names.filter((name) => !config.includes(`\`${name}\``))).toEqual([]);
  });

  it("documents every flag that --help lists", () => {
    const flags = new Set([...USAGE.matchAll(/(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b/g)].map((m) => m[1] ?? ""));
    expect([...flags]).toEqual(expect.arrayContaining(["--sandbox", "--toolsets", "--http", "-h", "--version"]));
    expect([...flags].filter((flag) => !new RegExp(`\`${flag}[\\s\`]`).test(config))).toEqual([]);
  });

  it("names no FLOWNALLY_* variable that src/ does not use", () => {
    const known = envNamesInSrc();
    const documented = new Set([...config.matchAll(ENV_NAME)].map(([name]) => name));
    expect([...documented].filter((name) => !known.has(name))).toEqual([]);
  });

  it("names every toolset and the default profile as the code defines them, as does the .mcpb manifest", () => {
    expect(TOOLSETS.filter((name) => !new RegExp(`\\b${name}\\b`).test(config))).toEqual([]);
    expect(config).toContain(`\`${DEFAULT_TOOLSETS.join(",")}\``);
    const manifest = JSON.parse(readFileSync(join(ROOT, "manifest.json"), "utf8")) as {
      user_config: { toolsets: { description: string } };
    };
    const help = manifest.user_config.toolsets.description;
    expect(TOOLSETS.filter((name) => !help.includes(name))).toEqual([]);
    expect(help).toContain(`default (${DEFAULT_TOOLSETS.join(", ")})`);
  });
});
