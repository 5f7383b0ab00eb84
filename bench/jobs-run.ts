// Prints the bulk-job benchmark as JSON: `npx tsx bench/jobs-run.ts` (about 3.5 minutes;
// BENCH_JOB_CONTACTS=1000 for a 20-second run).

import { jobBench } from "./jobs.js";

console.log(JSON.stringify(await jobBench(), null, 2));
