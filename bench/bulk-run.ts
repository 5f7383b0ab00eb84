// Prints the bulk benchmarks as JSON: `npx tsx bench/bulk-run.ts`
// (add `node --expose-gc --import tsx` for steadier memory figures).

import { csvBench, tagBench } from "./bulk.js";

const tag = await tagBench();
const csv = await csvBench();
console.log(JSON.stringify({ tagBench: tag, csvBench: csv }, null, 2));
