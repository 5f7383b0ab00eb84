// Prints the Streamable HTTP load benchmark as JSON:
//   npx tsx bench/http-load-run.ts [--era 2025-11-25|2026-07-28]   (2025-11-25 if not said)
import { httpLoadBench, type LoadEra } from "./http-load.js";

const at = process.argv.indexOf("--era");
const era: LoadEra = at > 0 && process.argv[at + 1] === "2026-07-28" ? "2026-07-28" : "2025-11-25";
const result = await httpLoadBench(era);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.exitCode = result.errors === 0 && result.sessionsLeft === 0 ? 0 : 1;
