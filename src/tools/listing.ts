// What the built server knows of the catalogue without loading it, generated at
// build time by scripts/build.mjs from the definitions and listedTool() itself:
// every tools/list entry, and what selection reads of each tool. So the built
// server answers initialize and tools/list without evaluating a zod schema.
// Run from source (tests, tsx) this is undefined and the catalogue is loaded.

import type { Tool as ListedTool } from "@modelcontextprotocol/server";
import type { Selectable } from "./selection.js";

export interface Precomputed {
  /** Every tool's tools/list entry, by name. */
  listing: Readonly<Record<string, ListedTool>>;
  /** Every tool, in catalogue order, as selectTools() reads it. */
  index: readonly Selectable[];
}

export const PRECOMPUTED: Precomputed | undefined = undefined;
