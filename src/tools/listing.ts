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
  /** How the server answers the opening of a 2025-era session, captured from it (transports/stdio-front.ts). */
  opening: Opening;
}

/** A server's answers to an opening that depend on nothing but the configuration's sandbox switch. */
export interface Opening {
  /** initialize's result but its protocolVersion, for a configuration that is not the sandbox. */
  initialize: Readonly<Record<string, unknown>>;
  /** The 2025-era revisions initialize settles on, newest first: the asked one if listed, else the first. */
  versions: readonly string[];
  /** The answers to resources/list, resources/templates/list and prompts/list. */
  lists: Readonly<Record<string, unknown>>;
}

export const PRECOMPUTED: Precomputed | undefined = undefined;
