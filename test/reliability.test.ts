// Under a failing API: what is retried and how often (counted as requests the
// loopback actually received), Retry-After, timeouts, dropped connections,
// answers that are not what was due, and cancellation from the MCP client.

import type { ServerResponse } from "node:http";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { json, type Loopback, type Recorded, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";

let api: Loopback;
let mcp: Connected;
/** A client with a short per-attempt timeout, for the hung-API cases. */
let quick: Connected;
const TIMEOUT_MS = 300;

beforeAll(async () => {
  api = await startLoopback();
  mcp = await connect(testConfig({ baseUrl: api.baseUrl }));
  quick = await connect(testConfig({ baseUrl: api.baseUrl, timeoutMs: TIMEOUT_MS, maxRetries: 0 }));
});
afterAll(async () => {
  await mcp.close();
  await quick.close();
  await api.close();
});
afterEach(() => {
  respond((_req, res) => json(res, 200, { ok: true }));
});

// Names are resolved against the workspace's definitions before a call is sent;
// those lookups succeed here and are not counted, so the counts below are the
// attempts at the operation itself.
const DEFINITIONS: Record<string, unknown> = {
  "/event-types": { eventTypes: [{ id: "evt-type_000001", name: "order.paid" }] },
  "/contacts/custom-fields": { customFields: [{ id: "cf_1", name: "Store", key: "store" }] },
  "/properties/custom-fields": { customFields: [] },
  "/tags": { tags: [] },
  "/inboxes": { inboxes: [] },
};
const isLookup = (req: Recorded) => req.method === "GET" && req.path in DEFINITIONS;

/** Calls a tool and returns its result with the requests it caused (definition lookups aside). */
async function run(name: string, args: Record<string, unknown>, via: Connected = mcp) {
  const before = api.requests.length;
  const started = Date.now();
  const result = await via.call(name, args);
  const sent = api.requests.slice(before).filter((r) => !isLookup(r));
  return { result, text: textOf(result), sent, elapsed: Date.now() - started };
}

/** Answers the operation with `reply`, definition lookups with the definitions. */
function respond(reply: (req: Recorded, res: ServerResponse) => void): void {
  api.respond((req, res) => (isLookup(req) ? json(res, 200, DEFINITIONS[req.path]) : reply(req, res)));
}

/** Answers the scripted replies in order, then the last one forever. */
function script(...replies: Array<(req: Recorded, res: ServerResponse) => void>): void {
  let i = 0;
  respond((req, res) => {
    const reply = replies[Math.min(i++, replies.length - 1)];
    reply?.(req, res);
  });
}
const problem =
  (status: number, code: string, headers: Record<string, string> = {}) =>
  (_: Recorded, res: ServerResponse) =>
    json(res, status, { type: "about:blank", title: code, status, code }, headers);
const ok = (_: Recorded, res: ServerResponse) => json(res, 200, { id: "con_1", name: "Anna" });

describe("retries", () => {
  it("retries a GET after a 503 and succeeds: 2 requests", async () => {
    script(problem(503, "unavailable"), ok);
    const { result, sent, text } = await run("get_contact", { id: "con_1" });
    expect(result.isError, text).toBeFalsy();
    expect(sent).toHaveLength(2);
    expect(sent.map((r) => r.path)).toEqual(["/contacts/con_1", "/contacts/con_1"]);
  });

  it("gives up on a GET after FLOWNALLY_MAX_RETRIES retries: 3 requests by default", async () => {
    script(problem(500, "internal"));
    const { result, sent, text } = await run("get_contact", { id: "con_1" });
    expect(result.isError).toBe(true);
    expect(sent).toHaveLength(3);
    expect(text).toMatch(/^500 internal/);
  });

  it("retries a DELETE and a PUT on 502 and on 408", async () => {
    script(problem(502, "bad_gateway"), (_req, res) => res.writeHead(204).end());
    expect((await run("delete_contact", { id: "con_1" })).sent).toHaveLength(2);
    script(problem(408, "request_timeout"), (_req, res) => res.writeHead(204).end());
    expect(
      (await run("set_contact_field_value", { contactId: "con_1", customFieldId: "cf_1", value: "x" })).sent,
    ).toHaveLength(2);
  });

  it("never retries a 4xx other than 408/429", async () => {
    script(problem(409, "conflict"), ok);
    expect((await run("get_contact", { id: "con_1" })).sent).toHaveLength(1);
  });

  it("honours Retry-After in seconds", async () => {
    script(problem(429, "rate_limited", { "retry-after": "1" }), ok);
    const { result, sent, elapsed, text } = await run("get_contact", { id: "con_1" });
    expect(result.isError, text).toBeFalsy();
    expect(sent).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(900);
  });

  it("honours Retry-After as an HTTP date", async () => {
    // HTTP dates have whole seconds: two seconds ahead is at least one second away.
    const when = new Date(Date.now() + 2000).toUTCString();
    script(problem(429, "rate_limited", { "retry-after": when }), ok);
    const { result, sent, elapsed, text } = await run("get_contact", { id: "con_1" });
    expect(result.isError, text).toBeFalsy();
    expect(sent).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(900);
  });

  it("does not wait out a Retry-After beyond the cap: says when to retry instead", async () => {
    script(problem(429, "rate_limited", { "retry-after": "3600" }), ok);
    const { result, sent, text, elapsed } = await run("get_contact", { id: "con_1" });
    expect(result.isError).toBe(true);
    expect(sent).toHaveLength(1);
    expect(text).toMatch(/^429 rate_limited.*retry in 3600 s/);
    expect(elapsed).toBeLessThan(1000);
  });

  it("sends a POST without an idempotency key once, even on 503", async () => {
    script(problem(503, "unavailable"), ok);
    const { result, sent, text } = await run("create_contact", { name: "Anna", phone: "+48123456789" });
    expect(result.isError).toBe(true);
    expect(sent).toHaveLength(1);
    expect(text).toMatch(/^503 unavailable/);
  });

  it("sends a PATCH once, even on 503", async () => {
    script(problem(503, "unavailable"), ok);
    const { result, sent } = await run("update_contact", { id: "con_1", name: "Anna K." });
    expect(result.isError).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it("retries a POST carrying an Idempotency-Key with the same key on every attempt", async () => {
    script(problem(503, "unavailable"));
    const { result, sent } = await run("create_contact_event", { contactId: "con_1", name: "order.paid" });
    expect(result.isError).toBe(true);
    expect(sent).toHaveLength(3);
    const keys = sent.map((r) => r.headers["idempotency-key"]);
    expect(keys[0]).toMatch(/^[\w-]{8,}$/);
    expect(new Set(keys).size).toBe(1);
    // The body names the same key, so the API can dedupe by either.
    expect(sent.map((r) => (r.json as { idempotencyKey?: string }).idempotencyKey)).toEqual(keys);
  });

  it("keeps the caller's idempotency key across retries", async () => {
    script(problem(500, "internal"), problem(502, "bad_gateway"), (_req, res) => json(res, 201, { id: "evt_1" }));
    const { result, sent } = await run("create_contact_event", {
      contactId: "con_1",
      name: "order.paid",
      idempotencyKey: "order-9-paid",
    });
    expect(result.isError).toBeFalsy();
    expect(sent.map((r) => r.headers["idempotency-key"])).toEqual(["order-9-paid", "order-9-paid", "order-9-paid"]);
  });
});

describe("timeouts and broken connections", () => {
  it("turns a hung API into a prompt 'Timed out' error", async () => {
    respond(() => undefined); // never answers
    const { result, text, elapsed, sent } = await run("get_contact", { id: "con_1" }, quick);
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^Timed out — .*300 ms/);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1500);
    expect(sent).toHaveLength(1);
  });

  it("times out an answer whose body stalls halfway", async () => {
    respond((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":"con_1",');
    });
    const { result, text } = await run("get_contact", { id: "con_1" }, quick);
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^Timed out/);
  });

  it("retries a timed-out GET but never a timed-out POST without a key", async () => {
    const retrying = await connect(testConfig({ baseUrl: api.baseUrl, timeoutMs: 150, maxRetries: 2 }));
    try {
      respond(() => undefined);
      expect((await run("get_contact", { id: "con_1" }, retrying)).sent).toHaveLength(3);
      const post = await run("create_contact", { name: "Anna" }, retrying);
      expect(post.text).toMatch(/^Timed out .*may already have been made: check with list_contacts before retrying/);
      expect(post.sent).toHaveLength(1);
    } finally {
      await retrying.close();
    }
  });

  it("summarises a dropped connection as a network error", async () => {
    respond((_req, res) => {
      res.socket?.destroy();
    });
    const { result, text, sent } = await run("create_contact", { name: "Anna" });
    expect(result.isError).toBe(true);
    // Dropped after the POST was sent: it may have been created, and a retry could create it twice.
    expect(text).toMatch(/^Network error — the connection failed \(UND_ERR_SOCKET\) after the request was sent/);
    expect(text).toMatch(/may already have been made: check with list_contacts before retrying/);
    expect(sent).toHaveLength(1);
  });

  it("summarises a refused connection as a network error", async () => {
    const nowhere = await connect(testConfig({ baseUrl: "http://127.0.0.1:9/v1", maxRetries: 0 }));
    try {
      const result = await nowhere.call("get_contact", { id: "con_1" });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^Network error — .*ECONNREFUSED.*FLOWNALLY_BASE_URL/);
    } finally {
      await nowhere.close();
    }
  });
});

describe("answers that are not what was due", () => {
  const cases: Array<[string, (req: Recorded, res: ServerResponse) => void, RegExp]> = [
    [
      "truncated JSON",
      (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"id":"con_1","na'),
      /invalid or truncated JSON/,
    ],
    [
      "an HTML page with 200",
      (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Login</body></html>"),
      /an HTML page, not JSON/,
    ],
    [
      "HTML without a content type",
      (_req, res) => res.writeHead(200).end("<!doctype html><p>maintenance</p>"),
      /invalid or truncated JSON/,
    ],
    [
      "a wrong content type",
      (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end('{"id":"con_1"}'),
      /text\/plain, not JSON/,
    ],
    [
      "an empty body with 200",
      (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(),
      /empty body/,
    ],
    ["a redirect", (_req, res) => res.writeHead(301, { location: "https://elsewhere.example/" }).end(), /301 redirect/],
  ];
  it.each(cases)("%s is a short isError, never a success", async (_name, reply, pattern) => {
    respond(reply);
    const { result, text, sent } = await run("get_contact", { id: "con_1" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(text).toMatch(/^Bad response — /);
    expect(text).toMatch(pattern);
    expect(text.length).toBeLessThan(300);
    expect(text).not.toMatch(/Login|maintenance|<html/);
    expect(sent).toHaveLength(1);
  });

  it("an HTML error page from a proxy is summarised without its content", async () => {
    respond((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" }).end("<html><h1>502 Bad Gateway</h1>nginx</html>");
    });
    const { result, text } = await run("create_contact", { name: "Anna" });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^502 server_error — the API answered an HTML page/);
    expect(text).not.toMatch(/nginx/);
  });
});

describe("cancellation", () => {
  it("aborts the in-flight request at once and never retries it", async () => {
    let closedAt = 0;
    respond((_req, res) => {
      res.on("close", () => {
        closedAt = Date.now();
      });
    });
    const before = api.requests.length;
    const controller = new AbortController();
    const call = mcp.client.callTool({ name: "get_contact", arguments: { id: "con_1" } }, undefined, {
      signal: controller.signal,
    });
    await until(() => api.requests.length > before);
    const abortedAt = Date.now();
    controller.abort("user pressed stop");
    await expect(call).rejects.toThrow();
    await until(() => closedAt > 0);
    expect(closedAt - abortedAt).toBeLessThan(500);
    // Well past any back-off: still the one request.
    await new Promise((r) => setTimeout(r, 200));
    expect(api.requests.length - before).toBe(1);
    expect(mcp.api.inFlight).toEqual({ active: 0, waiting: 0 });
  });

  it("frees the concurrency slot of a cancelled request", async () => {
    const one = await connect(testConfig({ baseUrl: api.baseUrl, maxConcurrency: 1 }));
    try {
      respond((req, res) => {
        if (req.path === "/contacts/hang") return;
        json(res, 200, { id: "con_2" });
      });
      const controller = new AbortController();
      const hung = one.client.callTool({ name: "get_contact", arguments: { id: "hang" } }, undefined, {
        signal: controller.signal,
      });
      await until(() => api.requests.at(-1)?.path === "/contacts/hang");
      const before = api.requests.length;
      const queued = one.call("get_contact", { id: "con_2" });
      await until(() => one.api.inFlight.waiting === 1);
      expect(api.requests.length).toBe(before); // the second waits for the slot
      controller.abort();
      await expect(hung).rejects.toThrow();
      const result: CallToolResult = await queued;
      expect(result.isError, textOf(result)).toBeFalsy();
    } finally {
      await one.close();
    }
  });
});

describe("concurrency", () => {
  it("keeps at most FLOWNALLY_MAX_CONCURRENCY requests in flight", async () => {
    const few = await connect(testConfig({ baseUrl: api.baseUrl, maxConcurrency: 3 }));
    try {
      let open = 0;
      let peak = 0;
      respond((_req, res) => {
        open++;
        peak = Math.max(peak, open);
        setTimeout(() => {
          open--;
          json(res, 200, { id: "con_1" });
        }, 30);
      });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => few.call("get_contact", { id: `con_${i}` })),
      );
      expect(results.every((r) => !r.isError)).toBe(true);
      expect(peak).toBe(3);
    } finally {
      await few.close();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
