// The workspace as context, through a real MCP client on the sandbox: resources
// and their notifications, names accepted for ids, checks made before sending,
// prompts and completions. The loopback API shows what is (not) sent.

import {
  type Notification,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { json, type Loopback, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";

const ANNA = "con_01HV8Y5R5RFMS0TFK6PKF9H2S8";
const VIP = "tag_01HV8Y9R3Q4J6A7M8N9P0Q2S4";

let sandbox: Sandbox;
let mcp: Connected;

beforeEach(async () => {
  sandbox = await startSandbox();
  mcp = await connect(testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, sandbox: true }));
});
afterEach(async () => {
  await mcp.close();
  await sandbox.close();
});

async function readJson(uri: string): Promise<Record<string, unknown>> {
  const { contents } = await mcp.client.readResource({ uri });
  const first = contents[0];
  if (!first || !("text" in first)) throw new Error(`no text contents for ${uri}`);
  expect(first.mimeType).toBe("application/json");
  return JSON.parse(first.text) as Record<string, unknown>;
}

const names = (items: unknown): string[] => (items as { name: string }[]).map((i) => i.name);

describe("resources", () => {
  it("lists the definitions and the contact template, and reads each", async () => {
    const { resources } = await mcp.client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual([
      "flownally://contacts/custom-fields",
      "flownally://event-types",
      "flownally://inboxes",
      "flownally://properties/custom-fields",
      "flownally://tags",
    ]);
    for (const r of resources) expect(r.description).toMatch(/Listed live on every read/);
    const { resourceTemplates } = await mcp.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(["flownally://contacts/{id}"]);

    expect(names((await readJson("flownally://tags")).tags)).toContain("VIP");
    expect(names((await readJson("flownally://contacts/custom-fields")).customFields)).toContain("Birthday");
    expect(names((await readJson("flownally://properties/custom-fields")).customFields)).toContain("Region");
    expect((await readJson("flownally://inboxes")).inboxes).toBeInstanceOf(Array);
    const eventTypes = (await readJson("flownally://event-types")).eventTypes as {
      name: string;
      payloadSchema?: unknown;
    }[];
    expect(eventTypes.find((t) => t.name === "order.paid")?.payloadSchema).toMatchObject({ required: ["orderId"] });
    expect((await readJson(`flownally://contacts/${ANNA}`)).name).toBe("Anna Kowalska");
  });

  it("reads definitions live: a tag made elsewhere (the app, another replica) shows at once", async () => {
    expect(names((await readJson("flownally://tags")).tags)).not.toContain("Made in the app");
    const res = await fetch(`${sandbox.baseUrl}/tags`, {
      method: "POST",
      headers: { authorization: `Bearer ${sandbox.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Made in the app" }),
    });
    expect(res.status).toBe(201);
    expect(names((await readJson("flownally://tags")).tags)).toContain("Made in the app");
  });

  it("says what went wrong reading a contact that does not exist", async () => {
    const error = await mcp.client.readResource({ uri: "flownally://contacts/con_nope" }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/404.*con_nope/);
    // One protocol prefix (the client's), not two.
    expect(String(error).match(/MCP error/g)).toHaveLength(1);
  });

  it("shows a new tag after create_tag, with list_changed and resources/updated for subscribers", async () => {
    const listChanged: Notification[] = [];
    const updated: string[] = [];
    mcp.client.setNotificationHandler(ResourceListChangedNotificationSchema, (n) => {
      listChanged.push(n);
    });
    mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    expect(mcp.client.getServerCapabilities()?.resources).toMatchObject({ subscribe: true, listChanged: true });
    await mcp.client.subscribeResource({ uri: "flownally://tags" });
    expect(names((await readJson("flownally://tags")).tags)).not.toContain("Summer sale"); // warms the cache

    const created = await mcp.call("create_tag", { name: "Summer sale" });
    expect(created.isError).toBeFalsy();
    expect(names((await readJson("flownally://tags")).tags)).toContain("Summer sale");
    await expect.poll(() => updated).toEqual(["flownally://tags"]);
    expect(listChanged.length).toBeGreaterThanOrEqual(1);

    await mcp.client.unsubscribeResource({ uri: "flownally://tags" });
    await mcp.call("create_contact_field", { name: "Shoe size", type: "text" });
    expect(names((await readJson("flownally://contacts/custom-fields")).customFields)).toContain("Shoe size");
    await expect.poll(() => listChanged.length).toBeGreaterThanOrEqual(2);
    expect(updated).toEqual(["flownally://tags"]);
  });

  it("tells a subscriber of one contact when a tool changed it", async () => {
    const updated: string[] = [];
    mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    await mcp.client.subscribeResource({ uri: `flownally://contacts/${ANNA}` });
    await mcp.call("update_contact", { id: ANNA, name: "Anna K." });
    await expect.poll(() => updated).toEqual([`flownally://contacts/${ANNA}`]);
  });
});

describe("names where ids are asked", () => {
  const tagsOf = (id: string) => sandbox.store.contacts.get(id)?.tagIds ?? [];
  const contactWithout = (tagId: string): string => {
    for (const c of sandbox.store.contacts.values()) if (!c.tagIds.includes(tagId) && !c.deletedAt) return c.id;
    throw new Error("every contact has the tag");
  };

  it("takes a tag name in any case", async () => {
    const newsletter = [...sandbox.store.tags.values()].find((t) => t.name === "newsletter");
    if (!newsletter) throw new Error("seed changed");
    const contact = contactWithout(newsletter.id);
    const result = await mcp.call("add_tag_to_contact", { contactId: contact, tagId: "NewsLetter" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(tagsOf(contact)).toContain(newsletter.id);
  });

  it("refuses a misspelt name with the nearest names, sending nothing", async () => {
    const contact = contactWithout(VIP);
    const before = [...tagsOf(contact)];
    const result = await mcp.call("add_tag_to_contact", { contactId: contact, tagId: "newsleter" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/tagId: no tag .*"newsleter".*did you mean "newsletter"/);
    expect(textOf(result)).toMatch(/Nothing was sent/);
    expect(tagsOf(contact)).toEqual(before);
  });

  it("resolves tagIds filters and custom field names in customFields", async () => {
    const byId = await mcp.call("list_contacts", { tagIds: [VIP], pageSize: 100 });
    const byName = await mcp.call("list_contacts", { tagIds: ["vip"], pageSize: 100 });
    expect(byName.structuredContent).toEqual(byId.structuredContent);
    const byKey = await mcp.call("list_contacts", { customFields: { preferredStore: "Krakow" }, pageSize: 100 });
    const byField = await mcp.call("list_contacts", { customFields: { "preferred store": "Krakow" }, pageSize: 100 });
    expect(byField.isError, textOf(byField)).toBeFalsy();
    expect(byField.structuredContent).toEqual(byKey.structuredContent);
  });

  it("resolves event type names for filters and for their own operations", async () => {
    const result = await mcp.call("get_event_type", { id: "ORDER.PAID" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ name: "order.paid" });
    const events = await mcp.call("list_contact_events", { contactId: ANNA, eventTypeId: "order.paid" });
    expect(events.isError, textOf(events)).toBeFalsy();
  });
});

describe("checks before sending", () => {
  it("refuses an event payload missing a required property, naming it", async () => {
    const before = sandbox.store.events.size;
    const result = await mcp.call("create_contact_event", {
      contactId: ANNA,
      name: "order.paid",
      payload: { total: 10 },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/payload\.orderId: required/);
    const wrongType = await mcp.call("create_event", {
      contactId: ANNA,
      eventTypeName: "order.paid",
      payload: { orderId: 4827 },
    });
    expect(textOf(wrongType)).toMatch(/payload\.orderId: must be string/);
    expect(sandbox.store.events.size).toBe(before);

    const ok = await mcp.call("create_contact_event", {
      contactId: ANNA,
      name: "Order.Paid",
      payload: { orderId: "9" },
    });
    expect(ok.isError, textOf(ok)).toBeFalsy();
    expect(sandbox.store.events.size).toBe(before + 1);
  });

  it("refuses an unknown tag with the tool that creates one", async () => {
    const result = await mcp.call("tag_contacts", { tagId: "Gold customers", contactIds: [ANNA] });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/no similar name\. Nothing was sent.*create_tag/);
  });

  it("refuses a misspelt custom field in a filter with the nearest names", async () => {
    const result = await mcp.call("segment_contacts", { customFields: { Lifecycle: "customer" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/customFields\.Lifecycle: no contact field .*did you mean "Lifecycle stage"/);
  });

  it("checks date fields in create_contact's customFields before sending", async () => {
    const before = sandbox.store.contacts.size;
    const bad = await mcp.call("create_contact", { name: "Ola Test", customFields: { Birthday: "1990-13-01" } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/customFields\.birthday: "1990-13-01" has no month 13.*Nothing was sent/);
    expect(sandbox.store.contacts.size).toBe(before);
  });

  it("refuses an unknown event type with a suggestion", async () => {
    const result = await mcp.call("create_contact_event", { contactId: ANNA, name: "order.payed", payload: {} });
    expect(textOf(result)).toMatch(/no event type .*did you mean "order.paid"/);
  });

  it("wants a date field's value as YYYY-MM-DD", async () => {
    const bad = await mcp.call("set_contact_field_value", {
      contactId: ANNA,
      customFieldId: "Birthday",
      value: "12/05/1990",
    });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/YYYY-MM-DD.*Birthday.*Nothing was sent/);
    expect(sandbox.store.contacts.get(ANNA)?.customFields.birthday).toBeUndefined();
    const good = await mcp.call("set_contact_field_value", {
      contactId: ANNA,
      customFieldId: "birthday",
      value: "1990-05-12",
    });
    expect(good.isError, textOf(good)).toBeFalsy();
    expect(sandbox.store.contacts.get(ANNA)?.customFields.birthday).toBe("1990-05-12");
  });
});

describe("prompts and completions", () => {
  it("lists the prompts and renders one as a plan", async () => {
    const { prompts } = await mcp.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(["segment-and-tag", "record-an-event", "triage-open-conversations"]);
    const { messages } = await mcp.client.getPrompt({
      name: "segment-and-tag",
      arguments: { segment: "customers in Krakow", tag: "VIP" },
    });
    const text = messages.map((m) => (m.content.type === "text" ? m.content.text : "")).join("\n");
    expect(text).toMatch(/customers in Krakow — with the tag "VIP"/);
    expect(text).toMatch(/wait for my go-ahead/);
  });

  it("completes tag and event type names and contact ids", async () => {
    const tags = await mcp.client.complete({
      ref: { type: "ref/prompt", name: "segment-and-tag" },
      argument: { name: "tag", value: "news" },
    });
    expect(tags.completion.values).toEqual(["newsletter"]);
    const types = await mcp.client.complete({
      ref: { type: "ref/prompt", name: "record-an-event" },
      argument: { name: "eventType", value: "order" },
    });
    expect(types.completion.values).toEqual(expect.arrayContaining(["order.paid", "order.shipped"]));
    const contacts = async (value: string) =>
      (
        await mcp.client.complete({
          ref: { type: "ref/resource", uri: "flownally://contacts/{id}" },
          argument: { name: "id", value },
        })
      ).completion.values;
    const anna = `${ANNA} — Anna Kowalska (+48123456789)`;
    expect(await contacts("Kowalska")).toContain(anna);
    // Typed as an id, or given back as it was offered: that contact, labelled.
    expect(await contacts(ANNA.slice(0, 20))).toContain(anna);
    expect(await contacts(anna)).toEqual([anna]);
    // An id beyond the first page the completion looks in is looked up by itself.
    const page = (await mcp.call("list_contacts", { pageSize: 30 })).structuredContent as {
      contacts: { id: string }[];
    };
    const late = page.contacts[25]?.id ?? "";
    expect(await contacts(late)).toEqual([expect.stringMatching(new RegExp(`^${late} — `))]);
  });

  it("reads the contact a completion names, under its plain URI", async () => {
    const picked = `flownally://contacts/${encodeURIComponent(`${ANNA} — Anna Kowalska (+48123456789)`)}`;
    const { contents } = await mcp.client.readResource({ uri: picked });
    expect(contents[0]?.uri).toBe(`flownally://contacts/${ANNA}`);
    const [first] = contents;
    expect(JSON.parse(first && "text" in first ? first.text : "")).toMatchObject({ id: ANNA, name: "Anna Kowalska" });
  });

  it("explains the pieces in the instructions", () => {
    const text = mcp.client.getInstructions() ?? "";
    expect(text).toMatch(/flownally:\/\/tags/);
    expect(text).toMatch(/exact name/);
    expect(text).toMatch(/SANDBOX/);
  });
});

describe("what is sent (loopback)", () => {
  let api: Loopback;
  let direct: Connected;
  beforeEach(async () => {
    api = await startLoopback();
    direct = await connect(testConfig({ baseUrl: api.baseUrl }));
  });
  afterEach(async () => {
    await direct.close();
    await api.close();
  });

  it("passes an id-shaped tag through with no lookup when nothing is cached", async () => {
    api.respond((_req, res) => {
      res.writeHead(204).end();
    });
    const result = await direct.call("add_tag_to_contact", { contactId: ANNA, tagId: VIP });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /contacts/${ANNA}/tags/${VIP}`]);
  });

  it("maps custom field names to the keys the API stores values under", async () => {
    api.respond((req, res) => {
      if (req.path === "/contacts/custom-fields") {
        json(res, 200, {
          customFields: [{ id: "cf_preferred_store", name: "Preferred store", type: "text" }],
        });
      } else json(res, 200, { contacts: [] });
    });
    const result = await direct.call("list_contacts", { customFields: { "PREFERRED STORE": "Krakow" } });
    expect(result.isError, textOf(result)).toBeFalsy();
    const sent = api.requests.find((r) => r.path === "/contacts");
    expect(sent?.query.get("customFields[preferredStore]")).toBe("Krakow");
    // A key that is no field's key, id or name is refused with the nearest names, and not sent.
    const unknown = await direct.call("list_contacts", { customFields: { preferedStore: "Krakow" } });
    expect(textOf(unknown)).toMatch(/customFields\.preferedStore: no contact field .*did you mean "Preferred store"/);
    expect(api.requests.filter((r) => r.path === "/contacts")).toHaveLength(1);
  });

  it("refuses a contact with neither a name nor a phone before anything, even a field listing, is sent", async () => {
    api.respond((_req, res) => json(res, 200, { customFields: [] }));
    for (const args of [{}, { customFields: { "Preferred store": "Krakow" } }]) {
      const result = await direct.call("create_contact", args);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe(
        "Invalid arguments — arguments: give name or phone (a contact needs one to be found or messaged). Nothing was sent.",
      );
    }
    expect(api.requests).toEqual([]);
  });

  it("looks definitions up once and reuses them, sending nothing for a bad payload", async () => {
    api.respond((req, res) => {
      if (req.path === "/event-types") {
        json(res, 200, {
          eventTypes: [
            {
              id: "evt-type_01ABCDEFGH",
              name: "order.paid",
              payloadSchema: { type: "object", properties: { orderId: { type: "string" } }, required: ["orderId"] },
            },
          ],
        });
      } else json(res, 201, { id: "evt_1" });
    });
    const bad = await direct.call("create_event", { contactId: ANNA, eventTypeName: "order.paid", payload: {} });
    expect(textOf(bad)).toMatch(/payload\.orderId: required/);
    const good = await direct.call("create_event", {
      contactId: ANNA,
      eventTypeName: "order.paid",
      payload: { orderId: "1" },
    });
    expect(good.isError, textOf(good)).toBeFalsy();
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /event-types", "POST /events"]);
  });
});
