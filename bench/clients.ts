// The client libraries (clients/run.ts) as a bench step: installed on first
// use (about 500 MB, kept out of the main install), run against the built
// server, one row per library and provider API.

import { spawnSync } from "node:child_process";
import type { Outcome } from "../clients/outcome.js";

export function clientsBench(): Outcome[] {
  const install = spawnSync(process.execPath, ["clients/install.mjs"], { stdio: "inherit" });
  if (install.status !== 0) throw new Error("installing the client libraries failed (clients/install.mjs)");
  const run = spawnSync(process.execPath, ["--import", "tsx", "clients/run.ts", "--json"], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = run.stdout.trim().split("\n").at(-1) ?? "";
  if (!last.startsWith("[")) throw new Error(`clients/run.ts gave no results: ${run.stderr.slice(-500)}`);
  return JSON.parse(last) as Outcome[];
}
