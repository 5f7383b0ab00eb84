// `npm run bench`: every quality-bar benchmark in one go on one machine. Writes
// bench/results/latest.json and prints a table. Run after `npm run build`.
// BENCH_SKIP_JOB=1 skips the 10,000-contact job (about 3.5 minutes).

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { csvBench, csvLargeBench, tagBench } from "./bulk.js";
import { clientsBench } from "./clients.js";
import { coldStartBench } from "./cold-start.js";
import { type HttpLoadResult, httpLoadIn } from "./http-load.js";
import { jobBench } from "./jobs.js";
import { latencyBench } from "./latency.js";
import { resultsBench } from "./results.js";
import { tokensBench } from "./tokens.js";

const GOALS = { coldStartRatio: 1.6, peakRssMb: 60, addedLatencyMedianMs: 1 };

type Row = [string, string, string];

async function cpuModel(): Promise<string> {
  const info = await readFile("/proc/cpuinfo", "utf8").catch(() => "");
  return /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
}

/** Table rows for a suite's result: its numeric and short string fields, one level deep. */
function rowsOf(prefix: string, value: unknown): Row[] {
  if (value === null || typeof value !== "object") return [[prefix, String(value), ""]];
  const rows: Row[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === "number" || typeof v === "boolean") rows.push([`${prefix}.${key}`, String(v), ""]);
    else if (typeof v === "string" && v.length <= 60) rows.push([`${prefix}.${key}`, v, ""]);
  }
  return rows;
}

function printTable(rows: readonly Row[]): void {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
}

/** The run whose throughput is the median of `runs`. */
function medianRun(runs: readonly HttpLoadResult[]): HttpLoadResult | undefined {
  return [...runs].sort((a, b) => a.throughputPerSec - b.throughputPerSec)[Math.floor(runs.length / 2)];
}

/**
 * The HTTP load bench, each run in a fresh process: 2025-era sessions `runs`
 * times, interleaved with as many runs of the BENCH_BEFORE build's own bench
 * (its transport, the same machine, the same minutes), then 2026-era clients.
 */
async function httpLoadSideBySide(runs: number): Promise<Record<string, HttpLoadResult | undefined>> {
  const here = fileURLToPath(new URL("..", import.meta.url));
  const beforeRoot = process.env.BENCH_BEFORE ? dirname(process.env.BENCH_BEFORE) : undefined;
  const now: HttpLoadResult[] = [];
  const before: HttpLoadResult[] = [];
  for (let i = 0; i < runs; i++) {
    if (beforeRoot) before.push(await httpLoadIn(beforeRoot));
    now.push(await httpLoadIn(here));
  }
  return {
    httpLoad2025: medianRun(now),
    httpLoad2026: await httpLoadIn(here, "2026-07-28"),
    ...(beforeRoot && { httpLoadBefore: medianRun(before) }),
  };
}

const verdict = (ok: boolean, goal: string): string => `${ok ? "ok" : "MISSED"} (goal ${goal})`;

const started = Date.now();
const cold = await coldStartBench(Number(process.env.BENCH_COLD_RUNS ?? 20));
const latency = await latencyBench(Number(process.env.BENCH_CALLS ?? 1000));
const tokens = tokensBench();
const results_ = await resultsBench();
const bulk = { tagBench: await tagBench(), csvBench: await csvBench(), csvLargeBench: await csvLargeBench() };
const httpLoad = await httpLoadSideBySide(Number(process.env.BENCH_HTTP_RUNS ?? 3));
const clients = clientsBench();
// The 10,000-contact job runs against a rate limit for about 3.5 minutes: BENCH_SKIP_JOB=1 leaves it out.
const jobs = process.env.BENCH_SKIP_JOB === "1" ? {} : { jobBench: await jobBench() };

const results = {
  date: new Date().toISOString(),
  machine: { nproc: cpus().length, cpu: await cpuModel(), node: process.version, platform: process.platform },
  command: "npm run bench",
  goals: GOALS,
  coldStart: cold,
  latency,
  tokens,
  results: results_,
  bulk,
  httpLoad,
  clients,
  jobs,
  durationS: Math.round((Date.now() - started) / 1000),
};

await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL("./results/latest.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);

const rows: Row[] = [
  ["machine", `${results.machine.nproc}× ${results.machine.cpu}`, `Node ${process.version}`],
  ["cold start: bare node -e 0 (median ms)", String(cold.bareNodeMedianMs), `${cold.runs} runs, interleaved`],
  [
    "cold start: server to tools/list (median ms)",
    String(cold.serverMedianMs),
    `${cold.tools} tools, p95 ${cold.serverP95Ms}`,
  ],
  [
    "cold start: ratio to bare node",
    `${cold.ratio}×`,
    verdict(cold.ratio <= GOALS.coldStartRatio, `≤ ${GOALS.coldStartRatio}×`),
  ],
  [
    "peak RSS at tools/list (median MB)",
    String(cold.peakRssMedianMb),
    verdict(cold.peakRssMedianMb <= GOALS.peakRssMb, `≤ ${GOALS.peakRssMb} MB`),
  ],
  ["first tools/call after tools/list (median ms)", String(cold.firstCallMedianMs), "loads the SDK server"],
  [
    "peak RSS after the first call (median MB)",
    String(cold.afterFirstCallRssMedianMb),
    verdict(cold.afterFirstCallRssMedianMb <= GOALS.peakRssMb, `≤ ${GOALS.peakRssMb} MB`),
  ],
  ...(cold.before
    ? [
        [
          "cold start: the BENCH_BEFORE build to tools/list (median ms)",
          `${cold.before.medianMs} (${cold.before.ratio}×)`,
          `${cold.before.tools} tools, peak RSS ${cold.before.peakRssMedianMb} MB; ${cold.before.dist}`,
        ] satisfies Row,
      ]
    : []),
  [
    "2026-era client: start to its first answer (median ms)",
    String(cold.modernMedianMs),
    `${cold.modernRatio}× bare node (no front door)`,
  ],
  [
    "direct GET /contacts/{id} (median / p95 ms)",
    `${latency.directMedianMs} / ${latency.directP95Ms}`,
    `${latency.calls} calls`,
  ],
  ["get_contact via MCP (median / p95 ms)", `${latency.toolMedianMs} / ${latency.toolP95Ms}`, ""],
  [
    "added latency (median / p95 ms)",
    `${latency.addedMedianMs} / ${latency.addedP95Ms}`,
    verdict(latency.addedMedianMs <= GOALS.addedLatencyMedianMs, `≤ ${GOALS.addedLatencyMedianMs} ms median`),
  ],
  ...Object.entries(tokens.byToolset).map(([set, t]): Row => [`tokens: ${set}`, String(t.tokens), `${t.tools} tools`]),
  ["tokens: total (o200k)", String(tokens.total), `${tokens.tools} tools, avg ${tokens.averagePerTool}`],
  ...Object.entries(results_).map(
    ([call, r]): Row => [
      `result tokens: ${call} (text / structured)`,
      `${r.text} / ${r.structured}`,
      `${r.items} items; before ${r.beforeText} / ${r.beforeStructured}`,
    ],
  ),
  ...Object.entries(bulk).flatMap(([k, v]) => rowsOf(k, v)),
  ...Object.entries(httpLoad).flatMap(([k, v]) => rowsOf(k, v)),
  ...clients.map(
    (c): Row => [
      `client: ${c.version}, ${c.api} (${c.transport})`,
      c.problems.length === 0 ? "ok" : `${c.problems.length} problems`,
      `tools ${c.tools}, strict ${c.strict}${c.outputSchema ? ", sends outputSchema" : ""}, list_contacts result ${c.resultTokens ?? "?"} tokens${c.known.length ? ", known library defect" : ""}`,
    ],
  ),
  ...Object.entries(jobs).flatMap(([k, v]) => rowsOf(k, v)),
  ["bench duration (s)", String(results.durationS), "results in bench/results/latest.json"],
];
printTable(rows);
