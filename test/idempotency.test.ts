// Recording an event must never happen twice: create_event and
// create_contact_event send an Idempotency-Key on every call, equal to the
// body's idempotencyKey when the caller chose one, generated when not.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { workspaceFor } from "../src/workspace/index.js";
import { json, type Loopback, type Recorded, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";

let api: Loopback;
let mcp: Connected;
beforeAll(async () => {
  api = await startLoopback();
  mcp = await connect(testConfig({ baseUrl: api.baseUrl }));
  // Payloads are checked against the type's schema before sending: have it cached, so only the event is sent.
  api.respond((_req, res) => json(res, 200, { eventTypes: [{ id: "evt-type_1", name: "order.paid" }] }));
  await workspaceFor(mcp.api).get("eventTypes");
});
afterAll(async () => {
  await mcp.close();
  await api.close();
});
beforeEach(() => {
  api.respond((_req, res) => json(res, 201, { id: "evt_1" }));
});

async function sent(tool: string, args: Record<string, unknown>): Promise<Recorded> {
  const before = api.requests.length;
  const result = await mcp.call(tool, args);
  expect(result.isError, textOf(result)).toBeFalsy();
  const requests = api.requests.slice(before);
  expect(requests).toHaveLength(1);
  const [req] = requests;
  if (!req) throw new Error("no request recorded");
  return req;
}

const payload = { orderId: "4827", total: 129.99 };

describe.each([
  { tool: "create_event", args: { contactId: "con_1", eventTypeName: "order.paid", payload } },
  { tool: "create_contact_event", args: { contactId: "con_1", name: "order.paid", payload } },
])("$tool", ({ tool, args }) => {
  it("sends the caller's idempotencyKey as the Idempotency-Key header", async () => {
    const req = await sent(tool, { ...args, idempotencyKey: "order-4827-paid" });
    expect(req.headers["idempotency-key"]).toBe("order-4827-paid");
    expect(req.json).toMatchObject({ idempotencyKey: "order-4827-paid", payload });
  });

  it("generates a key when none is given and sends the same one in header and body", async () => {
    const first = await sent(tool, args);
    const second = await sent(tool, args);
    const key = first.headers["idempotency-key"];
    expect(typeof key).toBe("string");
    expect(key).not.toBe("");
    expect(first.json).toMatchObject({ idempotencyKey: key });
    // Distinct calls are distinct events: each gets its own key.
    expect(second.headers["idempotency-key"]).not.toBe(key);
  });

  it("retries a failed attempt with the same key, recording the event once", async () => {
    let attempts = 0;
    api.respond((_req, res) => {
      attempts += 1;
      if (attempts === 1) json(res, 503, { title: "Service Unavailable", status: 503 });
      else json(res, 201, { id: "evt_1" });
    });
    const before = api.requests.length;
    const result = await mcp.call(tool, args);
    expect(result.isError, textOf(result)).toBeFalsy();
    const [a, b, ...rest] = api.requests.slice(before);
    expect(rest).toHaveLength(0);
    expect(a?.headers["idempotency-key"]).toBeTruthy();
    expect(b?.headers["idempotency-key"]).toBe(a?.headers["idempotency-key"]);
    expect(b?.json).toEqual(a?.json);
  });
});
