// Bulk jobs through real MCP clients: a change that outlives its wait returns a
// job id and goes on after the client gives up; manage_job reports and cancels
// it; 429 with Retry-After slows a job down without losing or doubling a change
// (counted at a loopback API). Time is a test clock, never a sleep.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CallToolResult, CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox } from "../src/sandbox/index.js";
import { JumpingClock, ManualClock } from "./helpers/clock.js";
import { connectEra, ERAS } from "./helpers/eras.js";
import { json, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, dataOf, testConfig, textOf } from "./helpers/mcp.js";
import { startTagApi, type TagApi } from "./helpers/tag-api.js";
import { until } from "./helpers/until.js";

const KEY = "job-test-key-0123456789";
const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close().catch(() => undefined);
});

function journalFile(): string {
  return join(mkdtempSync(join(tmpdir(), "flownally-journal-")), "journal.jsonl");
}

async function tagApi(options: Parameters<typeof startTagApi>[0]): Promise<TagApi> {
  const api = await startTagApi(options);
  open.push(api);
  return api;
}

async function connected(...args: Parameters<typeof connect>): Promise<Connected> {
  const conn = await connect(...args);
  open.push(conn);
  return conn;
}

/** Asks manage_job until the job has ended, as a client would. */
async function ended(conn: Connected, jobId: unknown): Promise<Record<string, unknown>> {
  for (;;) {
    const status = dataOf(await conn.call("manage_job", { jobId }));
    if (status.status !== "running") return status;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("a bulk change that runs long", () => {
  it("returns a job id after the wait, goes on when the client gives up, and manage_job reports it", async () => {
    const api = await tagApi({ contacts: 120 });
    const clock = new ManualClock();
    const config = testConfig({ baseUrl: api.baseUrl, apiKey: KEY, journal: journalFile() });
    const first = await connect(config, {}, {}, { jobs: { clock } });
    api.pause();
    const progress: number[] = [];
    const call = first.client.callTool(
      { name: "tag_contacts", arguments: { tagId: api.tagId, search: "Person" } },
      CallToolResultSchema,
      { onprogress: (p) => void progress.push(p.progress) },
    );
    // Eight writes in flight and held; the call waits, and hears progress meanwhile.
    await until(() => api.held() === 8 && clock.sleeping === 1);
    await until(() => progress.length > 0);
    clock.advance(29_999);
    expect(clock.sleeping).toBe(1);
    clock.advance(1);
    const handle = (await call) as CallToolResult;
    expect(dataOf(handle)).toMatchObject({
      status: "running",
      total: 120,
      done: 0,
      job: expect.stringMatching(/^job_/),
    });
    expect(textOf(handle)).toContain("manage_job with this jobId");
    const jobId = dataOf(handle).job;

    // The client gives up and goes; the job does not.
    await first.close();
    api.resume();
    await until(() => api.tagged.size === 120);

    const second = await connected(config, {}, {}, { jobs: { clock } });
    const status = await ended(second, jobId);
    expect(status).toMatchObject({ job: jobId, status: "done", total: 120, done: 120, applied: 120, failed: 0 });
    expect(api.counts).toMatchObject({ changed: 120, doubled: 0 });

    // Another key neither sees nor touches it.
    const stranger = await connected({ ...config, apiKey: "another-key-0123456789" }, {}, {}, { jobs: { clock } });
    for (const action of ["status", "cancel", "undo"]) {
      const res = await stranger.call("manage_job", { jobId, action });
      expect(res.isError, action).toBe(true);
      expect(textOf(res)).toMatch(new RegExp(`No job ${jobId} of this key`));
    }
    expect(dataOf(await stranger.call("manage_job", {})).recent).toEqual([]);
  });

  it("cancel stops it: nothing is sent after, and the writes it cut off are recorded as unsure", async () => {
    const api = await tagApi({ contacts: 100 });
    const clock = new ManualClock();
    const conn = await connected(
      testConfig({ baseUrl: api.baseUrl, apiKey: KEY, journal: journalFile(), jobWaitMs: 0 }),
      {},
      {},
      { jobs: { clock } },
    );
    api.pause();
    const call = conn.call("tag_contacts", { tagId: api.tagId, search: "Person", concurrency: 4 });
    await until(() => api.held() === 4 && clock.sleeping === 1);
    clock.advance(0);
    const jobId = dataOf(await call).job;
    const cancelled = dataOf(await conn.call("manage_job", { jobId, action: "cancel" }));
    expect(cancelled).toMatchObject({ status: "cancelled", applied: 0, unsure: 4 });
    const sent = api.counts.requests;
    // What was held arrives now, as a write cut off mid-way may; nothing new follows it.
    api.resume();
    await until(() => api.counts.writes === 4);
    expect(api.counts.requests).toBe(sent);
    const again = dataOf(await conn.call("manage_job", { jobId, action: "cancel" }));
    expect(again).toMatchObject({ status: "cancelled", note: expect.stringContaining("already ended") });
  });

  it("slows down on 429 with Retry-After: every contact tagged once, none lost, few refusals", async () => {
    // The API allows 50 requests in any second of the clock the job runs on.
    const clock = new JumpingClock();
    const api = await tagApi({ contacts: 300, perSecond: 50, now: () => clock.now() });
    const conn = await connected(
      testConfig({ baseUrl: api.baseUrl, apiKey: KEY, journal: journalFile() }),
      {},
      {},
      { jobs: { clock } },
    );
    const started = dataOf(await conn.call("tag_contacts", { tagId: api.tagId, search: "Person" }));
    const status = await ended(conn, started.job);
    expect(status).toMatchObject({ status: "done", applied: 300, failed: 0, failures: [] });
    expect(api.tagged.size).toBe(300);
    expect(api.counts).toMatchObject({ changed: 300, doubled: 0, replayed: 0 });
    // It was refused, and slowed to the limit rather than retrying into it: a job that kept its first pace would
    // meet a 429 for most of its writes.
    expect(status.rateLimited).toBeGreaterThan(0);
    expect(status.pacedTo).toBeLessThanOrEqual(50);
    expect(api.counts.rateLimited).toBeLessThan(30);
  });
});

describe("a job that every request would fail", () => {
  it("stops at a 403 instead of sending the rest, and says why", async () => {
    const api = await startLoopback();
    open.push(api);
    const contacts = Array.from({ length: 60 }, (_, i) => ({ id: `con_${i}`, name: `C${i}`, tagIds: [] }));
    api.respond((req, res) => {
      if (req.path === "/tags") return json(res, 200, { tags: [{ id: "tag_1", name: "VIP" }] });
      if (req.path === "/contacts") return json(res, 200, { contacts });
      json(res, 403, { status: 403, code: "forbidden", title: "Forbidden" });
    });
    const conn = await connected(testConfig({ baseUrl: api.baseUrl, apiKey: KEY }));
    const result = dataOf(await conn.call("tag_contacts", { tagId: "tag_1", search: "C", concurrency: 2 }));
    expect(result).toMatchObject({
      status: "stopped",
      reason: expect.stringMatching(/^after \d+ of 60: 403 forbidden/),
    });
    // The two requests in flight when the first 403 came, at most: not sixty.
    expect(api.requests.filter((r) => r.method === "POST").length).toBeLessThanOrEqual(2);
    expect(result.failed).toBeLessThanOrEqual(2);
  });
});

describe.each(ERAS)("a %s client", (era) => {
  it("gets a job id for a change past the wait and follows it with manage_job to the end", async () => {
    const sandbox = await startSandbox();
    open.push(sandbox);
    const config = testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, jobWaitMs: 0 });
    const client = await connectEra(era, { kind: "memory", config });
    open.push(client);
    const tag = (await client.callTool("create_tag", { name: `Era job ${era}` })).structuredContent as { id: string };
    const res = await client.callTool("tag_contacts", { tagId: tag.id, archived: false });
    const { job } = res.structuredContent as { job: string };
    expect(job).toMatch(/^job_/);
    let status: Record<string, unknown> = {};
    for (;;) {
      status = (await client.callTool("manage_job", { jobId: job })).structuredContent as Record<string, unknown>;
      if (status.status !== "running") break;
      // An answer from this process's memory comes back within the tick: let the job's requests run meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(status).toMatchObject({ status: "done", failed: 0 });
    const live = [...sandbox.store.contacts.values()].filter((c) => c.deletedAt === null && c.archivedAt === null);
    expect(status.applied).toBe(live.length);
    expect(live.every((c) => c.tagIds.includes(tag.id))).toBe(true);
  });
});
