// Cold start of the built server over stdio, beside a bare `node -e 0` measured
// in the same run (interleaved): a 2025-era client's opening to a complete
// tools/list (the front door answers it) and the peak RSS then; the first
// tools/call after it (the SDK server takes over) and the peak RSS after that;
// and a 2026-era client's first request (straight to the SDK server).

import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, round } from "./stats.js";

const DIST = fileURLToPath(new URL("../dist/", import.meta.url));
// A private copy, so a concurrent `npm run build` cannot swap the files mid-run.
const COPY = fileURLToPath(new URL("../node_modules/.cache/flownally-bench/", import.meta.url));
/**
 * An earlier build to measure beside this one in the same run (`npm run bench:before -- <rev>` builds one and
 * sets it): the dist/ folder of that revision.
 */
const BEFORE = process.env.BENCH_BEFORE;

/** A private copy of a dist/ folder; returns its cli.js. */
function copyBuild(dist: string, name: string): string {
  const copy = join(COPY, name);
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(copy, { recursive: true });
  cpSync(dist, join(copy, "dist"), { recursive: true });
  writeFileSync(join(copy, "package.json"), '{"type":"module"}\n');
  return join(copy, "dist", "cli.js");
}

const HANDSHAKE = [
  {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1.0.0" } },
  },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  { jsonrpc: "2.0", id: 2, method: "tools/list" },
]
  .map((message) => `${JSON.stringify(message)}\n`)
  .join("");

/** A tools/call that the server answers at once without the API: nothing listens on port 9, and no retry is made. */
const FIRST_CALL = `${JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "get_contact", arguments: { id: "con_1" } } })}\n`;

/** A 2026-era client's first request on stdio: no initialize, the per-request envelope in _meta. */
const MODERN = `${JSON.stringify({
  jsonrpc: "2.0",
  id: 2,
  method: "tools/list",
  params: {
    _meta: {
      "io.modelcontextprotocol/protocolVersion": "2026-07-28",
      "io.modelcontextprotocol/clientInfo": { name: "bench", version: "1.0.0" },
      "io.modelcontextprotocol/clientCapabilities": {},
    },
  },
})}\n`;

const ENV = {
  PATH: process.env.PATH ?? "",
  FLOWNALLY_API_KEY: "bench-dummy-key",
  // Nothing listens on port 9 of loopback: tools/list must need no API call.
  FLOWNALLY_BASE_URL: "http://127.0.0.1:9/v1",
  FLOWNALLY_MAX_RETRIES: "0",
};

export interface ColdStartResult {
  runs: number;
  bareNodeMedianMs: number;
  /** 2025-era opening to a complete tools/list. */
  serverMedianMs: number;
  ratio: number;
  serverP95Ms: number;
  peakRssMedianMb: number;
  peakRssMaxMb: number;
  tools: number;
  /** The first tools/call after tools/list, which loads the SDK server: its own time. */
  firstCallMedianMs: number;
  /** Peak RSS once the first call is answered. */
  afterFirstCallRssMedianMb: number;
  /** A 2026-era client's first request (tools/list) answered, from start. */
  modernMedianMs: number;
  modernRatio: number;
  /** The build BENCH_BEFORE names, measured interleaved with this one: its 2025-era opening to tools/list. */
  before?: { dist: string; medianMs: number; ratio: number; peakRssMedianMb: number; tools: number };
}

function bareNode(): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore", env: ENV });
    child.on("error", reject);
    child.on("exit", () => resolve(Number(process.hrtime.bigint() - start) / 1e6));
  });
}

/** VmHWM: the peak resident set size of the process so far, in MB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
}

interface Run {
  ms: number;
  rssMb: number;
  tools: number;
  /** Time from sending the first call to its answer; undefined when not asked for. */
  callMs?: number;
  callRssMb?: number;
}

/**
 * Starts the server, writes `opening` and answers-waits for id 2 (tools/list);
 * with `call`, then sends the first tools/call and waits for id 3.
 */
function serverRun(cli: string, opening: string, call: boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const elapsed = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
    const child = spawn(process.execPath, [cli, "--toolsets", "all"], { stdio: ["pipe", "pipe", "pipe"], env: ENV });
    let out = "";
    let stderr = "";
    let listed: Run | undefined;
    let callStart = 0n;
    let done = false;
    child.on("error", reject);
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const finish = (run: Run): void => {
      done = true;
      child.kill("SIGKILL");
      resolve(run);
    };
    child.stdout.on("data", (chunk: Buffer) => {
      if (done) return;
      out += chunk.toString();
      for (const line of out.split("\n").slice(0, -1)) {
        if (!listed && line.includes('"id":2')) {
          // The tools/list response is the line with id 2; stop the clock when it is complete.
          const message = JSON.parse(line) as { result?: { tools?: unknown[] } };
          const rssMb = child.pid === undefined ? Number.NaN : peakRssMb(child.pid);
          listed = { ms: elapsed(start), rssMb, tools: message.result?.tools?.length ?? 0 };
          if (!call) return finish(listed);
          callStart = process.hrtime.bigint();
          child.stdin.write(FIRST_CALL);
        } else if (listed && line.includes('"id":3')) {
          const callRssMb = child.pid === undefined ? Number.NaN : peakRssMb(child.pid);
          return finish({ ...listed, callMs: elapsed(callStart), callRssMb });
        }
      }
    });
    child.on("exit", (code) => {
      if (!done) reject(new Error(`server exited (${code}) before answering: ${stderr.trim()}`));
    });
    child.stdin.write(opening);
  });
}

export async function coldStartBench(runs = 20): Promise<ColdStartResult> {
  const cli = copyBuild(DIST, "now");
  const beforeCli = BEFORE ? copyBuild(BEFORE, "before") : undefined;
  // One unmeasured round of each warms the OS file cache.
  await bareNode();
  await serverRun(cli, HANDSHAKE, true);
  await serverRun(cli, MODERN, false);
  if (beforeCli) await serverRun(beforeCli, HANDSHAKE, false);
  const before: Run[] = [];
  const bare: number[] = [];
  const server: number[] = [];
  const rss: number[] = [];
  const calls: number[] = [];
  const callRss: number[] = [];
  const modern: number[] = [];
  let tools = 0;
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first so drift in machine load hits both alike.
    if (i % 2 === 0) bare.push(await bareNode());
    // Half the runs stop at tools/list (the figure that matters to a client listing servers), half go on to a call.
    const s = await serverRun(cli, HANDSHAKE, i % 2 === 1);
    server.push(s.ms);
    rss.push(s.rssMb);
    if (s.callMs !== undefined) calls.push(s.callMs);
    if (s.callRssMb !== undefined) callRss.push(s.callRssMb);
    tools = s.tools;
    modern.push((await serverRun(cli, MODERN, false)).ms);
    if (beforeCli) before.push(await serverRun(beforeCli, HANDSHAKE, false));
    if (i % 2 === 1) bare.push(await bareNode());
  }
  const bareMedian = median(bare);
  const serverMedian = median(server);
  return {
    runs,
    bareNodeMedianMs: round(bareMedian, 1),
    serverMedianMs: round(serverMedian, 1),
    ratio: round(serverMedian / bareMedian),
    serverP95Ms: round([...server].sort((a, b) => a - b)[Math.ceil(runs * 0.95) - 1] ?? Number.NaN, 1),
    peakRssMedianMb: round(median(rss), 1),
    peakRssMaxMb: round(Math.max(...rss), 1),
    tools,
    firstCallMedianMs: round(median(calls), 1),
    afterFirstCallRssMedianMb: round(median(callRss), 1),
    modernMedianMs: round(median(modern), 1),
    modernRatio: round(median(modern) / bareMedian),
    ...(BEFORE && {
      before: {
        dist: BEFORE,
        medianMs: round(median(before.map((r) => r.ms)), 1),
        ratio: round(median(before.map((r) => r.ms)) / bareMedian),
        peakRssMedianMb: round(median(before.map((r) => r.rssMb)), 1),
        tools: before[0]?.tools ?? 0,
      },
    }),
  };
}
