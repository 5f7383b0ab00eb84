// Bulk benchmarks. tagBench: tag_contacts over 1,000 contacts through a real MCP
// client against a loopback API that answers every request after 20 ms (goal
// ≤ 4 s). csvBench: the streaming CSV checker over a 100,000-row file (goal
// ≤ 2 s), with peak memory growth for 10k vs 100k rows to show it is flat;
// csvLargeBench: one check of 10 M rows, past the duplicate index's bound.

import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { FlownallyClient } from "../src/client/http.js";
import { parseCli } from "../src/config.js";
import { checkCsv } from "../src/files/csv-check.js";
import { createServer } from "../src/server.js";
import { mb, median, round } from "./stats.js";

/** A key the API's answers cannot contain by chance: a key is cut from every answer ("bench" would cut "tag_bench"). */
const BENCH_KEY = "bench-key-5f0c2a9e41d7";

const RUNS = Math.max(3, Number(process.env.BENCH_BULK_RUNS ?? 3));

export interface TagBenchResult {
  contacts: 1000;
  latencyMs: 20;
  medianMs: number;
  runs: number[];
  requestsPerRun: number;
}

export async function tagBench(): Promise<TagBenchResult> {
  const contacts = 1000;
  const latencyMs = 20;
  let requests = 0;
  const http = createHttpServer((req, res) => {
    requests += 1;
    req.resume();
    setTimeout(() => {
      const url = new URL(req.url ?? "/", "http://x");
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      if (req.method === "GET" && url.pathname === "/v1/tags")
        return send(200, { tags: [{ id: "tag_bench", name: "bench" }] });
      if (req.method === "GET" && url.pathname === "/v1/contacts") {
        const from = Number(url.searchParams.get("pageToken") ?? 0);
        const size = Number(url.searchParams.get("pageSize") ?? 100);
        const page = Array.from({ length: Math.max(0, Math.min(size, contacts - from)) }, (_, i) => ({
          id: `con_${from + i}`,
          name: `Bench ${from + i}`,
          tagIds: [],
        }));
        return send(200, { contacts: page, nextPageToken: from + size < contacts ? String(from + size) : "" });
      }
      if (req.method === "POST" && url.pathname.includes("/tags/")) return send(204);
      send(404, { status: 404, title: "Not found" });
    }, latencyMs);
  });
  http.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;

  // Unattended, as an automation runs a bulk change: nothing asks first.
  const command = parseCli(["--toolsets", "all", "--confirm", "never"], {});
  if (command.kind !== "serve") throw new Error("unexpected CLI result");
  const config = { ...command.config, apiKey: BENCH_KEY, baseUrl: `http://127.0.0.1:${port}/v1` };
  const api = new FlownallyClient({ baseUrl: config.baseUrl, apiKey: BENCH_KEY, userAgent: "flownally-mcp/bench" });
  const server = createServer(config, { client: api });
  const client = new Client({ name: "bench", version: "1.0.0" });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(b), client.connect(a)]);

  const runs: number[] = [];
  let requestsPerRun = 0;
  try {
    for (let i = 0; i < RUNS; i++) {
      const before = requests;
      const start = performance.now();
      const result = await client.callTool(
        { name: "tag_contacts", arguments: { tagId: "tag_bench", archived: false } },
        CallToolResultSchema,
        {
          timeout: 120_000,
        },
      );
      runs.push(round(performance.now() - start, 1));
      requestsPerRun = requests - before;
      const data = result.structuredContent as { applied?: number } | undefined;
      if (result.isError || data?.applied !== contacts)
        throw new Error(`tag_contacts did not tag all: ${JSON.stringify(result.content)}`);
    }
  } finally {
    await client.close();
    await server.close();
    await api.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
  return { contacts: 1000, latencyMs: 20, medianMs: round(median(runs), 1), runs, requestsPerRun };
}

export interface CsvBenchResult {
  rows: 100000;
  medianMs: number;
  runs: number[];
  /** CPU time (user + system, all threads) of the median run: steadier than wall time on a busy machine. */
  cpuMs: number;
  /** Peak growth over the resident set / heap before the check, for 100k and for 10k rows. */
  rssGrowthMb: number;
  rssGrowthMb10k: number;
  heapGrowthMb: number;
  heapGrowthMb10k: number;
  fileMb: number;
}

async function writeCsv(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  out.write("name,phone,Preferred store\n");
  let bytes = 0;
  for (let i = 0; i < rows; i += 1000) {
    let chunk = "";
    for (let j = i; j < Math.min(rows, i + 1000); j++) {
      // Every 1,000th phone is malformed so the checker has issues to record; every phone is distinct.
      chunk += `Person ${j},${j % 1000 === 999 ? "12345" : `+48${String(500_000_000 + j)}`},Store ${j % 7}\n`;
    }
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return bytes;
}

interface Measured {
  ms: number;
  cpuMs: number;
  rssMb: number;
  heapMb: number;
  /** Peak RSS growth up to the first progress report at or past `checkpointRows`. */
  rssMbAtCheckpoint: number;
  rows: number;
  note: string | undefined;
}

/** Time and peak memory growth of one streaming check of `path`. */
async function measure(path: string, checkpointRows = Number.POSITIVE_INFINITY): Promise<Measured> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 5);
  let rssAtCheckpoint = Number.NaN;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const report = await checkCsv(createReadStream(path), {
    fields: [{ id: "cf_store", name: "Preferred store" }],
    onProgress: (rows) => {
      if (rows >= checkpointRows && Number.isNaN(rssAtCheckpoint)) rssAtCheckpoint = peakRss;
    },
  });
  const ms = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  clearInterval(sample);
  const end = process.memoryUsage();
  peakRss = Math.max(peakRss, end.rss);
  peakHeap = Math.max(peakHeap, end.heapUsed);
  return {
    ms: round(ms, 1),
    cpuMs: round((user + system) / 1000, 1),
    rssMb: mb(peakRss - base.rss),
    heapMb: mb(peakHeap - base.heapUsed),
    rssMbAtCheckpoint: mb(rssAtCheckpoint - base.rss),
    rows: report.rows,
    note: report.note,
  };
}

export async function csvBench(): Promise<CsvBenchResult> {
  const small = join(tmpdir(), `flownally-bench-${process.pid}-10k.csv`);
  const large = join(tmpdir(), `flownally-bench-${process.pid}-100k.csv`);
  try {
    await writeCsv(small, 10_000);
    const bytes = await writeCsv(large, 100_000);
    await measure(small); // warm-up: JIT and the parser's buffers
    const smallRun = await measure(small);
    const runs: Measured[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(large));
    if (runs.some((r) => r.rows !== 100_000)) throw new Error("the checker did not see 100,000 rows");
    const medianRun = [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)] ?? runs[0];
    return {
      rows: 100000,
      medianMs: round(median(runs.map((r) => r.ms)), 1),
      runs: runs.map((r) => r.ms),
      cpuMs: medianRun?.cpuMs ?? 0,
      rssGrowthMb: round(median(runs.map((r) => r.rssMb)), 1),
      rssGrowthMb10k: smallRun.rssMb,
      heapGrowthMb: round(median(runs.map((r) => r.heapMb)), 1),
      heapGrowthMb10k: smallRun.heapMb,
      fileMb: mb(bytes),
    };
  } finally {
    await rm(small, { force: true });
    await rm(large, { force: true });
  }
}

export interface CsvLargeBenchResult {
  rows: number;
  fileMb: number;
  /** Writing the file, which the check does not include. */
  writeMs: number;
  ms: number;
  cpuMs: number;
  rowsPerS: number;
  /** Peak RSS growth over the first 2 M rows (the duplicate index is full by then), and over all of them: flat. */
  rssGrowthMb2M: number;
  rssGrowthMb: number;
  heapGrowthMb: number;
  /** Past MAX_REMEMBERED_ROWS distinct rows, the duplicate check says how far it looked. */
  duplicateNote: string;
}

/**
 * One check of a file far past what the duplicate index remembers (10 M rows,
 * about 340 MB, written to a temporary folder first): memory must stay where
 * the bounded index puts it. BENCH_CSV_LARGE_ROWS changes the size.
 */
export async function csvLargeBench(): Promise<CsvLargeBenchResult> {
  const rows = Number(process.env.BENCH_CSV_LARGE_ROWS ?? 10_000_000);
  const dir = await mkdtemp(join(tmpdir(), "flownally-bench-large-"));
  const path = join(dir, `${rows}.csv`);
  try {
    const started = performance.now();
    const bytes = await writeCsv(path, rows);
    const writeMs = performance.now() - started;
    const run = await measure(path, 2_000_000);
    if (run.rows !== rows) throw new Error(`the checker saw ${run.rows} rows of ${rows}`);
    return {
      rows,
      fileMb: mb(bytes),
      writeMs: round(writeMs, 0),
      ms: round(run.ms, 0),
      cpuMs: round(run.cpuMs, 0),
      rowsPerS: Math.round((rows / run.ms) * 1000),
      rssGrowthMb2M: run.rssMbAtCheckpoint,
      rssGrowthMb: run.rssMb,
      heapGrowthMb: run.heapMb,
      duplicateNote: run.note ?? "none: every row remembered",
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
