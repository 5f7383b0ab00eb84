// The tool definitions, loaded on first use and then kept for the process.
// Evaluating the ~100 zod definitions was a fifth of start-up, and the built
// server needs none of it for initialize or tools/list (see listing.ts): only a
// tools/call, discovery mode, or a run from source loads them.

import type { Tool } from "./types.js";

let catalogue: Promise<readonly Tool[]> | undefined;

export function loadCatalogue(): Promise<readonly Tool[]> {
  catalogue ??= import("./index.js").then((m) => m.allTools);
  return catalogue;
}
