// Added latency of a tool call: get_contact through a real MCP client (SDK
// in-memory transport) against the in-process sandbox, versus the same GET
// /contacts/{id} sent directly with undici over the same kind of keep-alive agent.

// As the binary does (src/cli.ts), before any schema exists.
import "../src/zod-config.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Agent, request } from "undici";
import { clientFromConfig } from "../src/client/config.js";
import { parseCli } from "../src/config.js";
import { startSandbox } from "../src/sandbox/index.js";
import { createServer } from "../src/server.js";
import { median, quantile, round } from "./stats.js";

export interface LatencyResult {
  calls: number;
  directMedianMs: number;
  directP95Ms: number;
  toolMedianMs: number;
  toolP95Ms: number;
  addedMedianMs: number;
  addedP95Ms: number;
}

async function timed(n: number, once: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await once();
    out.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return out;
}

// A server runs for hours: the figure is its steady state, once the JIT has seen the path (300 calls of each first).
export async function latencyBench(calls = 1000, warmup = 300): Promise<LatencyResult> {
  const sandbox = await startSandbox();
  const command = parseCli(["--toolsets", "all"], {});
  if (command.kind !== "serve") throw new Error("parseCli did not return a serve command");
  const config = { ...command.config, apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl };
  const api = clientFromConfig(config, { userAgent: "flownally-mcp/bench" });
  const server = createServer(config, { client: api });
  const client = new Client({ name: "bench", version: "1.0.0" });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  const agent = new Agent({ connections: 16, keepAliveTimeout: 10_000, pipelining: 1 });
  try {
    const id = sandbox.store.contacts.keys().next().value;
    if (typeof id !== "string") throw new Error("the sandbox seed has no contacts");
    const url = `${sandbox.baseUrl}/contacts/${encodeURIComponent(id)}`;
    const headers = { authorization: `Bearer ${sandbox.apiKey}`, accept: "application/json" };
    const direct = async (): Promise<void> => {
      const res = await request(url, { dispatcher: agent, headers });
      if (res.statusCode !== 200) throw new Error(`direct GET answered ${res.statusCode}`);
      await res.body.json();
    };
    const viaTool = async (): Promise<void> => {
      const result = await client.callTool({ name: "get_contact", arguments: { id } });
      if (result.isError) throw new Error(`get_contact failed: ${JSON.stringify(result.content)}`);
    };
    await timed(warmup, direct);
    await timed(warmup, viaTool);
    // Interleave in blocks so both see the same machine state.
    const directMs: number[] = [];
    const toolMs: number[] = [];
    const block = 50;
    for (let done = 0; done < calls; done += block) {
      const n = Math.min(block, calls - done);
      directMs.push(...(await timed(n, direct)));
      toolMs.push(...(await timed(n, viaTool)));
    }
    const dMed = median(directMs);
    const tMed = median(toolMs);
    const dP95 = quantile(directMs, 0.95);
    const tP95 = quantile(toolMs, 0.95);
    return {
      calls,
      directMedianMs: round(dMed, 3),
      directP95Ms: round(dP95, 3),
      toolMedianMs: round(tMed, 3),
      toolP95Ms: round(tP95, 3),
      addedMedianMs: round(tMed - dMed, 3),
      addedP95Ms: round(tP95 - dP95, 3),
    };
  } finally {
    await client.close();
    await server.close();
    await api.close();
    await agent.close();
    await sandbox.close();
  }
}
