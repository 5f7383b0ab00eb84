// The o200k token cost of each tool as tools/list shows it (name, title,
// description, inputSchema, annotations). Run directly, it prints one line per tool.
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { allTools } from "../src/tools/index.js";
import { listedTool } from "../src/tools/registry.js";
import type { Toolset } from "../src/tools/types.js";

export interface ToolTokens {
  name: string;
  toolset: Toolset;
  tokens: number;
}

export function toolTokens(): ToolTokens[] {
  return allTools.map((tool) => ({
    name: tool.name,
    toolset: tool.toolset,
    tokens: encode(JSON.stringify(listedTool(tool))).length,
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const costs = toolTokens();
  let total = 0;
  for (const { name, toolset, tokens } of costs) {
    total += tokens;
    console.log(String(tokens).padStart(5), toolset.padEnd(14), name);
  }
  console.log(String(total).padStart(5), "total", costs.length, "tools, avg", Math.round(total / costs.length));
}
