// What the model reads: o200k tokens of tools/list per toolset and in total.

import { toolTokens } from "../scripts/tokens.js";

export interface TokensResult {
  total: number;
  tools: number;
  averagePerTool: number;
  byToolset: Record<string, { tools: number; tokens: number }>;
}

export function tokensBench(): TokensResult {
  const costs = toolTokens();
  const byToolset: Record<string, { tools: number; tokens: number }> = {};
  let total = 0;
  for (const { toolset, tokens } of costs) {
    const entry = byToolset[toolset] ?? { tools: 0, tokens: 0 };
    entry.tools += 1;
    entry.tokens += tokens;
    byToolset[toolset] = entry;
    total += tokens;
  }
  return { total, tools: costs.length, averagePerTool: Math.round(total / Math.max(1, costs.length)), byToolset };
}
