// Asking before harm (src/tools/confirm.ts), through real clients of both
// protocol eras against the sandbox: a client with form elicitation is asked
// (2026: input_required in band; 2025: the SDK's legacy shim sends a real
// elicitation/create) and nothing happens on decline; a client without it gets
// a preview and a single-use token bound to the exact call; bulk changes ask
// above the threshold; messages ask only for a recipient with no conversation;
// --confirm never acts unasked and always asks for reversible changes too.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConfirmSettings } from "../src/config.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { DEMO_IDS } from "../src/sandbox/seed.js";
import { OTHER_IDS } from "../src/sandbox/seed-others.js";
import { builtHttp } from "./helpers/built-http.js";
import { type Answer, connectEra, ERAS, type EraClient, type EraName } from "./helpers/eras.js";
import { testConfig, textOf } from "./helpers/mcp.js";

const AUTO: ConfirmSettings = { mode: "auto", bulkThreshold: 25 };
const ANNA = DEMO_IDS.anna;
const ORDER_READY = {
  type: "template",
  template: {
    name: "order_ready",
    language: "pl",
    components: [
      {
        type: "body",
        parameters: [
          { type: "text", text: "Jan" },
          { type: "text", text: "4827" },
        ],
      },
    ],
  },
};

let sandbox: Sandbox;
const open: EraClient[] = [];
const http = builtHttp();

beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)));
  await sandbox.close();
});
afterAll(() => http.stopAll());

/** A client of `era` on the sandbox, in process, the server asking as `confirm` says; `elicit` answers its forms. */
async function client(era: EraName, confirm: ConfirmSettings, elicit?: Answer): Promise<EraClient> {
  const config = testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, confirm });
  const connected = await connectEra(era, { kind: "memory", config }, elicit ? { elicit } : {});
  open.push(connected);
  return connected;
}

/** Answers every form with `action`, keeping the questions asked. */
function user(action: "accept" | "decline" | "cancel") {
  const asked: string[] = [];
  const answer: Answer = (message) => {
    asked.push(message);
    return action;
  };
  return { asked, answer };
}

const alive = (id: string) => sandbox.store.contacts.get(id)?.deletedAt === null;
const tokenIn = (text: string) => /"confirm": "(cf_[\w-]+)"/.exec(text)?.[1];
const isVip = (id: string) => sandbox.store.contacts.get(id)?.tagIds.includes(DEMO_IDS.vipTag) ?? false;
/** Active contacts without the VIP tag: what tagging every active contact VIP would change. */
const notVip = () =>
  [...sandbox.store.contacts.values()].filter((c) => !c.deletedAt && !c.archivedAt && !isVip(c.id)).length;

describe.each(ERAS)("a %s client that can show a form", (era) => {
  it("is asked before a contact is deleted, and on decline nothing is", async () => {
    const { asked, answer } = user("decline");
    const mcp = await client(era, AUTO, answer);
    const result = await mcp.callTool("delete_contact", { id: ANNA });
    expect(asked).toEqual([`Delete contact (id ${ANNA}). This is hard to undo.`]);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("The user declined: nothing was changed.");
    expect(alive(ANNA)).toBe(true);
  });

  it("on accept, the contact is deleted; dismissing the form counts as no", async () => {
    const dismissed = user("cancel");
    const first = await client(era, AUTO, dismissed.answer);
    expect(textOf(await first.callTool("delete_contact", { id: ANNA }))).toBe(
      "The user dismissed the question: nothing was changed.",
    );
    expect(alive(ANNA)).toBe(true);
    const { asked, answer } = user("accept");
    const mcp = await client(era, AUTO, answer);
    const result = await mcp.callTool("delete_contact", { id: ANNA });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(alive(ANNA)).toBe(false);
  });

  it("is asked before a bulk change above the threshold with how many and some names, and not below it", async () => {
    const { asked, answer } = user("decline");
    const mcp = await client(era, AUTO, answer);
    const before = notVip();
    expect(before).toBeGreaterThan(25);
    const declined = await mcp.callTool("tag_contacts", { tagId: "VIP", archived: false });
    expect(textOf(declined)).toBe("The user declined: nothing was changed.");
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(
      new RegExp(
        `^Add tag VIP to contacts — ${before} contacts, e\\.g\\. [^,]+(, [^,]+){9} and ${before - 10} more\\. `,
      ),
    );
    expect(notVip()).toBe(before);
    // A change of a few goes without a question.
    const few = [...sandbox.store.contacts.values()].filter((c) => !c.deletedAt && !isVip(c.id)).slice(0, 3);
    const small = await mcp.callTool("tag_contacts", { tagId: "VIP", contactIds: few.map((c) => c.id) });
    expect(small.isError, textOf(small)).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(few.every((c) => isVip(c.id))).toBe(true);
  });

  it("is asked before undoing a large job, and on decline the job's contacts keep their tag", async () => {
    const journal = join(mkdtempSync(join(tmpdir(), "flownally-confirm-")), "journal.jsonl");
    const config = testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, confirm: AUTO, journal });
    // The user says yes to the tag change, then no to its undo.
    const asked: string[] = [];
    const elicit: Answer = (message) => (asked.push(message) === 1 ? "accept" : "decline");
    const mcp = await connectEra(era, { kind: "memory", config }, { elicit });
    open.push(mcp);
    const before = notVip();
    const tagged = await mcp.callTool("tag_contacts", { tagId: "VIP", archived: false });
    expect(tagged.isError, textOf(tagged)).toBeFalsy();
    const { job } = tagged.structuredContent as { job: string };
    expect(notVip()).toBe(0);
    const declined = await mcp.callTool("manage_job", { jobId: job, action: "undo" });
    expect(textOf(declined)).toBe("The user declined: nothing was changed.");
    expect(asked[1]).toMatch(new RegExp(`^Undo ${job}: remove tag VIP from contacts — ${before} contacts`));
    expect(notVip()).toBe(0);
  });

  it("the question shows what the dry run shows, and accepting applies exactly that", async () => {
    const { asked, answer } = user("accept");
    const mcp = await client(era, AUTO, answer);
    const dry = await mcp.callTool("tag_contacts", { tagId: "VIP", archived: false, dryRun: true });
    const wouldChange = (dry.structuredContent as { wouldChange: number }).wouldChange;
    expect(asked).toEqual([]);
    const applied = await mcp.callTool("tag_contacts", { tagId: "VIP", archived: false });
    expect(applied.isError, textOf(applied)).toBeFalsy();
    expect(asked[0]).toContain(`— ${wouldChange} contacts`);
    expect(applied.structuredContent).toMatchObject({ applied: wouldChange, failed: 0 });
    expect(notVip()).toBe(0);
  });

  it("is asked before a message to a number with no conversation, not before a reply in one", async () => {
    const { asked, answer } = user("decline");
    const mcp = await client(era, AUTO, answer);
    const stranger = { channel: "whatsapp", address: "+48999000111" };
    const toNew = await mcp.callTool("send_message", {
      inboxId: OTHER_IDS.whatsappInbox,
      to: stranger,
      content: ORDER_READY,
    });
    expect(textOf(toNew)).toBe("The user declined: nothing was changed.");
    expect(asked).toEqual([
      "Send template order_ready to whatsapp +48999000111. The recipient has no conversation with us yet.",
    ]);
    const sent = () => [...sandbox.store.messages.values()].filter((m) => m.direction === "outbound").length;
    const before = sent();
    const reply = await mcp.callTool("send_message", {
      inboxId: OTHER_IDS.whatsappInbox,
      conversationId: OTHER_IDS.openConversation,
      content: { type: "text", text: "Tak, po 17 zapraszamy." },
    });
    expect(reply.isError, textOf(reply)).toBeFalsy();
    // Jan has a conversation with us: his number, or his id, is no new recipient.
    const jan = sandbox.store.conversations.get(OTHER_IDS.closedWindowConversation)?.contactId ?? "";
    const phone = sandbox.store.contacts.get(jan)?.identities[0]?.metadata.phoneNumber ?? "";
    const toJan = await mcp.callTool("send_message", {
      inboxId: OTHER_IDS.whatsappInbox,
      to: { channel: "whatsapp", address: phone },
      content: ORDER_READY,
    });
    expect(toJan.isError, textOf(toJan)).toBeFalsy();
    const byId = await mcp.callTool("send_message", {
      inboxId: OTHER_IDS.whatsappInbox,
      contactId: jan,
      content: ORDER_READY,
    });
    expect(byId.isError, textOf(byId)).toBeFalsy();
    // Anna has none: her id asks, like a new number.
    await mcp.callTool("send_message", { inboxId: OTHER_IDS.whatsappInbox, contactId: ANNA, content: ORDER_READY });
    expect(asked[1]).toBe(
      `Send template order_ready to contact ${ANNA}. The recipient has no conversation with us yet.`,
    );
    expect(asked).toHaveLength(2);
    expect(sent()).toBe(before + 3);
  });

  it("under --confirm never, acts without asking", async () => {
    const { asked, answer } = user("decline");
    const mcp = await client(era, { mode: "never", bulkThreshold: 25 }, answer);
    expect((await mcp.callTool("delete_contact", { id: ANNA })).isError).toBeFalsy();
    expect(asked).toEqual([]);
    expect(alive(ANNA)).toBe(false);
  });

  it("under --confirm always, is asked before a reversible change too", async () => {
    const { asked, answer } = user("decline");
    const mcp = await client(era, { mode: "always", bulkThreshold: 25 }, answer);
    await mcp.callTool("archive_contact", { id: ANNA });
    expect(asked).toEqual([`Archive contact (id ${ANNA}).`]);
    expect(sandbox.store.contacts.get(ANNA)?.archivedAt).toBeNull();
  });
});

describe.each(ERAS)("a %s client that cannot show a form", (era) => {
  it("gets a preview and a token; the same call with it acts, once", async () => {
    const mcp = await client(era, AUTO);
    const preview = await mcp.callTool("delete_contact", { id: ANNA });
    expect(preview.isError).toBe(true);
    expect(textOf(preview)).toMatch(
      new RegExp(
        `^Needs the user's yes first\\. Delete contact \\(id ${ANNA}\\)\\. This is hard to undo\\. Show this to the user; ` +
          'only if they agree, call again with the same arguments plus "confirm": "cf_[\\w-]+" \\(valid 10 min, once\\)\\. Nothing was changed\\.$',
      ),
    );
    expect(alive(ANNA)).toBe(true);
    const confirm = tokenIn(textOf(preview));
    const done = await mcp.callTool("delete_contact", { id: ANNA, confirm });
    expect(done.isError, textOf(done)).toBeFalsy();
    expect(alive(ANNA)).toBe(false);
    const again = await mcp.callTool("delete_contact", { id: ANNA, confirm });
    expect(textOf(again)).toBe(
      "Not done: this confirm token was used already. Nothing was changed. Call again without confirm for a new preview.",
    );
  });

  it("refuses a token for other arguments, a made-up one and an expired one, changing nothing", async () => {
    const mcp = await client(era, AUTO);
    const jan = [...sandbox.store.contacts.values()].find((c) => c.id !== ANNA && !c.deletedAt)?.id ?? "";
    const confirm = tokenIn(textOf(await mcp.callTool("delete_contact", { id: ANNA })));
    const swapped = await mcp.callTool("delete_contact", { id: jan, confirm });
    expect(textOf(swapped)).toBe(
      "Not done: this confirm token was issued for other arguments, another tool or another key. Nothing was changed. Call again without confirm for a new preview.",
    );
    const otherTool = await mcp.callTool("delete_tag", { id: DEMO_IDS.vipTag, confirm });
    expect(textOf(otherTool)).toMatch(/^Not done: this confirm token was issued for other arguments, another tool or/);
    const madeUp = await mcp.callTool("delete_contact", { id: ANNA, confirm: `${confirm}x` });
    expect(textOf(madeUp)).toMatch(/^Not done: this confirm token is not one this server issued/);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10 * 60_000 + 1 });
    try {
      const expired = await mcp.callTool("delete_contact", { id: ANNA, confirm });
      expect(textOf(expired)).toMatch(/^Not done: this confirm token expired\. Nothing was changed\./);
    } finally {
      vi.useRealTimers();
    }
    expect(alive(ANNA)).toBe(true);
    expect(alive(jan)).toBe(true);
  });

  it("previews an import above the threshold with its row count; a dry run and a small file go unasked", async () => {
    const mcp = await client(era, AUTO);
    const csv = (rows: number) =>
      `name,phone\n${Array.from({ length: rows }, (_, i) => `Import ${i},+4860000${String(i).padStart(4, "0")}`).join("\n")}`;
    const large = { csv: csv(30) };
    const preview = textOf(await mcp.callTool("import_contacts", large));
    expect(preview).toMatch(/^Needs the user's yes first\. Import the given CSV — 30 contacts\. /);
    expect(sandbox.store.imports.size).toBe(0);
    const dry = await mcp.callTool("import_contacts", { ...large, dryRun: true });
    expect(dry.isError, textOf(dry)).toBeFalsy();
    const small = await mcp.callTool("import_contacts", { csv: csv(3) });
    expect(small.isError, textOf(small)).toBeFalsy();
    expect(sandbox.store.imports.size).toBe(1);
    const done = await mcp.callTool("import_contacts", { ...large, confirm: tokenIn(preview) });
    expect(done.isError, textOf(done)).toBeFalsy();
    expect(sandbox.store.imports.size).toBe(2);
  });

  it("previews a bulk change with its count; a token for it acts, and asks again if it grew", async () => {
    const mcp = await client(era, AUTO);
    const before = notVip();
    const preview = textOf(await mcp.callTool("tag_contacts", { tagId: "VIP", archived: false }));
    expect(preview).toMatch(
      new RegExp(`^Needs the user's yes first\\. Add tag VIP to contacts — ${before} contacts, e\\.g\\. `),
    );
    // One more contact lands in the segment before the user's yes: the yes was for fewer.
    await mcp.callTool("create_contact", { name: "Late Arrival" });
    const grown = textOf(
      await mcp.callTool("tag_contacts", { tagId: "VIP", archived: false, confirm: tokenIn(preview) }),
    );
    expect(grown).toMatch(
      new RegExp(
        `^Needs the user's yes first\\. Add tag VIP to contacts \\(more than previewed\\) — ${before + 1} contacts`,
      ),
    );
    expect(notVip()).toBe(before + 1);
    const done = await mcp.callTool("tag_contacts", { tagId: "VIP", archived: false, confirm: tokenIn(grown) });
    expect(done.structuredContent).toMatchObject({ applied: before + 1, failed: 0 });
    expect(notVip()).toBe(0);
  });

  it("a confirmed message to a new number, repeated with its token, is not sent again", async () => {
    const mcp = await client(era, AUTO);
    const args = {
      inboxId: OTHER_IDS.whatsappInbox,
      to: { channel: "whatsapp", address: "+48999000222" },
      content: ORDER_READY,
    };
    const sent = () => [...sandbox.store.messages.values()].filter((m) => m.direction === "outbound").length;
    const before = sent();
    const confirm = tokenIn(textOf(await mcp.callTool("send_message", args)));
    expect((await mcp.callTool("send_message", { ...args, confirm })).isError).toBeFalsy();
    // The number has a conversation now, so the call would no longer ask; the token given is checked all the same.
    expect(textOf(await mcp.callTool("send_message", { ...args, confirm }))).toBe(
      "Not done: this confirm token was used already. Nothing was changed. Call again without confirm for a new preview.",
    );
    expect(sent()).toBe(before + 1);
  });

  it("refuses a bulk change that names no contacts, sending nothing", async () => {
    const mcp = await client(era, { mode: "never", bulkThreshold: 25 });
    const before = notVip();
    for (const remove of [false, true]) {
      const result = await mcp.callTool("tag_contacts", { tagId: "VIP", remove });
      expect(textOf(result)).toBe(
        "Say which contacts: contactIds, or filters; for every active contact, archived: false. Nothing was sent.",
      );
    }
    expect(notVip()).toBe(before);
  });

  it("in discovery mode, gets the same preview through the destructive executor, and its token acts", async () => {
    const config = testConfig({
      baseUrl: sandbox.baseUrl,
      apiKey: sandbox.apiKey,
      confirm: AUTO,
      toolMode: "discovery",
    });
    const mcp = await connectEra(era, { kind: "memory", config });
    open.push(mcp);
    const call = { operation: "delete_contact", arguments: { id: ANNA } };
    const preview = textOf(await mcp.callTool("execute_destructive_operation", call));
    expect(preview).toMatch(/^Needs the user's yes first\. Delete contact/);
    const confirm = tokenIn(preview);
    const done = await mcp.callTool("execute_destructive_operation", { ...call, arguments: { id: ANNA, confirm } });
    expect(done.isError, textOf(done)).toBeFalsy();
    expect(alive(ANNA)).toBe(false);
  });
});

describe("a 2026-07-28 client answering by hand", () => {
  it("cannot swap the arguments under an accepted question", async () => {
    const config = testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, confirm: AUTO });
    const mcp = await connectEra("2026-07-28", { kind: "memory", config }, { elicit: () => "accept" });
    open.push(mcp);
    const raw = mcp.raw;
    if (!(raw instanceof Client)) throw new Error("a v2 client");
    const asked = await raw.callTool({ name: "delete_contact", arguments: { id: ANNA } }, { allowInputRequired: true });
    const { requestState } = asked as { requestState?: string };
    expect(requestState).toMatch(/^v1\./);
    const jan = [...sandbox.store.contacts.values()].find((c) => c.id !== ANNA && !c.deletedAt)?.id ?? "";
    const swapped = await raw.request({
      method: "tools/call",
      params: {
        name: "delete_contact",
        arguments: { id: jan },
        inputResponses: { confirm: { action: "accept", content: {} } },
        requestState,
      },
    });
    expect(textOf(swapped as { content: { type: string; text?: unknown }[] })).toBe(
      "Not done: the confirmation was for another call, or expired. Nothing was changed. Call again to be asked again.",
    );
    expect(alive(jan)).toBe(true);
    expect(alive(ANNA)).toBe(true);
  });
});

// The process matters: the question's state is signed with a key of the process, the legacy shim
// asks over the real stdio pipe, and the token lives in the process that issued it.
describe.each(ERAS)("a %s client of the built binary", (era) => {
  const gone = async (mcp: EraClient) => /^404 /.test(textOf(await mcp.callTool("get_contact", { id: ANNA })));

  it("over stdio: is asked, nothing happens on decline, and accepting deletes", { timeout: 30_000 }, async () => {
    const declining = user("decline");
    const first = await connectEra(era, { kind: "stdio", args: ["--sandbox"] }, { elicit: declining.answer });
    open.push(first);
    expect(textOf(await first.callTool("delete_contact", { id: ANNA }))).toBe(
      "The user declined: nothing was changed.",
    );
    expect(declining.asked).toEqual([`Delete contact (id ${ANNA}). This is hard to undo.`]);
    expect(await gone(first)).toBe(false);
    const accepting = user("accept");
    const second = await connectEra(era, { kind: "stdio", args: ["--sandbox"] }, { elicit: accepting.answer });
    open.push(second);
    const done = await second.callTool("delete_contact", { id: ANNA });
    expect(done.isError, textOf(done)).toBeFalsy();
    expect(await gone(second)).toBe(true);
  });

  it("over stdio without a form: preview, then the token acts", { timeout: 30_000 }, async () => {
    const mcp = await connectEra(era, { kind: "stdio", args: ["--sandbox"] });
    open.push(mcp);
    const confirm = tokenIn(textOf(await mcp.callTool("delete_contact", { id: ANNA })));
    expect(await gone(mcp)).toBe(false);
    expect((await mcp.callTool("delete_contact", { id: ANNA, confirm })).isError).toBeFalsy();
    expect(await gone(mcp)).toBe(true);
  });
});

describe("a 2025-11-25 client with forms, over --stateless HTTP", () => {
  it("cannot be asked there (no session to ask through), so gets the preview and token", {
    timeout: 30_000,
  }, async () => {
    const url = await http.start(["--sandbox", "--stateless"]);
    const { asked, answer } = user("accept");
    const mcp = await connectEra("2025-11-25", { kind: "http", url }, { elicit: answer });
    open.push(mcp);
    const preview = textOf(await mcp.callTool("delete_contact", { id: ANNA }));
    expect(preview).toMatch(/^Needs the user's yes first\. Delete contact/);
    expect(asked).toEqual([]);
    // The token is signed, not kept: any replica serving the same key honours it (test/replicas.test.ts).
    const done = await mcp.callTool("delete_contact", { id: ANNA, confirm: tokenIn(preview) });
    expect(done.isError, textOf(done)).toBeFalsy();
  });
});
