// The sandbox's contacts, tags, custom fields, imports and events, exercised over
// real HTTP with fetch, plus the server's shared behaviour (auth, routing, errors).
// Each test gets a fresh seeded sandbox (startup takes a few milliseconds).

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { type CallOptions, call as callSandbox, expectProblem, type Problem } from "./helpers/sandbox-http.js";

const ANNA = "con_01HV8Y5R5RFMS0TFK6PKF9H2S8";
const VIP = "tag_01HV8Y9R3Q4J6A7M8N9P0Q2S4";
const ORDER_PAID = "evt-type_01HV8ZA9Q4C2B5P6N7R8S9T0V1";

interface ContactJson {
  id: string;
  name: string;
  createdAt: string;
  identities: { channel: string; metadata: Record<string, string> }[];
  tagIds: string[];
  customFields: Record<string, string>;
  archivedAt: string | null;
}
interface ContactPage {
  contacts: ContactJson[];
  nextPageToken?: string;
}

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.close();
});

const call = (method: string, path: string, body?: unknown, options?: CallOptions) =>
  callSandbox(sandbox, method, path, body, options);

async function getJson<T>(path: string): Promise<T> {
  const res = await call("GET", path);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json as T;
}

const list = (query: string) => getJson<ContactPage>(`/contacts?${query}`);

/** Every contact matching a query, following nextPageToken. */
async function all(query: string): Promise<ContactJson[]> {
  const out: ContactJson[] = [];
  let token: string | undefined;
  do {
    const page = await list(`${query}&pageSize=100${token ? `&pageToken=${token}` : ""}`);
    out.push(...page.contacts);
    token = page.nextPageToken;
  } while (token);
  return out;
}

describe("server", () => {
  it("answers 401 with WWW-Authenticate when there is no bearer token", async () => {
    const res = await call("GET", "/contacts", undefined, { key: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    expect((res.json as Problem).code).toBe("auth_unauthenticated");
  });

  it("answers 404 for unknown routes and outside /v1, 405 for a known path with another method", async () => {
    const unknown = await expectProblem(call("GET", "/nothing-here"), 404, "route_not_found");
    expect(unknown.instance).toBe("/v1/nothing-here");
    const res = await fetch(sandbox.baseUrl.replace(/\/v1$/, "/contacts"), { headers: { authorization: "Bearer x" } });
    expect(res.status).toBe(404);
    const wrong = await call("PUT", "/tags");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, POST");
  });

  it("answers 403 naming the scope when the key's role is not allowed", async () => {
    const problem = await expectProblem(
      call("DELETE", "/inboxes/inb_x", undefined, { key: "sandbox-agent" }),
      403,
      "auth_forbidden",
    );
    expect(problem.detail).toContain("inbox:delete");
    // The same route lets an admin through to the handler (which then says the inbox is unknown).
    expect((await call("DELETE", "/inboxes/inb_x", undefined, { key: "sandbox-admin" })).status).toBe(404);
  });

  it("rejects malformed JSON with 400 invalid_json", async () => {
    await expectProblem(call("POST", "/tags", "{not json"), 400, "invalid_json");
  });

  it("decodes each path segment, so an encoded slash stays inside the id", async () => {
    const problem = await expectProblem(call("GET", "/contacts/con%2F..%2Ftags"), 404, "contact_not_found");
    expect(problem.detail).toContain("con/../tags");
  });
});

describe("list_contacts", () => {
  it("pages with opaque tokens, without the totalSize the reference does not show", async () => {
    const first = await list("pageSize=20");
    expect(first.contacts).toHaveLength(20);
    expect(Object.keys(first)).toEqual(["contacts", "nextPageToken"]);
    expect(first.contacts[0]?.name).toBe("Anna Kowalska");
    const second = await list(`pageSize=20&pageToken=${first.nextPageToken}`);
    const third = await list(`pageSize=20&pageToken=${second.nextPageToken}`);
    expect(second.contacts).toHaveLength(20);
    expect(third.contacts).toHaveLength(6);
    expect(third.nextPageToken).toBeUndefined();
    const ids = new Set([...first.contacts, ...second.contacts, ...third.contacts].map((c) => c.id));
    expect(ids.size).toBe(46);
    expect((await list("")).contacts).toHaveLength(20);
    await expectProblem(call("GET", "/contacts?pageSize=101"), 422, "validation_failed");
    await expectProblem(call("GET", "/contacts?pageToken=%%%"), 400, "invalid_page_token");
  });

  it("searches name, phone, email field and tag name, case-insensitively", async () => {
    expect((await all("search=KOWALSKA")).map((c) => c.name)).toContain("Anna Kowalska");
    expect((await all("search=123456789")).map((c) => c.id)).toEqual([ANNA]);
    expect((await all("search=anna.kowalska%40example")).map((c) => c.id)).toEqual([ANNA]);
    const vip = await all("search=vip");
    expect(vip.length).toBeGreaterThan(1);
    for (const contact of vip) expect(contact.tagIds).toContain(VIP);
  });

  it("filters custom fields with AND, by key or id", async () => {
    const byKey = await all("customFields[preferredStore]=Krakow&customFields[lifecycleStage]=customer");
    expect(byKey.length).toBeGreaterThan(0);
    for (const c of byKey)
      expect(c.customFields).toMatchObject({ preferredStore: "Krakow", lifecycleStage: "customer" });
    const krakow = await all("customFields[cf_preferred_store]=Krakow");
    expect(krakow.length).toBeGreaterThan(byKey.length);
    await expectProblem(call("GET", "/contacts?customFields[shoeSize]=42"), 422, "validation_failed");
  });

  it("filters tags and channels with OR", async () => {
    const tags = await getJson<{ tags: { id: string; name: string; labeledCount: number }[] }>("/tags");
    const newsletter = tags.tags.find((t) => t.name === "newsletter")?.id ?? "";
    const vip = await all(`tagIds=${VIP}`);
    const either = await all(`tagIds=${VIP}&tagIds=${newsletter}`);
    const news = await all(`tagIds=${newsletter}`);
    const union = new Set([...vip, ...news].map((c) => c.id));
    expect(new Set(either.map((c) => c.id))).toEqual(union);
    expect((await all(`tagIds=${VIP},${newsletter}`)).length).toBe(union.size);

    const email = await all("channels=email");
    expect(email.length).toBeGreaterThan(0);
    for (const c of email) expect(c.identities.some((i) => i.channel === "email")).toBe(true);
    const instagramOrEmail = await all("channels=email&channels=instagram");
    expect(instagramOrEmail.length).toBeGreaterThan(email.length);
    const problem = await expectProblem(call("GET", "/contacts?channels=fax"), 422, "validation_failed");
    expect(problem.errors?.[0]?.field).toBe("channels");
  });

  it("treats archived as tri-state", async () => {
    const archived = await all("archived=true");
    expect(archived).toHaveLength(4);
    for (const c of archived) expect(c.archivedAt).not.toBeNull();
    expect((await all("archived=false")).length).toBe(46);
    expect((await all("")).every((c) => c.archivedAt === null)).toBe(true);
    await expectProblem(call("GET", "/contacts?archived=yes"), 422, "validation_failed");
  });

  it("bounds createdAt inclusively below and exclusively above", async () => {
    const anna = await getJson<ContactJson>(`/contacts/${ANNA}`);
    const after = await all(`createdAfter=${anna.createdAt}`);
    expect(after.map((c) => c.id)).toContain(ANNA);
    expect(after).toHaveLength(46);
    const before = await all(`createdBefore=${anna.createdAt}`);
    expect(before).toHaveLength(0);
    const march = await all("createdAfter=2026-03-01T00:00:00Z&createdBefore=2026-04-01T00:00:00%2B00:00");
    expect(march.length).toBeGreaterThan(0);
    for (const c of march) expect(c.createdAt.startsWith("2026-03")).toBe(true);
    await expectProblem(call("GET", "/contacts?createdAfter=last%20week"), 422, "validation_failed");
  });

  it("orders by name or time in either direction", async () => {
    const byName = (await all("orderBy=name")).map((c) => c.name);
    expect(byName).toEqual([...byName].sort((a, b) => a.localeCompare(b, "pl")));
    const newest = await all("orderBy=createdAt&orderDirection=desc");
    expect(newest.at(-1)?.id).toBe(ANNA);
    await expectProblem(call("GET", "/contacts?orderBy=shoeSize"), 422, "validation_failed");
  });
});

describe("contacts", () => {
  it("counts the archived or active bucket, ignoring list filters", async () => {
    expect(await getJson("/contacts/count?search=nobody-has-this")).toEqual({ totalSize: 46 });
    expect(await getJson("/contacts/count?archived=true")).toEqual({ totalSize: 4 });
  });

  it("creates a contact with a WhatsApp identity and validates E.164", async () => {
    const res = await call("POST", "/contacts", {
      name: "Zuzanna Mazur",
      phone: "+48600111222",
      customFields: { lifecycleStage: "lead", cf_preferred_store: "Gdansk" },
    });
    expect(res.status).toBe(201);
    const contact = res.json as ContactJson;
    expect(contact.id).toMatch(/^con_/);
    expect(contact.identities).toEqual([
      { id: expect.stringMatching(/^idn_/), channel: "whatsapp", metadata: { phoneNumber: "+48600111222" } },
    ]);
    expect(contact.customFields).toEqual({ lifecycleStage: "lead", preferredStore: "Gdansk" });
    expect(await getJson("/contacts/count")).toEqual({ totalSize: 47 });

    const bad = await expectProblem(
      call("POST", "/contacts", { name: "X", phone: "600 111 222" }),
      422,
      "validation_failed",
    );
    expect(bad.errors).toEqual([{ field: "phone", message: "must be a valid E.164 phone number" }]);
    const badField = await expectProblem(
      call("POST", "/contacts", { name: "X", customFields: { birthday: "12/05/1990" } }),
      422,
      "validation_failed",
    );
    expect(badField.errors?.[0]?.field).toBe("customFields.birthday");
  });

  it("updates the name only", async () => {
    const res = await call("PATCH", `/contacts/${ANNA}`, { name: "Anna Kowalska-Nowak" });
    expect(res.status).toBe(200);
    expect((res.json as ContactJson).name).toBe("Anna Kowalska-Nowak");
    expect((res.json as ContactJson).customFields.preferredStore).toBe("Krakow");
    await expectProblem(call("PATCH", "/contacts/con_missing", { name: "X" }), 404, "contact_not_found");
  });

  it("archives and unarchives with 409 on repeats", async () => {
    expect((await call("POST", `/contacts/${ANNA}/archive`)).status).toBe(204);
    await expectProblem(call("POST", `/contacts/${ANNA}/archive`), 409, "contact_already_archived");
    expect((await all("archived=true")).map((c) => c.id)).toContain(ANNA);
    expect((await call("POST", `/contacts/${ANNA}/unarchive`)).status).toBe(204);
    await expectProblem(call("POST", `/contacts/${ANNA}/unarchive`), 409, "contact_not_archived");
    await expectProblem(call("POST", "/contacts/con_missing/archive"), 404, "contact_not_found");
  });

  it("soft-deletes: the contact disappears from get, lists, counts, tags and events", async () => {
    expect((await call("DELETE", `/contacts/${ANNA}`)).status).toBe(204);
    await expectProblem(call("GET", `/contacts/${ANNA}`), 404, "contact_not_found");
    await expectProblem(call("DELETE", `/contacts/${ANNA}`), 404, "contact_not_found");
    expect((await all("")).map((c) => c.id)).not.toContain(ANNA);
    expect(await getJson("/contacts/count")).toEqual({ totalSize: 45 });
    await expectProblem(call("GET", `/contacts/${ANNA}/events`), 404, "contact_not_found");
    const events = await getJson<{ events: { contactId: string }[] }>(`/events?eventTypeId=${ORDER_PAID}&pageSize=100`);
    expect(events.events.some((e) => e.contactId === ANNA)).toBe(false);
  });

  it("sets, clears and validates custom field values", async () => {
    expect((await call("PUT", `/contacts/${ANNA}/custom-fields/cf_preferred_store`, { value: "Poznan" })).status).toBe(
      204,
    );
    expect((await call("PUT", `/contacts/${ANNA}/custom-fields/birthday`, { value: "1990-05-12" })).status).toBe(204);
    let anna = await getJson<ContactJson>(`/contacts/${ANNA}`);
    expect(anna.customFields).toMatchObject({ preferredStore: "Poznan", birthday: "1990-05-12" });
    expect((await call("PUT", `/contacts/${ANNA}/custom-fields/cf_preferred_store`, { value: "" })).status).toBe(204);
    anna = await getJson<ContactJson>(`/contacts/${ANNA}`);
    expect(anna.customFields).not.toHaveProperty("preferredStore");

    const bad = await expectProblem(
      call("PUT", `/contacts/${ANNA}/custom-fields/cf_birthday`, { value: "2026-02-30" }),
      422,
      "validation_failed",
    );
    expect(bad.errors?.[0]?.field).toBe("value");
    await expectProblem(
      call("PUT", `/contacts/${ANNA}/custom-fields/cf_nope`, { value: "x" }),
      404,
      "custom_field_not_found",
    );
    await expectProblem(
      call("PUT", "/contacts/con_missing/custom-fields/cf_birthday", { value: "x" }),
      404,
      "contact_not_found",
    );
  });
});

describe("tags", () => {
  it("adds and removes tags with live labeledCount, 404 for unknown ids", async () => {
    const created = await call("POST", "/tags", { name: "Krakow opening" });
    expect(created.status).toBe(201);
    const tag = created.json as { id: string; labeledCount: number; createdBy: string };
    expect(tag.labeledCount).toBe(0);
    expect(tag.createdBy).toMatch(/^usr_/);
    expect((await call("POST", `/contacts/${ANNA}/tags/${tag.id}`)).status).toBe(204);
    expect((await call("POST", `/contacts/${ANNA}/tags/${tag.id}`)).status).toBe(204);
    const count = async () =>
      (await getJson<{ tags: { id: string; labeledCount: number }[] }>("/tags")).tags.find((t) => t.id === tag.id)
        ?.labeledCount;
    expect(await count()).toBe(1);
    expect((await call("DELETE", `/contacts/${ANNA}/tags/${tag.id}`)).status).toBe(204);
    expect(await count()).toBe(0);
    await expectProblem(call("POST", `/contacts/${ANNA}/tags/tag_missing`), 404, "tag_not_found");
    await expectProblem(call("POST", `/contacts/con_missing/tags/${tag.id}`), 404, "contact_not_found");
  });

  it("rejects duplicate (any case) and empty names; deleting untags contacts", async () => {
    await expectProblem(call("POST", "/tags", { name: "vip" }), 409, "tag_already_exists");
    await expectProblem(call("POST", "/tags", { name: "  " }), 422, "validation_failed");
    expect((await call("DELETE", `/tags/${VIP}`)).status).toBe(204);
    const anna = await getJson<ContactJson>(`/contacts/${ANNA}`);
    expect(anna.tagIds).not.toContain(VIP);
    await expectProblem(call("DELETE", `/tags/${VIP}`), 404, "tag_not_found");
  });
});

describe("custom field definitions", () => {
  it("creates, renames and deletes contact fields, keeping values under the key their id derives", async () => {
    const res = await call("POST", "/contacts/custom-fields", { name: "Loyalty card", type: "text" });
    expect(res.status).toBe(201);
    const field = res.json as { id: string; entityType: string };
    expect(field).toMatchObject({ id: "cf_loyalty_card", entityType: "contact" });
    expect(field).not.toHaveProperty("key");
    await call("PUT", `/contacts/${ANNA}/custom-fields/${field.id}`, { value: "LC-1" });
    expect((await getJson<ContactJson>(`/contacts/${ANNA}`)).customFields.loyaltyCard).toBe("LC-1");
    // The reference requires both name and type in an update; one alone is refused and changes nothing.
    const half = await expectProblem(
      call("PATCH", `/contacts/custom-fields/${field.id}`, { name: "Loyalty card number" }),
      422,
      "validation_failed",
    );
    expect(half.errors).toEqual([{ field: "type", message: "is required: one of text, date" }]);
    const renamed = await call("PATCH", `/contacts/custom-fields/${field.id}`, {
      name: "Loyalty card number",
      type: "text",
    });
    expect(renamed.json).toMatchObject({ id: "cf_loyalty_card", name: "Loyalty card number", type: "text" });
    expect((await getJson<ContactJson>(`/contacts/${ANNA}`)).customFields.loyaltyCard).toBe("LC-1");
    expect(
      (await all("customFields[loyaltyCard]=LC-1&customFields[Loyalty%20card%20number]=lc-1")).map((c) => c.id),
    ).toEqual([ANNA]);
    await expectProblem(
      call("POST", "/contacts/custom-fields", { name: "loyalty CARD number", type: "text" }),
      409,
      "custom_field_already_exists",
    );
    await expectProblem(
      call("POST", "/contacts/custom-fields", { name: "Size", type: "number" }),
      422,
      "validation_failed",
    );
    expect((await call("DELETE", `/contacts/custom-fields/${field.id}`)).status).toBe(204);
    expect((await getJson<ContactJson>(`/contacts/${ANNA}`)).customFields).not.toHaveProperty("loyaltyCard");
    await expectProblem(call("DELETE", "/contacts/custom-fields/cf_email"), 409, "custom_field_predefined");
  });

  it("makes ids from the name, with a numeric suffix when the id or its key is taken", async () => {
    const created = async (name: string) =>
      ((await call("POST", "/contacts/custom-fields", { name, type: "text" })).json as { id: string }).id;
    expect(await created("Lifecycle-stage")).toBe("cf_lifecycle_stage_2");
    expect(await created("Lifecycle stage 2")).toBe("cf_lifecycle_stage_2_2");
    expect(await created("Łódź store")).toBe("cf_lodz_store");
    expect(await created("Region")).toBe("cf_region_2");
    await call("PUT", `/contacts/${ANNA}/custom-fields/cf_lifecycle_stage_2`, { value: "x" });
    expect((await getJson<ContactJson>(`/contacts/${ANNA}`)).customFields).toMatchObject({
      lifecycleStage: "customer",
      lifecycleStage2: "x",
    });
  });

  it("keeps property fields separate", async () => {
    const props = await getJson<{ customFields: { id: string; entityType: string }[] }>("/properties/custom-fields");
    expect(props.customFields.map((f) => f.id)).toEqual(["cf_region", "cf_tier"]);
    const created = await call("POST", "/properties/custom-fields", { name: "Renewal date", type: "date" });
    expect(created.json).toMatchObject({ entityType: "property", type: "date" });
    const contactFields = await getJson<{ customFields: { id: string }[] }>("/contacts/custom-fields");
    expect(contactFields.customFields.map((f) => f.id)).not.toContain("cf_renewal_date");
    await expectProblem(call("DELETE", "/contacts/custom-fields/cf_region"), 404, "custom_field_not_found");
  });
});

describe("CSV import", () => {
  async function upload(csv: string) {
    const form = new FormData();
    form.append("file", new Blob([csv], { type: "text/csv" }), "contacts.csv");
    const res = await fetch(`${sandbox.baseUrl}/contacts/import`, {
      method: "POST",
      headers: { authorization: `Bearer ${sandbox.apiKey}` },
      body: form,
    });
    return { status: res.status, json: (await res.json()) as { importId: string } };
  }

  it("imports in the background and reports a bad row by number (header = row 1) and column", async () => {
    const csv =
      "name,phone,Preferred store,lifecycleStage\nOla Nowak,+48600000001,Krakow,lead\nBad Phone,12345,Gdansk,lead\nIgor Lis,+48600000003,,customer\n";
    const started = await upload(csv);
    expect(started.status).toBe(202);
    expect(started.json.importId).toMatch(/^import_/);
    type Status = { status: string; totalRows: number; successCount: number; failedCount: number; errors: unknown[] };
    const first = await getJson<Status>(`/contacts/imports/${started.json.importId}`);
    expect(["pending", "processing"]).toContain(first.status);
    let status = first;
    for (let i = 0; i < 100 && status.status !== "completed"; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      status = await getJson<Status>(`/contacts/imports/${started.json.importId}`);
    }
    expect(status).toEqual({
      importId: started.json.importId,
      status: "completed",
      totalRows: 3,
      successCount: 2,
      failedCount: 1,
      errors: [{ row: 3, column: "phone", message: "must be a valid E.164 phone number" }],
    });
    const ola = await all("search=%2B48600000001");
    expect(ola.map((c) => [c.name, c.customFields])).toEqual([
      ["Ola Nowak", { preferredStore: "Krakow", lifecycleStage: "lead" }],
    ]);
    expect(await getJson("/contacts/count")).toEqual({ totalSize: 48 });
  });

  it("requires the file field and knows unknown imports", async () => {
    const form = new FormData();
    form.append("other", "x");
    const res = await fetch(`${sandbox.baseUrl}/contacts/import`, {
      method: "POST",
      headers: { authorization: `Bearer ${sandbox.apiKey}` },
      body: form,
    });
    expect(res.status).toBe(422);
    await expectProblem(call("GET", "/contacts/imports/import_missing"), 404, "import_not_found");
  });
});

describe("events", () => {
  it("enforces the event type's payloadSchema, naming each failing path", async () => {
    const problem = await expectProblem(
      call("POST", `/contacts/${ANNA}/events`, { name: "order.paid", payload: { total: "lots" } }),
      422,
      "validation_failed",
    );
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: "payload.orderId", message: "is required" },
        { field: "payload.total", message: "must be number" },
      ]),
    );
    const unknownType = await expectProblem(
      call("POST", `/contacts/${ANNA}/events`, { name: "order.refunded" }),
      422,
      "validation_failed",
    );
    expect(unknownType.errors?.[0]?.field).toBe("name");
    await expectProblem(call("POST", "/contacts/con_missing/events", { name: "order.paid" }), 404, "contact_not_found");
  });

  it("answers 409 for a repeated idempotency key and lists the timeline newest first", async () => {
    const body = { name: "order.paid", payload: { orderId: "4900", total: 10 }, idempotencyKey: "order-4900-paid" };
    const created = await call("POST", `/contacts/${ANNA}/events`, body);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ contactId: ANNA, eventTypeId: ORDER_PAID, eventTypeName: "order.paid" });
    await expectProblem(call("POST", `/contacts/${ANNA}/events`, body), 409, "event_already_exists");
    await expectProblem(
      call("POST", "/events", {
        contactId: ANNA,
        eventTypeName: "order.paid",
        payload: { orderId: "4819" },
        idempotencyKey: "order-4819-paid",
      }),
      409,
      "event_already_exists",
    );
    const viaEvents = await call("POST", "/events", {
      contactId: ANNA,
      eventTypeName: "order.shipped",
      payload: { orderId: "4900" },
    });
    expect(viaEvents.status).toBe(201);

    const timeline = await getJson<{ events: { id: string; createdAt: string }[]; totalSize: number }>(
      `/contacts/${ANNA}/events`,
    );
    expect(timeline.totalSize).toBe(6);
    expect(timeline.events[0]?.id).toBe((viaEvents.json as { id: string }).id);
    expect(timeline.events[1]?.id).toBe((created.json as { id: string }).id);
    const times = timeline.events.map((e) => e.createdAt);
    expect(times).toEqual([...times].sort().reverse());

    const paid = await getJson<{ events: { eventTypeId: string }[] }>(`/events?eventTypeId=${ORDER_PAID}&pageSize=100`);
    expect(paid.events.length).toBeGreaterThan(2);
    expect(paid.events.every((e) => e.eventTypeId === ORDER_PAID)).toBe(true);
    const one = await getJson<{ id: string }>(`/events/${(created.json as { id: string }).id}`);
    expect(one.id).toBe((created.json as { id: string }).id);
  });

  it("manages event types: 409 on duplicates, predefined or used types", async () => {
    const types = await getJson<{ eventTypes: { name: string }[]; totalSize: number }>("/event-types?pageSize=2");
    expect(types.eventTypes).toHaveLength(2);
    expect(types.totalSize).toBe(3);
    await expectProblem(call("POST", "/event-types", { name: "order.paid" }), 409, "event_type_already_exists");
    await expectProblem(
      call("POST", "/event-types", { name: "bad.schema", payloadSchema: { type: "banana" } }),
      422,
      "validation_failed",
    );
    const created = await call("POST", "/event-types", {
      name: "plan.changed",
      payloadSchema: { type: "object", properties: { plan: { type: "string" } }, required: ["plan"] },
    });
    expect(created.status).toBe(201);
    const id = (created.json as { id: string }).id;
    const patched = await call("PATCH", `/event-types/${id}`, { description: "Plan upgrade or downgrade." });
    expect(patched.json).toMatchObject({ name: "plan.changed", description: "Plan upgrade or downgrade." });
    expect((await call("DELETE", `/event-types/${id}`)).status).toBe(204);
    await expectProblem(call("GET", `/event-types/${id}`), 404, "event_type_not_found");
    await expectProblem(call("DELETE", `/event-types/${ORDER_PAID}`), 409, "event_type_in_use");
    const signup = (await getJson<{ eventTypes: { id: string; name: string }[] }>("/event-types")).eventTypes.find(
      (t) => t.name === "signup",
    );
    await expectProblem(call("DELETE", `/event-types/${signup?.id ?? ""}`), 409, "event_type_predefined");
  });
});
