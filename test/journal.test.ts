// The journal and undo through a real MCP client against the sandbox: every
// write recorded with the key's fingerprint and never the key, whatever tool
// made it; reads, refusals and dry runs leave nothing; a journal that cannot
// be written costs no call; undo reverses exactly the contacts a job changed
// and refuses, with the reason, what it cannot undo.

import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { journalAt } from "../src/journal/journal.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { DEMO_IDS } from "../src/sandbox/seed.js";
import { ManualClock } from "./helpers/clock.js";
import { connectEra } from "./helpers/eras.js";
import { type Connected, connect, dataOf, testConfig, textOf } from "./helpers/mcp.js";
import { startTagApi } from "./helpers/tag-api.js";
import { until } from "./helpers/until.js";

const PEOPLE = 30;

let sandbox: Sandbox;
let path: string;
let conn: Connected;
let people: string[];

beforeAll(async () => {
  sandbox = await startSandbox();
  path = journalFile();
  conn = await connect(testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, journal: path }));
  people = [];
  for (let i = 0; i < PEOPLE; i++) {
    const { data } = await conn.api.request({
      method: "POST",
      path: "/contacts",
      body: { name: `Undoperson ${i}`, phone: `+4861${String(1_000_000 + i)}` },
    });
    people.push(String((data as { id: string }).id));
  }
});

afterAll(async () => {
  await conn.close();
  await sandbox.close();
});

function journalFile(): string {
  return join(mkdtempSync(join(tmpdir(), "flownally-journal-")), "journal.jsonl");
}

type Entry = Record<string, unknown>;

function entries(file = path): Entry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Entry);
}

/** The journal's entries once all those appended so far are on disk (the server's journal is this process's). */
async function settled(): Promise<Entry[]> {
  await journalAt(path).flush();
  return entries();
}

/** The entries `act` writes. */
async function nextEntries(act: () => Promise<unknown>): Promise<Entry[]> {
  const before = (await settled()).length;
  await act();
  return (await settled()).slice(before);
}

function fingerprint(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

async function newTag(name: string): Promise<string> {
  const res = await conn.call("create_tag", { name });
  const id = dataOf(res).id;
  if (typeof id !== "string") throw new Error(textOf(res));
  return id;
}

function taggedWith(tag: string): string[] {
  return people.filter((id) => sandbox.store.contacts.get(id)?.tagIds.includes(tag));
}

describe("the journal", () => {
  it("records every write, succeeded or failed, with the key's fingerprint, and never the key", async () => {
    const written = await nextEntries(async () => {
      expect((await conn.call("list_contacts", { pageSize: 1 })).isError).toBeFalsy();
      // Refused before sending, and a dry run: no write, no entry.
      expect((await conn.call("create_contact", { phone: "123" })).isError).toBe(true);
      expect(
        (await conn.call("tag_contacts", { tagId: "VIP", search: "Undoperson", dryRun: true })).isError,
      ).toBeFalsy();
      await conn.call("create_tag", { name: `Journal ${sandbox.apiKey}` });
      await conn.call("update_contact", { id: DEMO_IDS.anna, name: "Anna Kowalska" });
      expect((await conn.call("delete_contact", { id: "con_missing" })).isError).toBe(true);
      await conn.call("update_webhook_settings", {
        url: "https://hook-user:hook-pass@hooks.example.com/in?token=abc123&team=crm",
        enabled: false,
      });
    });
    expect(written.map((e) => [e.kind, e.tool, e.ok, e.status])).toEqual([
      ["call", "create_tag", true, 201],
      ["call", "update_contact", true, 200],
      ["call", "delete_contact", false, 404],
      ["call", "update_webhook_settings", true, 200],
    ]);
    const key = fingerprint(sandbox.apiKey);
    for (const entry of written) {
      expect(entry).toMatchObject({ key, id: expect.stringMatching(/^w_[0-9a-f]{12}$/) });
      expect(new Date(String(entry.time)).toISOString()).toBe(entry.time);
      expect(entry.requestId).toMatch(/.+/);
    }
    expect(written[0]?.args).toEqual({ name: "Journal [redacted]" });
    expect(written[1]?.args).toEqual({ id: DEMO_IDS.anna, name: "Anna Kowalska" });
    expect(written[2]?.error).toMatch(/^404 /);
    expect(written[3]?.args).toEqual({
      url: "https://redacted@hooks.example.com/in?token=%5Bredacted%5D&team=crm",
      enabled: false,
    });
    const text = readFileSync(path, "utf8");
    expect(text).not.toContain(sandbox.apiKey);
    expect(text).not.toContain("hook-pass");
    expect(text).not.toContain("abc123");
  });

  it("records a bulk change as a job: exactly the contacts it changed, not those already tagged", async () => {
    const tag = await newTag("journal-bulk");
    const already = people.slice(0, 5);
    for (const id of already) await conn.call("add_tag_to_contact", { contactId: id, tagId: tag });
    let result: Entry = {};
    const written = await nextEntries(async () => {
      result = dataOf(await conn.call("tag_contacts", { tagId: tag, search: "Undoperson" }));
    });
    expect(result).toMatchObject({ matched: PEOPLE, alreadyTagged: 5, applied: PEOPLE - 5, failed: 0 });
    const job = written.filter((e) => e.id === result.job);
    // Progress entries come at least every second or 500 contacts: one here, or more on a slow machine.
    expect(job.map((e) => e.kind).join(" ")).toMatch(/^job( progress)+ end$/);
    expect(job[0]).toMatchObject({
      tool: "tag_contacts",
      key: fingerprint(sandbox.apiKey),
      args: { tagId: tag, search: "Undoperson" },
      change: { type: "tag", tag: { id: tag, name: "journal-bulk" }, action: "add" },
      total: PEOPLE - 5,
      pid: process.pid,
    });
    const changed = job.flatMap((e) => (e.kind === "progress" ? (e.changed as string[]) : []));
    expect(changed.sort()).toEqual(people.slice(5).sort());
    expect(job.at(-1)).toMatchObject({ status: "done", applied: PEOPLE - 5, unchanged: 5, failed: 0 });
  });

  it("keeps every line whole when many calls write at once", async () => {
    const written = await nextEntries(() =>
      Promise.all(Array.from({ length: 40 }, (_, i) => conn.call("create_tag", { name: `Concurrent ${i}` }))),
    );
    expect(written.filter((e) => e.tool === "create_tag" && e.ok === true)).toHaveLength(40);
    expect(new Set(written.map((e) => e.id)).size).toBe(40);
    expect(new Set(written.map((e) => (e.args as { name: string }).name)).size).toBe(40);
  });

  describe("that cannot be written", () => {
    const stderr: string[] = [];
    const realWrite = process.stderr.write.bind(process.stderr);
    beforeEach(() => {
      process.stderr.write = ((chunk: string | Uint8Array) => {
        stderr.push(String(chunk));
        return true;
      }) as typeof process.stderr.write;
    });
    afterEach(() => {
      process.stderr.write = realWrite;
    });

    it("costs no call: the failure is logged once, and the calls succeed", async () => {
      const file = join(mkdtempSync(join(tmpdir(), "flownally-journal-")), "a-file");
      writeFileSync(file, "not a folder");
      const broken = await connect(
        testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, journal: join(file, "journal.jsonl") }),
      );
      try {
        for (let i = 0; i < 3; i++) {
          const res = await broken.call("create_tag", { name: `Unjournaled ${i}` });
          expect(res.isError, textOf(res)).toBeFalsy();
        }
        await until(() => stderr.join("").includes("journal: cannot write"));
        expect(stderr.join("").match(/journal: cannot write/g)).toHaveLength(1);
      } finally {
        await broken.close();
      }
    });
  });
});

describe("undo", () => {
  it("reverses exactly the contacts a job changed, and undoing the undo changes them back", async () => {
    const tag = await newTag("undo-exact");
    const already = people.slice(0, 10);
    for (const id of already) await conn.call("add_tag_to_contact", { contactId: id, tagId: tag });
    const tagged = dataOf(await conn.call("tag_contacts", { tagId: tag, search: "Undoperson" }));
    expect(tagged).toMatchObject({ applied: 20, alreadyTagged: 10 });
    expect(taggedWith(tag)).toHaveLength(PEOPLE);

    const undone = await conn.call("manage_job", { jobId: tagged.job, action: "undo" });
    expect(undone.isError, textOf(undone)).toBeFalsy();
    expect(dataOf(undone)).toMatchObject({ undoes: { job: tagged.job }, action: "remove", applied: 20, failed: 0 });
    // Those tagged before the job keep the tag; only what the job did is reversed.
    expect(taggedWith(tag)).toEqual(already);

    const status = dataOf(await conn.call("manage_job", { jobId: tagged.job }));
    expect(status).toMatchObject({ status: "done", undoneBy: dataOf(undone).job });

    const redone = dataOf(await conn.call("manage_job", { jobId: dataOf(undone).job, action: "undo" }));
    expect(redone).toMatchObject({ action: "add", applied: 20 });
    expect(taggedWith(tag)).toHaveLength(PEOPLE);
  });

  it("answers status, cancel, undo and the recent jobs in the shape of its outputSchema", async () => {
    const { tools } = await conn.client.listTools();
    const schema = tools.find((t) => t.name === "manage_job")?.outputSchema;
    expect(schema).toMatchObject({ properties: { job: { type: "string" }, recent: { type: "array" } } });
    const validate = new Ajv({ strict: false }).compile(schema ?? {});
    const job = async (args: Record<string, unknown>) => {
      const res = await conn.call("manage_job", args);
      expect(res.isError, textOf(res)).toBeFalsy();
      expect(validate(res.structuredContent), JSON.stringify(validate.errors)).toBe(true);
      return dataOf(res);
    };
    const tag = await newTag("undo-shapes");
    const tagged = dataOf(await conn.call("tag_contacts", { tagId: tag, contactIds: people.slice(0, 3) }));
    expect(await job({ jobId: tagged.job })).toMatchObject({ job: tagged.job, status: "done" });
    expect(await job({ jobId: tagged.job, action: "cancel" })).toMatchObject({ job: tagged.job, status: "done" });
    expect(await job({ jobId: tagged.job, action: "undo" })).toMatchObject({
      job: expect.any(String),
      action: "remove",
    });
    expect((await job({})).recent).toEqual(expect.arrayContaining([expect.objectContaining({ id: tagged.job })]));
  });

  it("reverses a removal by tagging again, for a list of ids whose state it read first", async () => {
    const tag = await newTag("undo-removal");
    const had = people.slice(0, 4);
    for (const id of had) await conn.call("add_tag_to_contact", { contactId: id, tagId: tag });
    // Two of the ids never had the tag: the job leaves them alone, and so does its undo.
    const removed = dataOf(
      await conn.call("tag_contacts", { tagId: tag, contactIds: [...had, ...people.slice(20, 22)], remove: true }),
    );
    expect(removed).toMatchObject({ applied: 4, unchanged: 2, failed: 0 });
    expect(taggedWith(tag)).toEqual([]);
    const undone = dataOf(await conn.call("manage_job", { jobId: removed.job, action: "undo" }));
    expect(undone).toMatchObject({ action: "add", applied: 4 });
    expect(taggedWith(tag)).toEqual(had);
  });

  it("refuses what it cannot undo, saying why, and changes nothing", async () => {
    const refusal = async (jobId: unknown, match: RegExp): Promise<void> => {
      const res = await conn.call("manage_job", { jobId, action: "undo" });
      expect(res.isError, textOf(res)).toBe(true);
      expect(textOf(res)).toMatch(match);
    };
    const tag = await newTag("undo-refusals");
    const job = dataOf(await conn.call("tag_contacts", { tagId: tag, contactIds: people.slice(0, 3) })).job;
    await conn.call("manage_job", { jobId: job, action: "undo" });
    await refusal(job, new RegExp(`${job} was already undone by job_`));

    const single = (dataOf(await conn.call("manage_job", {})).recent as Entry[]).find((e) => e.tool === "create_tag");
    await refusal(single?.id, /is a single create_tag call, not a bulk job/);
    await refusal("job_000000000000", /No job job_000000000000 of this key/);

    const none = dataOf(await conn.call("tag_contacts", { tagId: "VIP", contactIds: [DEMO_IDS.anna] }));
    expect(none).toMatchObject({ applied: 0, unchanged: 1 });
    await refusal(none.job, /changed no contacts: nothing to undo/);

    const gone = await newTag("undo-deleted");
    const goneJob = dataOf(await conn.call("tag_contacts", { tagId: gone, contactIds: people.slice(0, 2) })).job;
    expect((await conn.call("delete_tag", { id: gone })).isError).toBeFalsy();
    const before = (await settled()).length;
    await refusal(
      goneJob,
      /Tag undo-deleted \(tag_\w+\) was deleted after job_\w+, which untagged its contacts already/,
    );
    expect((await settled()).slice(before)).toEqual([]);
  });

  it("refuses a job still running, until it is cancelled", async () => {
    const api = await startTagApi({ contacts: 50 });
    const clock = new ManualClock();
    const live = await connect(
      testConfig({ baseUrl: api.baseUrl, apiKey: "undo-running-key", journal: journalFile(), jobWaitMs: 0 }),
      {},
      {},
      { jobs: { clock } },
    );
    try {
      api.pause();
      const call = live.call("tag_contacts", { tagId: api.tagId, contactIds: api.contactIds.slice(0, 20) });
      await until(() => api.held() > 0 && clock.sleeping === 1);
      clock.advance(0);
      const jobId = dataOf(await call).job;
      const refused = await live.call("manage_job", { jobId, action: "undo" });
      expect(textOf(refused)).toMatch(/is still running: cancel it \(action cancel\), then undo it/);
      await live.call("manage_job", { jobId, action: "cancel" });
      api.resume();
      // The writes it cut off may have landed (they did here): undo takes them back too.
      await until(() => api.counts.writes === 8);
      const undone = dataOf(await live.call("manage_job", { jobId, action: "undo" }));
      expect(undone).toMatchObject({ action: "remove", applied: 8 });
      expect(api.tagged.size).toBe(0);
    } finally {
      await live.close();
      await api.close();
    }
  });

  it("refuses when the journal is off: nothing records what a job did", async () => {
    const unjournaled = await connect(testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }));
    try {
      const tag = await newTag("undo-no-journal");
      const job = dataOf(await unjournaled.call("tag_contacts", { tagId: tag, contactIds: people.slice(0, 2) })).job;
      const res = await unjournaled.call("manage_job", { jobId: job, action: "undo" });
      expect(textOf(res)).toMatch(/The journal is off/);
      expect(taggedWith(tag)).toHaveLength(2);
    } finally {
      await unjournaled.close();
    }
  });
});

describe("a job's own reads", () => {
  it("checks each contact when that is fewer requests than reading the tag's pages, changing only what needs it", async () => {
    const api = await startTagApi({ contacts: 600 });
    for (const id of api.contactIds.slice(0, 500)) api.tagged.add(id);
    const direct = await connect(testConfig({ baseUrl: api.baseUrl, apiKey: "reads-key", journal: journalFile() }));
    try {
      const ids = [api.contactIds[0], api.contactIds[550], api.contactIds[551]];
      const few = dataOf(await direct.call("tag_contacts", { tagId: api.tagId, contactIds: ids }));
      expect(few).toMatchObject({ applied: 2, unchanged: 1, failed: 0 });
      expect(api.counts).toMatchObject({ contactReads: 3, writes: 2, doubled: 0 });

      const many = api.contactIds.slice(490, 560);
      const more = dataOf(await direct.call("tag_contacts", { tagId: api.tagId, contactIds: many }));
      expect(more).toMatchObject({ applied: 58, unchanged: 12 });
      expect(api.counts).toMatchObject({ contactReads: 3, writes: 60, doubled: 0 });
    } finally {
      await direct.close();
      await api.close();
    }
  });
});

describe("the built server", () => {
  it("journals over stdio, and a job cut short by the client closing ends in the journal", async () => {
    const file = journalFile();
    const client = await connectEra("2025-11-25", {
      kind: "stdio",
      args: ["--sandbox"],
      env: { FLOWNALLY_JOURNAL: file, FLOWNALLY_JOB_WAIT_MS: "0", FLOWNALLY_CONFIRM: "never" },
    });
    const res = await client.callTool("tag_contacts", { tagId: "VIP", archived: false });
    const job = (res.structuredContent as { job: string }).job;
    await client.close();
    await until(() => entries(file).some((e) => e.id === job && e.kind === "end"));
    const end = entries(file).find((e) => e.id === job && e.kind === "end");
    expect(["done", "interrupted"]).toContain(end?.status);
    expect(readFileSync(file, "utf8")).not.toContain("sandbox-owner");
  });
});
