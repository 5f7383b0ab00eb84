// What a result costs the model, through a real MCP client: compact text
// without nulls or tenantId, list calls with a default page size, and a cap
// that cuts an oversized page with an honest notice on how to get the rest.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHARS_PER_TOKEN } from "../src/tools/result.js";
import { json, type Loopback, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";

const MAX_TOKENS = 1000;

let api: Loopback;
let mcp: Connected;
beforeAll(async () => {
  api = await startLoopback();
  mcp = await connect(testConfig({ baseUrl: api.baseUrl, maxResultTokens: MAX_TOKENS }));
});
afterAll(async () => {
  await mcp.close();
  await api.close();
});

const contact = (i: number) => ({
  id: `con_${i}`,
  tenantId: "ten_1",
  name: `Person number ${i} with a fairly long name to fill the page`,
  archivedAt: null,
  customFields: { preferredStore: "Krakow" },
});

describe("result size", () => {
  it("writes compact text without nulls or tenantId", async () => {
    api.respond((_req, res) => json(res, 200, { contacts: [contact(1)], nextPageToken: null }));
    const result = await mcp.call("list_contacts", {});
    expect(textOf(result)).toBe(
      '{"contacts":[{"id":"con_1","name":"Person number 1 with a fairly long name to fill the page","preferredStore":"Krakow"}]}',
    );
  });

  it("asks for a default page size when the model gives none, and keeps the one it gives", async () => {
    api.respond((_req, res) => json(res, 200, { contacts: [] }));
    // The last GET /contacts: the names shown beside ids are looked up after it.
    const listed = () =>
      api.requests
        .filter((r) => r.path === "/contacts")
        .at(-1)
        ?.query.get("pageSize");
    await mcp.call("list_contacts", {});
    expect(listed()).toBe("50");
    await mcp.call("list_contacts", { pageSize: 7 });
    expect(listed()).toBe("7");
  });

  it("cuts an oversized page under the cap, the same in both channels, without the token that would skip the cut", async () => {
    const page = Array.from({ length: 100 }, (_, i) => contact(i));
    api.respond((_req, res) => json(res, 200, { contacts: page, nextPageToken: "tok_next", totalSize: 500 }));
    const result = await mcp.call("list_contacts", { pageSize: 100, pageToken: "tok_here" });
    expect(result.isError).toBeFalsy();
    const text = textOf(result);
    expect(text.length).toBeLessThanOrEqual(MAX_TOKENS * CHARS_PER_TOKEN);
    const body = JSON.parse(text) as { contacts: unknown[]; truncated: string; nextPageToken?: string };
    expect(body).toEqual(result.structuredContent);
    const shown = body.contacts.length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(100);
    expect(body.truncated).toContain(`${shown} of 100 contacts shown`);
    expect(body.truncated).toContain(`call again with pageSize ${shown} and the same pageToken`);
    expect(text).not.toContain("tok_next");
  });

  it("cuts a page its presentation groups by the API's items: the count and pageSize say events, not groups", async () => {
    // Two types taking turns: grouped by type, the shown events are the page's leading ones, not whole groups.
    const events = Array.from({ length: 100 }, (_, i) => ({
      id: `evt_${i}`,
      contactId: `con_${i}`,
      eventTypeName: i % 2 ? "order.paid" : "signup",
      payload: { orderId: `order-${i}`, note: "a fairly long note to fill the page ".repeat(2) },
      createdAt: "2026-10-31T16:57:00.000Z",
    }));
    api.respond((_req, res) => json(res, 200, { events, nextPageToken: "tok_next" }));
    const result = await mcp.call("list_events", { pageSize: 100 });
    const text = textOf(result);
    expect(text.length).toBeLessThanOrEqual(MAX_TOKENS * CHARS_PER_TOKEN);
    const body = JSON.parse(text) as { events: { events: { contactId: string }[] }[]; truncated: string };
    expect(body).toEqual(result.structuredContent);
    const shown = body.events.flatMap((group) => group.events.map((e) => e.contactId));
    expect(shown.length).toBeGreaterThan(2);
    expect(shown.length).toBeLessThan(100);
    expect(new Set(shown)).toEqual(new Set(events.slice(0, shown.length).map((e) => e.contactId)));
    expect(body.truncated).toContain(`${shown.length} of 100 events shown`);
    expect(body.truncated).toContain(`call again with pageSize ${shown.length},`);
    expect(text).not.toContain("tok_next");
  });

  it("keeps the shape of a result without a page to cut, ids whole, and says it was cut", async () => {
    api.respond((_req, res) => json(res, 200, { id: "con_1", name: "Anna", notes: "x".repeat(20_000) }));
    const result = await mcp.call("get_contact", { id: "con_1" });
    const text = textOf(result);
    expect(text.length).toBeLessThanOrEqual(MAX_TOKENS * CHARS_PER_TOKEN);
    const body = JSON.parse(text) as Record<string, string>;
    expect(body).toEqual(result.structuredContent);
    expect(body).toMatchObject({ id: "con_1", name: "Anna" });
    expect(body.notes?.endsWith("…")).toBe(true);
    expect(body.truncated).toMatch(/Cut to stay under the size cap/);
  });
});
