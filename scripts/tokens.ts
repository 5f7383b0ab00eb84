// The o200k token cost of each tool as tools/list shows it (name, title,
// description, inputSchema, outputSchema, annotations), as the catalogue test's
// budgets count it (readme-tables.ts `cost`). Run directly, it prints one line
// per tool.
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { DEFAULT_CONFIRM } from "../src/config.js";
import { EVERY_TOOL, type Profile, profileOf } from "../src/pointers.js";
import { listedForMode } from "../src/tools/confirm-modes.js";
import { allTools } from "../src/tools/index.js";
import { listedTool } from "../src/tools/listed.js";
import type { Tool, Toolset } from "../src/tools/types.js";
import { cost } from "./readme-tables.js";

export interface ToolTokens {
  name: string;
  toolset: Toolset;
  tokens: number;
  /** What its outputSchema adds to `tokens`. */
  outputTokens: number;
}

/**
 * Each tool's cost as `profile` lists it (texts naming tools differ where those are not served),
 * with the `confirm` argument where the default --confirm mode may ask.
 */
export function toolTokens(tools: readonly Tool[] = allTools, profile: Profile = EVERY_TOOL): ToolTokens[] {
  return tools.map((tool) => {
    const listed = listedForMode(listedTool(tool, profile), tool.confirm, DEFAULT_CONFIRM.mode);
    return {
      name: tool.name,
      toolset: tool.toolset,
      tokens: cost(listed),
      outputTokens: cost(listed) - cost({ ...listed, outputSchema: undefined }),
    };
  });
}

/** The default profile's tools, as it serves them. */
export function defaultProfileTokens(inDefaultProfile: (t: Tool) => boolean): number {
  const served = allTools.filter(inDefaultProfile);
  return toolTokens(served, profileOf(served)).reduce((n, c) => n + c.tokens, 0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const costs = toolTokens();
  let total = 0;
  for (const { name, toolset, tokens } of costs) {
    total += tokens;
    console.log(String(tokens).padStart(5), toolset.padEnd(14), name);
  }
  console.log(String(total).padStart(5), "total", costs.length, "tools, avg", Math.round(total / costs.length));
  // The budgets the catalogue test holds, and discovery mode's five tools.
  const { inDefaultProfile } = await import("../src/config.js");
  const { discoveryListing } = await import("./readme-tables.js");
  console.log(
    String(costs.reduce((n, c) => n + c.outputTokens, 0)).padStart(5),
    "of it outputSchemas,",
    costs.filter((c) => c.outputTokens > 0).length,
    "tools",
  );
  const sum = (keep: (c: ToolTokens) => boolean) => costs.filter(keep).reduce((n, c) => n + c.tokens, 0);
  const discovery = await discoveryListing();
  console.log(String(sum((c) => c.toolset !== "workflows")).padStart(5), "all operations");
  console.log(
    String(defaultProfileTokens(inDefaultProfile)).padStart(5),
    "default profile,",
    allTools.filter(inDefaultProfile).length,
    "tools",
  );
  console.log(
    String(discovery.reduce((n, t) => n + encode(JSON.stringify(t)).length, 0)).padStart(5),
    "discovery mode,",
    discovery.length,
    "tools",
  );
}
