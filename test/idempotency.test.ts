// Recording an event must never happen twice: create_event and
// create_contact_event send an Idempotency-Key on every call, equal to the
// body's idempotencyKey when the caller chose one, and otherwise derived from
// the contact, the type, the payload and the UTC day, so the same event
// recorded again that day is written once (the sandbox test below shows it).

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
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

  it("derives the key from contact, type and payload on the UTC day when none is given", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-05-01T23:59:00Z") });
    try {
      const first = await sent(tool, args);
      const key = first.headers["idempotency-key"];
      expect(key).toMatch(/^same-2026-05-01-[0-9a-f]{32}$/);
      expect(first.json).toMatchObject({ idempotencyKey: key });
      // The same event again that day, even with its payload's keys in another order: the same key.
      const reordered = { ...args, payload: { total: payload.total, orderId: payload.orderId } };
      expect((await sent(tool, reordered)).headers["idempotency-key"]).toBe(key);
      // Another payload, another contact, or the next day: another event.
      const others = [
        await sent(tool, { ...args, payload: { ...payload, orderId: "4828" } }),
        await sent(tool, { ...args, contactId: "con_2" }),
      ];
      vi.setSystemTime(new Date("2026-05-02T00:01:00Z"));
      others.push(await sent(tool, args));
      const keys = others.map((req) => req.headers["idempotency-key"]);
      expect(new Set([key, ...keys]).size).toBe(4);
    } finally {
      vi.useRealTimers();
    }
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

it("derives the same key in both tools, so an event recorded through either is recorded once", async () => {
  const [a, b] = [
    await sent("create_event", { contactId: "con_1", eventTypeName: "order.paid", payload }),
    await sent("create_contact_event", { contactId: "con_1", name: "order.paid", payload }),
  ];
  expect(b.headers["idempotency-key"]).toBe(a.headers["idempotency-key"]);
});

describe("on the sandbox: recording the same event twice", () => {
  const ANNA = "con_01HV8Y5R5RFMS0TFK6PKF9H2S8";
  let sandbox: Sandbox;
  let onSandbox: Connected;
  beforeAll(async () => {
    sandbox = await startSandbox();
    onSandbox = await connect(testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }));
  });
  afterAll(async () => {
    await onSandbox.close();
    await sandbox.close();
  });

  const recorded = (orderId: string) =>
    [...sandbox.store.events.values()].filter(
      (e) => e.contactId === ANNA && (e.payload as { orderId?: unknown }).orderId === orderId,
    );

  it("writes one event for two identical calls, and says the second was already recorded", async () => {
    const order = { orderId: "4827", total: 129.99, currency: "PLN" };
    const first = await onSandbox.call("create_contact_event", { contactId: ANNA, name: "order.paid", payload: order });
    expect(first.isError, textOf(first)).toBeFalsy();
    const second = await onSandbox.call("create_event", {
      contactId: ANNA,
      eventTypeName: "order.paid",
      payload: order,
    });
    expect(textOf(second)).toMatch(/^409 .*Already recorded \(the same event today, or this idempotencyKey\)/);
    expect(textOf(second)).toMatch(/A genuine repeat needs a new idempotencyKey\.$/);
    expect(recorded("4827")).toHaveLength(1);
  });

  it("writes two events when the repeat has a key of its own", async () => {
    const order = { orderId: "5001", total: 10, currency: "PLN" };
    const args = { contactId: ANNA, name: "order.paid", payload: order };
    expect((await onSandbox.call("create_contact_event", args)).isError).toBeFalsy();
    const again = await onSandbox.call("create_contact_event", { ...args, idempotencyKey: "order-5001-paid-again" });
    expect(again.isError, textOf(again)).toBeFalsy();
    expect(recorded("5001")).toHaveLength(2);
  });
});
