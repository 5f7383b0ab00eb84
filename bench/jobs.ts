// The bulk-job benchmark: tag_contacts over 10,000 contacts through a real MCP
// client, against a loopback API (in a process of its own) that answers every
// request after 20 ms and accepts 50 requests in any second, answering 429 with
// Retry-After above it.
// The floor is the rate limit's: 10,000 writes / 50 a second = 200 s; the goal
// is to finish within 10 % of it, with every change made once (counted at the
// API) and journaled. The call returns a job id after 30 s; the client then
// follows the job with manage_job, as a model would. BENCH_JOB_CONTACTS
// changes the size.

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { FlownallyClient } from "../src/client/http.js";
import { parseCli } from "../src/config.js";
import { journalAt } from "../src/journal/journal.js";
import { createServer } from "../src/server.js";
import { round } from "./stats.js";

/** A key the API's answers cannot contain by chance: a key is cut from every answer ("bench" would cut "tag_bench"). */
const BENCH_KEY = "bench-key-5f0c2a9e41d7";

export interface JobBenchResult {
  contacts: number;
  latencyMs: 20;
  perSecond: 50;
  /** contacts / perSecond. */
  floorS: number;
  /** From the call to the job's end, the segment's reading included. */
  totalS: number;
  /** totalS over the floor. */
  ratioToFloor: number;
  /** When the call answered: with a job id after the wait, or with the whole result. */
  answeredS: number;
  /** From the job's start (after the segment was read) to its end. */
  jobS: number;
  pacedTo: number | undefined;
  /** 429 answers the API gave (to the job's writes and the segment's reads). */
  rateLimited: number;
  changed: number;
  lost: number;
  doubled: number;
  /** Writes sent again under the same Idempotency-Key (safe retries). */
  replayed: number;
  requests: number;
  /** Contacts the journal says the job changed. */
  journaled: number;
}

interface ApiCounts {
  requests: number;
  changed: number;
  doubled: number;
  replayed: number;
  rateLimited: number;
  tagged: number;
}

/** The API in a child process; resolves once it listens. */
async function startApiProcess(contacts: number): Promise<{ baseUrl: string; tagId: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/tag-api-process.ts", String(contacts), "20", "50"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await once(createInterface({ input: child.stdout as Readable }), "line")) as [string];
  return { ...(JSON.parse(line) as { baseUrl: string; tagId: string }), child };
}

export async function jobBench(): Promise<JobBenchResult> {
  const contacts = Number(process.env.BENCH_JOB_CONTACTS ?? 10_000);
  const api = await startApiProcess(contacts);
  const counts = async (): Promise<ApiCounts> =>
    (await fetch(new URL("/counts", api.baseUrl))).json() as Promise<ApiCounts>;
  const dir = await mkdtemp(join(tmpdir(), "flownally-bench-job-"));
  // Unattended, as an automation would run it: the figure is the pace, not a question to a user.
  const command = parseCli(["--toolsets", "all", "--confirm", "never"], {});
  if (command.kind !== "serve") throw new Error("unexpected CLI result");
  const config = { ...command.config, apiKey: BENCH_KEY, baseUrl: api.baseUrl, journal: join(dir, "journal.jsonl") };
  const flownally = new FlownallyClient({ baseUrl: api.baseUrl, apiKey: BENCH_KEY, userAgent: "flownally-mcp/bench" });
  const server = createServer(config, { client: flownally });
  const client = new Client({ name: "bench", version: "1.0.0" });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(b), client.connect(a)]);
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await client.callTool({ name, arguments: args }, CallToolResultSchema, { timeout: 120_000 });
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    return result.structuredContent as Record<string, unknown>;
  };
  try {
    const started = Date.now();
    const handle = await call("tag_contacts", { tagId: api.tagId, search: "Person" });
    const answeredS = round((Date.now() - started) / 1000, 1);
    // Finished within the wait, the result has no status: manage_job has it.
    let status = handle.status === undefined ? await call("manage_job", { jobId: handle.job }) : handle;
    while (status.status === "running") {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      status = await call("manage_job", { jobId: handle.job });
    }
    if (status.status !== "done") throw new Error(`the job ended ${String(status.status)}: ${String(status.reason)}`);
    const totalS = round((Date.parse(String(status.endedAt)) - started) / 1000, 1);
    // The job's last entries may still be on their way to the file.
    await journalAt(config.journal).flush();
    const journal = await readFile(config.journal, "utf8");
    const journaled = journal
      .split("\n")
      .filter((line) => line.includes(String(handle.job)) && line.includes('"progress"'))
      .reduce((n, line) => n + ((JSON.parse(line) as { changed?: string[] }).changed?.length ?? 0), 0);
    const floorS = contacts / 50;
    const atApi = await counts();
    return {
      contacts,
      latencyMs: 20,
      perSecond: 50,
      floorS,
      totalS,
      ratioToFloor: round(totalS / floorS, 3),
      answeredS,
      jobS: round((Date.parse(String(status.endedAt)) - Date.parse(String(status.startedAt))) / 1000, 1),
      pacedTo: typeof status.pacedTo === "number" ? status.pacedTo : undefined,
      rateLimited: atApi.rateLimited,
      changed: atApi.changed,
      lost: contacts - atApi.tagged,
      doubled: atApi.doubled,
      replayed: atApi.replayed,
      requests: atApi.requests,
      journaled,
    };
  } finally {
    await client.close();
    await server.close();
    await flownally.close();
    api.child.kill();
    await rm(dir, { recursive: true, force: true });
  }
}
