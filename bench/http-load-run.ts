// Prints the Streamable HTTP load benchmark as JSON:
//   node --expose-gc --import tsx bench/http-load-run.ts   (or npx tsx bench/http-load-run.ts)
import { httpLoadBench } from "./http-load.js";

const result = await httpLoadBench();
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.exitCode = result.errors === 0 && result.sessionsLeft === 0 ? 0 : 1;
