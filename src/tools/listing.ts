// The tools/list entries, generated at build time by scripts/build.mjs from
// listedTool() itself, so the built server answers tools/list without converting
// zod to JSON Schema at start-up. Run from source (tests, tsx) this is undefined
// and listedTool() converts on first use.

import type { Tool as ListedTool } from "@modelcontextprotocol/sdk/types.js";

export const PRECOMPUTED_LISTING: Readonly<Record<string, ListedTool>> | undefined = undefined;
