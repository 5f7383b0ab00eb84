// Prints the bulk benchmarks as JSON: `npx tsx bench/bulk-run.ts`
// (add `node --expose-gc --import tsx` for steadier memory figures).

import { csvBench, csvLargeBench, tagBench } from "./bulk.js";

const tag = await tagBench();
const csv = await csvBench();
const csvLarge = await csvLargeBench();
console.log(JSON.stringify({ tagBench: tag, csvBench: csv, csvLargeBench: csvLarge }, null, 2));
