// What the model reads back, through real clients of both eras on the sandbox:
// one value in both channels (structuredContent is the text's JSON), valid
// against the tool's outputSchema, names beside ids, a concise default that
// keeps every id, and a detailed form that keeps everything the API returned.

import { Ajv } from "ajv";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { clean } from "../src/tools/result.js";
import { connectEra, ERAS, type EraClient } from "./helpers/eras.js";
import { json, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";

type Rec = Record<string, unknown>;

let sandbox: Sandbox;
let mcp: Connected;
let schemas: Map<string, Rec>;
beforeAll(async () => {
  sandbox = await startSandbox();
  mcp = await connect(testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }));
  schemas = new Map(
    (await mcp.client.listTools()).tools.flatMap((t) => (t.outputSchema ? [[t.name, t.outputSchema as Rec]] : [])),
  );
});
afterAll(async () => {
  await mcp.close();
  await sandbox.close();
});

/** The API's own answer, as the sandbox gives it to anyone. */
async function api(path: string): Promise<Rec> {
  const res = await fetch(`${sandbox.baseUrl}${path}`, { headers: { authorization: `Bearer ${sandbox.apiKey}` } });
  return (await res.json()) as Rec;
}

const ajv = new Ajv({ strict: false });

/** Calls a tool and checks what every result must be: one value in both channels, valid against its outputSchema. */
async function read(name: string, args: Rec = {}): Promise<Rec> {
  const result = await mcp.call(name, args);
  expect(result.isError, textOf(result)).toBeFalsy();
  const structured = result.structuredContent as Rec;
  expect(JSON.parse(textOf(result))).toEqual(structured);
  expect(JSON.stringify(structured)).not.toMatch(/null|tenantId/);
  const schema = schemas.get(name);
  if (schema) expect(ajv.validate(schema, structured), `${name}: ${ajv.errorsText()}`).toBe(true);
  return structured;
}

const list = (value: Rec, key: string) => value[key] as Rec[];

describe("list_contacts", () => {
  it("keeps every contact id and tag id of the page, tag names beside them, within 60 tokens a contact", async () => {
    const page = await read("list_contacts");
    const raw = list(await api("/contacts?pageSize=50"), "contacts");
    const contacts = list(page, "contacts");
    expect(contacts.map((c) => c.id)).toEqual(raw.map((c) => c.id));
    const legend = page.tagIds as Record<string, string>;
    const tagName = (id: string) => sandbox.store.tags.get(id)?.name;
    raw.forEach((c, i) => {
      const ids = c.tagIds as string[];
      expect(contacts[i]?.tags ?? []).toEqual(ids.map(tagName));
      for (const id of ids) expect(legend[tagName(id) ?? ""]).toBe(id);
    });
    const tokens = encode(JSON.stringify(page)).length;
    expect(tokens).toBeLessThanOrEqual(3000);
    expect(tokens / contacts.length).toBeLessThanOrEqual(60);
  });

  it("with detail: true, gives everything the API returned and the tag names beside the ids", async () => {
    const page = await read("list_contacts", { detail: true });
    const raw = list(clean(await api("/contacts?pageSize=50")) as Rec, "contacts");
    list(page, "contacts").forEach((c, i) => {
      expect(c).toMatchObject(raw[i] ?? {});
      expect(c.tags ?? []).toHaveLength(((raw[i]?.tagIds ?? []) as string[]).length);
    });
  });

  it("shows a field's name where its key does not say it", async () => {
    const field = sandbox.store.contactFields.get("cf_preferred_store");
    if (!field) throw new Error("no such field in the seed");
    field.name = "Ulubiony sklep";
    try {
      // The definitions are cached: a fresh server lists them anew.
      const fresh = await connect(testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }));
      const page = (await fresh.call("list_contacts", {})).structuredContent as Rec;
      await fresh.close();
      expect(page.fieldNames).toEqual({ preferredStore: "Ulubiony sklep" });
    } finally {
      field.name = "Preferred store";
    }
  });
});

describe("conversations, messages and events", () => {
  it("list_conversations carries each contact's name and phone and the inbox's name", async () => {
    const page = await read("list_conversations");
    const conversations = list(page, "conversations");
    expect(conversations.length).toBeGreaterThan(0);
    for (const c of conversations) {
      const contact = sandbox.store.contacts.get(String(c.contactId));
      expect(c.contactName).toBe(contact?.name);
      expect(c.contactPhone).toBe(contact?.identities.find((i) => i.metadata.phoneNumber)?.metadata.phoneNumber);
      expect(c.inboxName).toBeTruthy();
      expect(typeof c.canSend).toBe("boolean");
    }
  });

  it("get_conversation and list_conversation_messages read with names too", async () => {
    const [first] = list(await read("list_conversations"), "conversations");
    const one = await read("get_conversation", { id: first?.id });
    expect(one).toMatchObject({ id: first?.id, contactName: first?.contactName, inboxName: first?.inboxName });
    const messages = list(await read("list_conversation_messages", { id: first?.id }), "messages");
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(m.id).toMatch(/^msg_/);
    const detailed = list(await read("list_conversation_messages", { id: first?.id, detail: true }), "messages");
    expect(detailed[0]).toMatchObject({ conversationId: first?.id, inboxName: expect.any(String) });
  });

  it("list_events groups by type name, loses nothing but the event ids, within 40 % of the API's tokens; the detailed form keeps the API's attributes", async () => {
    const page = await read("list_events");
    const before = clean(await api("/events?pageSize=50")) as Rec;
    const raw = list(before, "events");
    // Each group's events in the page's order, each with the group's payload and its own values.
    const groups = list(page, "events");
    const shown = groups.flatMap((g) =>
      list(g, "events").map(({ contactId, createdAt, payload, ...own }) => ({
        contactId,
        eventTypeName: g.eventTypeName,
        payload: { ...(g.payload as Rec), ...(payload as Rec), ...own },
        createdAt: new Date(String(createdAt)).toISOString(),
      })),
    );
    const byType = (events: Rec[]) =>
      [...new Set(raw.map((e) => e.eventTypeName))].flatMap((t) => events.filter((e) => e.eventTypeName === t));
    expect(shown).toEqual(
      byType(raw).map(({ contactId, eventTypeName, payload, createdAt }) => ({
        contactId,
        eventTypeName,
        payload,
        createdAt,
      })),
    );
    expect(groups.map((g) => g.eventTypeName)).toEqual([...new Set(raw.map((e) => e.eventTypeName))]);
    expect(page.note).toMatch(/detail: true/);
    // The goal against the API's answer without nulls (the text before); both channels are this one value.
    expect(encode(JSON.stringify(page)).length).toBeLessThanOrEqual(0.4 * encode(JSON.stringify(before)).length);
    const detailed = list(await read("list_events", { detail: true }), "events");
    detailed.forEach((e, i) => {
      expect(e).toMatchObject(raw[i] ?? {});
    });
    await read("list_contact_events", { contactId: raw[0]?.contactId });
    await read("get_event", { id: raw[0]?.id });
  });

  it("the other declared shapes hold: tags, a contact, a segment", async () => {
    await read("list_tags");
    const [anna] = list(await read("list_contacts", { search: "Anna Kowalska" }), "contacts");
    const one = await read("get_contact", { id: anna?.id });
    expect(one.tags).toEqual(anna?.tags);
    await read("segment_contacts", { tagIds: ["VIP"] });
  });
});

describe("names cost no request an answer does not need", () => {
  it("lists the definitions only when the answer carries their ids, then from the cache", async () => {
    const loopback = await startLoopback();
    const client = await connect(testConfig({ baseUrl: loopback.baseUrl }));
    try {
      loopback.respond((req, res) => {
        if (req.path === "/tags") return json(res, 200, { tags: [{ id: "tag_1", name: "VIP" }] });
        if (req.path === "/contacts/custom-fields") return json(res, 200, { customFields: [] });
        json(res, 200, req.path === "/contacts/con_2" ? { id: "con_2", tagIds: ["tag_1"] } : { id: "con_1" });
      });
      const paths = () => loopback.requests.map((r) => r.path);
      // Nothing to name: the operation alone.
      expect((await client.call("get_contact", { id: "con_1" })).structuredContent).toEqual({ id: "con_1" });
      expect(paths()).toEqual(["/contacts/con_1"]);
      // A tag id: the tags listed once, its name beside it.
      expect((await client.call("get_contact", { id: "con_2" })).structuredContent).toMatchObject({ tags: ["VIP"] });
      expect(paths().slice(1)).toEqual(["/contacts/con_2", "/tags"]);
      await client.call("get_contact", { id: "con_2" });
      expect(paths().slice(3)).toEqual(["/contacts/con_2"]);
    } finally {
      await client.close();
      await loopback.close();
    }
  });
});

describe.each(ERAS)("both channels the same, era %s", (era) => {
  let client: EraClient;
  beforeAll(async () => {
    client = await connectEra(era, {
      kind: "memory",
      config: testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }),
    });
  });
  afterAll(() => client.close());

  it.each(["list_contacts", "list_conversations", "list_events"])("%s", async (name) => {
    const result = await client.callTool(name, {});
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
  });
});
