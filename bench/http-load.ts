// Load on the Streamable HTTP transport: 50 concurrent SDK clients, each its own
// session, making 100 tool calls over loopback against the sandbox, in process.
// Reports latency, throughput, memory before/at peak/after, and sessions left.

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { parseCli } from "../src/config.js";
import { startSandbox } from "../src/sandbox/index.js";
import { startHttpServer } from "../src/transports/http/index.js";
import { mb, median, quantile, round } from "./stats.js";

export interface HttpLoadResult {
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

export async function httpLoadBench(sessions = 50, callsPerSession = 100): Promise<HttpLoadResult> {
  const sandbox = await startSandbox();
  const command = parseCli(["--sandbox", "--http", "--port", "0"], {});
  if (command.kind !== "serve") throw new Error("unexpected CLI parse");
  const config = { ...command.config, apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl };
  // One key opens every session here, as 50 users behind one server key would: the per-caller bound (16 by default) would close the oldest.
  const server = await startHttpServer(config, { maxSessions: sessions + 16, maxSessionsPerCaller: sessions + 4 });
  const contactId = [...sandbox.store.contacts.keys()][0] ?? "con_missing";

  const open = async (): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> => {
    const transport = new StreamableHTTPClientTransport(new URL(server.url));
    const client = new Client({ name: "http-load", version: "1.0.0" });
    await client.connect(transport);
    return { client, transport };
  };
  const call = (client: Client, i: number): Promise<unknown> =>
    i % 2 === 0
      ? client.callTool({ name: "get_contact", arguments: { id: contactId } })
      : client.callTool({ name: "list_tags", arguments: {} });
  const closeAll = async (list: Array<{ client: Client; transport: StreamableHTTPClientTransport }>): Promise<void> => {
    await Promise.all(
      list.map(async ({ client, transport }) => {
        await transport.terminateSession().catch(() => undefined);
        await client.close();
      }),
    );
  };

  try {
    // Warm up the code paths (JIT, pools) so the baseline is the steady state.
    const warm = await Promise.all(Array.from({ length: 4 }, open));
    await Promise.all(warm.map(({ client }) => Promise.all(Array.from({ length: 10 }, (_, i) => call(client, i)))));
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
      opened.map(async ({ client }) => {
        for (let i = 0; i < callsPerSession; i++) {
          const t0 = performance.now();
          try {
            const result = (await call(client, i)) as CallToolResult;
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
