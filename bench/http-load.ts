// Load on the Streamable HTTP transport: 50 concurrent SDK clients making 100
// tool calls each over loopback against the sandbox, in process: 2025-era
// clients (the v1 SDK client) each in its own session, or 2026-era clients (the
// v2 SDK client) with no session at all. Reports latency, throughput, memory
// before/at peak/after, and sessions left.

import { spawn } from "node:child_process";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1HttpTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { parseCli } from "../src/config.js";
import { startSandbox } from "../src/sandbox/index.js";
import { startHttpServer } from "../src/transports/http/index.js";
import { mb, median, quantile, round } from "./stats.js";

export type LoadEra = "2025-11-25" | "2026-07-28";

export interface HttpLoadResult {
  era: LoadEra;
  sessions: number;
  callsPerSession: number;
  totalCalls: number;
  errors: number;
  durationMs: number;
  throughputPerSec: number;
  p50Ms: number;
  p95Ms: number;
  rssBaselineMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
  /** V8 heap in use, which (unlike RSS) shows whether closed sessions were freed. */
  heapBaselineMb: number;
  heapAfterMb: number;
  sessionsLeft: number;
}

/** global.gc, exposed on the fly when node was started without --expose-gc. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

async function settle(): Promise<void> {
  const gc = collector();
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One client of the era under load: what the bench does with it. */
interface LoadClient {
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

async function openClient(era: LoadEra, url: URL): Promise<LoadClient> {
  if (era === "2025-11-25") {
    const transport = new V1HttpTransport(url);
    const client = new V1Client({ name: "http-load", version: "1.0.0" });
    await client.connect(transport);
    return {
      call: async (name, args) => (await client.callTool({ name, arguments: args })) as CallToolResult,
      close: async () => {
        await transport.terminateSession().catch(() => undefined);
        await client.close();
      },
    };
  }
  const client = new Client({ name: "http-load", version: "1.0.0" }, { versionNegotiation: { mode: { pin: era } } });
  await client.connect(new StreamableHTTPClientTransport(url));
  return { call: (name, args) => client.callTool({ name, arguments: args }), close: () => client.close() };
}

export async function httpLoadBench(
  era: LoadEra = "2025-11-25",
  sessions = 50,
  callsPerSession = 100,
): Promise<HttpLoadResult> {
  const sandbox = await startSandbox();
  const command = parseCli(["--sandbox", "--http", "--port", "0"], {});
  if (command.kind !== "serve") throw new Error("unexpected CLI parse");
  const config = { ...command.config, apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl };
  // One key opens every session here, as 50 users behind one server key would: the per-caller bound (16 by default) would close the oldest.
  const server = await startHttpServer(config, { maxSessions: sessions + 16, maxSessionsPerCaller: sessions + 4 });
  const contactId = [...sandbox.store.contacts.keys()][0] ?? "con_missing";

  const open = () => openClient(era, new URL(server.url));
  const call = (client: LoadClient, i: number): Promise<CallToolResult> =>
    i % 2 === 0 ? client.call("get_contact", { id: contactId }) : client.call("list_tags", {});
  const closeAll = (list: readonly LoadClient[]) => Promise.all(list.map((client) => client.close()));

  try {
    // Warm up the code paths (JIT, pools) so the baseline is the steady state.
    const warm = await Promise.all(Array.from({ length: 4 }, open));
    await Promise.all(warm.map((client) => Promise.all(Array.from({ length: 10 }, (_, i) => call(client, i)))));
    await closeAll(warm);
    await settle();
    const rssBaseline = process.memoryUsage().rss;
    const heapBaseline = process.memoryUsage().heapUsed;
    let rssPeak = rssBaseline;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 20);

    const latencies: number[] = [];
    let errors = 0;
    const started = performance.now();
    const opened = await Promise.all(Array.from({ length: sessions }, open));
    await Promise.all(
      opened.map(async (client) => {
        for (let i = 0; i < callsPerSession; i++) {
          const t0 = performance.now();
          try {
            const result = await call(client, i);
            if (result.isError) errors++;
          } catch {
            errors++;
          }
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const durationMs = performance.now() - started;
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    clearInterval(sampler);
    await closeAll(opened);
    await settle();
    const totalCalls = sessions * callsPerSession;
    return {
      era,
      sessions,
      callsPerSession,
      totalCalls,
      errors,
      durationMs: round(durationMs, 0),
      throughputPerSec: round((totalCalls / durationMs) * 1000, 0),
      p50Ms: round(median(latencies)),
      p95Ms: round(quantile(latencies, 0.95)),
      rssBaselineMb: mb(rssBaseline),
      rssPeakMb: mb(rssPeak),
      rssAfterMb: mb(process.memoryUsage().rss),
      heapBaselineMb: mb(heapBaseline),
      heapAfterMb: mb(process.memoryUsage().heapUsed),
      sessionsLeft: server.sessionCount(),
    };
  } finally {
    await server.close();
    await sandbox.close();
  }
}

/**
 * The load bench of the checkout at `root` in a fresh process: this one, or an
 * earlier revision's built beside it (`npm run bench:before`), whose own
 * bench/http-load-run.ts serves it with that revision's transport.
 */
export function httpLoadIn(root: string, era: LoadEra = "2025-11-25"): Promise<HttpLoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", "bench/http-load-run.ts", "--era", era], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", () => {
      try {
        resolve({ era, ...(JSON.parse(out) as Omit<HttpLoadResult, "era">) });
      } catch {
        reject(new Error(`the load bench in ${root} printed no result: ${out.slice(0, 200)}`));
      }
    });
  });
}
