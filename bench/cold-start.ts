// Cold start of the built server to a complete tools/list over stdio, beside a
// bare `node -e 0` measured in the same run (interleaved), and the server's peak RSS.

import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, round } from "./stats.js";

const DIST = fileURLToPath(new URL("../dist/", import.meta.url));
// A private copy, so a concurrent `npm run build` cannot swap the files mid-run.
const COPY = fileURLToPath(new URL("../node_modules/.cache/flownally-bench/", import.meta.url));
const CLI = join(COPY, "dist", "cli.js");

function copyBuild(): void {
  rmSync(COPY, { recursive: true, force: true });
  mkdirSync(COPY, { recursive: true });
  cpSync(DIST, join(COPY, "dist"), { recursive: true });
  writeFileSync(join(COPY, "package.json"), '{"type":"module"}\n');
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

const ENV = {
  PATH: process.env.PATH ?? "",
  FLOWNALLY_API_KEY: "bench-dummy-key",
  // Nothing listens on port 9 of loopback: tools/list must need no API call.
  FLOWNALLY_BASE_URL: "http://127.0.0.1:9/v1",
};

export interface ColdStartResult {
  runs: number;
  bareNodeMedianMs: number;
  serverMedianMs: number;
  ratio: number;
  serverP95Ms: number;
  peakRssMedianMb: number;
  peakRssMaxMb: number;
  tools: number;
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

function serverToToolsList(): Promise<{ ms: number; rssMb: number; tools: number }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, "--toolsets", "all"], { stdio: ["pipe", "pipe", "pipe"], env: ENV });
    let out = "";
    let stderr = "";
    let done = false;
    child.on("error", reject);
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      if (done) return;
      out += chunk.toString();
      // The tools/list response is the line with id 2; stop the clock when it is complete.
      for (const line of out.split("\n").slice(0, -1)) {
        if (!line.includes('"id":2')) continue;
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        const rssMb = child.pid === undefined ? Number.NaN : peakRssMb(child.pid);
        done = true;
        const message = JSON.parse(line) as { result?: { tools?: unknown[] } };
        child.kill("SIGKILL");
        resolve({ ms, rssMb, tools: message.result?.tools?.length ?? 0 });
        return;
      }
    });
    child.on("exit", (code) => {
      if (!done) reject(new Error(`server exited (${code}) before answering tools/list: ${stderr.trim()}`));
    });
    child.stdin.write(HANDSHAKE);
  });
}

export async function coldStartBench(runs = 20): Promise<ColdStartResult> {
  copyBuild();
  // One unmeasured round of each warms the OS file cache.
  await bareNode();
  await serverToToolsList();
  const bare: number[] = [];
  const server: number[] = [];
  const rss: number[] = [];
  let tools = 0;
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first so drift in machine load hits both alike.
    if (i % 2 === 0) bare.push(await bareNode());
    const s = await serverToToolsList();
    server.push(s.ms);
    rss.push(s.rssMb);
    tools = s.tools;
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
  };
}
