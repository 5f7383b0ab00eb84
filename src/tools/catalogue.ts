// The tool definitions, loaded on first use and then kept for the process.
// Evaluating the ~100 zod definitions was a fifth of start-up, and the built
// server needs none of it for initialize or tools/list (see listing.ts): only a
// tools/call, discovery mode, or a run from source loads them.

import { nearest } from "../workspace/similarity.js";
import { PRECOMPUTED } from "./listing.js";
import type { Tool } from "./types.js";

let catalogue: Promise<readonly Tool[]> | undefined;

export function loadCatalogue(): Promise<readonly Tool[]> {
  catalogue ??= import("./index.js").then((m) => m.allTools);
  return catalogue;
}

/**
 * Why `--tools`/`--exclude-tools` names no tool, if it does not: a typo there
 * would silently serve another set of tools than the user meant.
 */
export async function unknownToolNames(names: readonly string[]): Promise<string | undefined> {
  if (names.length === 0) return undefined;
  const known = (PRECOMPUTED?.index ?? (await loadCatalogue())).map((t) => t.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length === 0) return undefined;
  return unknown
    .map((name) => {
      const close = nearest(name, known);
      return `no tool named ${name}${close.length ? ` (did you mean ${close.join(", ")}?)` : ""}`;
    })
    .join("; ");
}
