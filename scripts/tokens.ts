// Prints the o200k token cost of each tool as tools/list shows it.
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { allTools } from "../src/tools/index.js";
import { listedTool } from "../src/tools/registry.js";

let total = 0;
for (const tool of allTools) {
  const n = encode(JSON.stringify(listedTool(tool))).length;
  total += n;
  console.log(String(n).padStart(5), tool.toolset.padEnd(14), tool.name);
}
console.log(String(total).padStart(5), "total", allTools.length, "tools, avg", Math.round(total / allTools.length));
