// One committed snapshot per tool of what tools/list shows the model, in
// test/__toolsnaps__/<tool>.json (as github/github-mcp-server keeps its
// __toolsnaps__), so review sees every change to a name, description, schema or
// annotation. A snapshot that differs fails. A missing one fails in CI (CI set)
// and is written, and reported, elsewhere. UPDATE_TOOLSNAPS=true rewrites them
// all and removes those of tools that are gone.

import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import type { Tool as ListedTool } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";

const DIR = new URL("../__toolsnaps__/", import.meta.url);
const HOW = "run UPDATE_TOOLSNAPS=true npm test if the change is meant, and commit test/__toolsnaps__";

const flag = (value: string | undefined): boolean => !!value && !/^(0|false|no|off)$/i.test(value.trim());
const updating = (): boolean => process.env.UPDATE_TOOLSNAPS === "true";

const fileOf = (name: string) => new URL(`${name}.json`, DIR);
const textOf = (tool: ListedTool) => `${JSON.stringify(tool, null, 2)}\n`;

/** Holds `tool` to its snapshot (see the header for when one is written instead). */
export function expectToolsnap(tool: ListedTool): void {
  const file = fileOf(tool.name);
  if (updating() || !existsSync(file)) {
    if (!updating() && flag(process.env.CI)) {
      throw new Error(`no snapshot test/__toolsnaps__/${tool.name}.json in CI; ${HOW}`);
    }
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, textOf(tool));
    if (!updating())
      console.warn(`toolsnaps: wrote test/__toolsnaps__/${tool.name}.json (new tool); review and commit it`);
    return;
  }
  const committed: unknown = JSON.parse(readFileSync(file, "utf8"));
  expect(tool, `tools/list changed for ${tool.name}; ${HOW}`).toEqual(committed);
}

/** Snapshots of tools no longer listed; removed instead when updating. */
export function staleToolsnaps(listed: readonly string[]): string[] {
  if (!existsSync(DIR)) return [];
  const names = new Set(listed);
  const stale = readdirSync(DIR).filter((f) => f.endsWith(".json") && !names.has(f.slice(0, -".json".length)));
  if (!updating()) return stale;
  for (const f of stale) unlinkSync(new URL(f, DIR));
  return [];
}
