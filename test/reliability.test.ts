// Under a failing API: what is retried and how often (counted as requests the
// loopback actually received), Retry-After, timeouts, dropped connections,
// answers that are not what was due, and cancellation from the MCP client.
// Waits between attempts are recorded, not waited out (the client's `sleep`
// option), so back-off and Retry-After are asserted as the delays asked for.

import type { ServerResponse } from "node:http";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ClientOptions } from "../src/client/http.js";
import { json, type Loopback, type Recorded, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";
import { until } from "./helpers/until.js";

let api: Loopback;
let mcp: Connected;
/** A client with a short per-attempt timeout, for the hung-API cases. */
let quick: Connected;
const TIMEOUT_MS = 300;

/** Every wait between attempts that the API clients asked for, in ms. */
const waits: number[] = [];
/** The production back-off policy, with its waits recorded instead of slept. */
const recorded: Partial<ClientOptions> = {
  retry: {},
  clock: {
    now: Date.now,
    sleep: async (ms) => {
      waits.push(ms);
    },
  },
};

beforeAll(async () => {
  api = await startLoopback();
  mcp = await connect(testConfig({ baseUrl: api.baseUrl }), {}, recorded);
  quick = await connect(testConfig({ baseUrl: api.baseUrl, timeoutMs: TIMEOUT_MS, maxRetries: 0 }), {}, recorded);
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

/** Calls a tool and returns its result with the requests it caused (definition lookups aside) and the waits between them. */
async function run(name: string, args: Record<string, unknown>, via: Connected = mcp) {
  const before = api.requests.length;
  const waited = waits.length;
  const result = await via.call(name, args);
  const sent = api.requests.slice(before).filter((r) => !isLookup(r));
  return { result, text: textOf(result), sent, waits: waits.slice(waited) };
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

  it("gives up on a GET after FLOWNALLY_MAX_RETRIES retries: 3 requests by default, backing off from 300 ms", async () => {
    script(problem(500, "internal"));
    const { result, sent, text, waits } = await run("get_contact", { id: "con_1" });
    expect(result.isError).toBe(true);
    expect(sent).toHaveLength(3);
    expect(text).toMatch(/^500 internal/);
    // Exponential steps of 300 and 600 ms, each jittered between half and all of it.
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(150);
    expect(waits[0]).toBeLessThanOrEqual(300);
    expect(waits[1]).toBeGreaterThanOrEqual(300);
    expect(waits[1]).toBeLessThanOrEqual(600);
  });

  it("retries a DELETE and a PUT on 502 and on 408", async () => {
    script(problem(502, "bad_gateway"), (_req, res) => res.writeHead(204).end());
    expect((await run("delete_contact", { id: "con_1" })).sent).toHaveLength(2);
    script(problem(408, "request_timeout"), (_req, res) => res.writeHead(204).end());
    expect(
      (await run("set_contact_field_value", { contactId: "con_1", customFieldId: "cf_1", value: "x" })).sent,
    ).toHaveLength(2);
  });

  it("tells a DELETE whose answer was lost and whose retry found it gone as deleted, not as a wrong id", async () => {
    const gone = problem(404, "contact_not_found");
    script((_req, res) => res.socket?.destroy(), gone);
    const lost = await run("delete_contact", { id: "con_lost" });
    expect(lost.sent).toHaveLength(2);
    expect(lost.text).toBe("Deleted: the first attempt's answer was lost, and its retry found it gone.");
    // After a 502 too; but a 404 at the first attempt is a wrong id, and a 429 was not carried out.
    script(problem(502, "bad_gateway"), gone);
    expect((await run("delete_contact", { id: "con_lost2" })).result.isError).toBeFalsy();
    script(gone);
    expect((await run("delete_contact", { id: "con_never" })).text).toMatch(/^404 contact_not_found/);
    script(problem(429, "rate_limited", { "retry-after": "0" }), gone);
    expect((await run("delete_contact", { id: "con_never2" })).text).toMatch(/^404 contact_not_found/);
  });

  it("tells a repeated DELETE of what it deleted as already done, and any other 404 as such", async () => {
    script((_req, res) => res.writeHead(204).end(), problem(404, "contact_not_found"));
    expect((await run("delete_contact", { id: "con_twice" })).result.isError).toBeFalsy();
    const again = await run("delete_contact", { id: "con_twice" });
    expect(again.sent).toHaveLength(1);
    expect(again.text).toBe("Already deleted: nothing changed.");
    expect((await run("delete_contact", { id: "con_other" })).text).toMatch(/^404 contact_not_found/);
  });

  it("never retries a 4xx other than 408/429", async () => {
    script(problem(409, "conflict"), ok);
    expect((await run("get_contact", { id: "con_1" })).sent).toHaveLength(1);
  });

  it("honours Retry-After in seconds", async () => {
    script(problem(429, "rate_limited", { "retry-after": "1.5" }), ok);
    const { result, sent, waits, text } = await run("get_contact", { id: "con_1" });
    expect(result.isError, text).toBeFalsy();
    expect(sent).toHaveLength(2);
    expect(waits).toEqual([1500]);
  });

  it("honours Retry-After as an HTTP date, and one in the past as no wait", async () => {
    // The clock stands still, so the date is exactly that far ahead when the answer is read.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2026, 2, 1, 12, 0, 0) });
    try {
      const inTwoSeconds = new Date(Date.now() + 2000).toUTCString();
      script(problem(429, "rate_limited", { "retry-after": inTwoSeconds }), ok);
      const ahead = await run("get_contact", { id: "con_1" });
      expect(ahead.result.isError, ahead.text).toBeFalsy();
      expect(ahead.sent).toHaveLength(2);
      expect(ahead.waits).toEqual([2000]);

      script(problem(503, "unavailable", { "retry-after": new Date(Date.now() - 5000).toUTCString() }), ok);
      const past = await run("get_contact", { id: "con_1" });
      expect(past.result.isError, past.text).toBeFalsy();
      expect(past.waits).toEqual([0]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("does not wait out a Retry-After beyond the cap: says when to retry instead", async () => {
    script(problem(429, "rate_limited", { "retry-after": "3600" }), ok);
    const { result, sent, text, waits } = await run("get_contact", { id: "con_1" });
    expect(result.isError).toBe(true);
    expect(sent).toHaveLength(1);
    expect(text).toMatch(/^429 rate_limited.*retry in 3600 s/);
    expect(waits).toEqual([]);
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
  it("turns a hung API into a 'Timed out' error once the attempt times out", async () => {
    respond(() => undefined); // never answers
    const { result, text, sent } = await run("get_contact", { id: "con_1" }, quick);
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^Timed out — .*300 ms/);
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
    const retrying = await connect(testConfig({ baseUrl: api.baseUrl, timeoutMs: 150, maxRetries: 2 }), {}, recorded);
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
  it("aborts the in-flight request and never retries it", async () => {
    // The API never answers: only the cancellation can close the request (the attempt timeout is 30 s).
    let closed: Promise<void> | undefined;
    respond((_req, res) => {
      closed = new Promise((resolve) => res.on("close", resolve));
    });
    const before = api.requests.length;
    const waited = waits.length;
    const controller = new AbortController();
    const call = mcp.client.callTool({ name: "get_contact", arguments: { id: "con_1" } }, undefined, {
      signal: controller.signal,
    });
    await until(() => closed !== undefined);
    controller.abort("user pressed stop");
    await expect(call).rejects.toThrow();
    await closed;
    await until(() => mcp.api.inFlight.active === 0 && mcp.api.inFlight.waiting === 0);
    // A retry would have asked for a back-off first; none was, and the one request is all the API saw.
    expect(waits.slice(waited)).toEqual([]);
    expect(api.requests.length - before).toBe(1);
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
      // The API holds every request until the test answers it.
      const held: ServerResponse[] = [];
      respond((_req, res) => {
        held.push(res);
      });
      const calls = Array.from({ length: 12 }, (_, i) => few.call("get_contact", { id: `con_${i}` }));
      for (let answered = 0; answered < calls.length; ) {
        const unanswered = calls.length - answered;
        // Settled: every unanswered call is held by the API or queued in the client, and the API
        // holds exactly three. A fourth let through would leave the queue before reaching the API,
        // so this state is never reached if the cap is broken.
        await until(
          () => held.length + few.api.inFlight.waiting === unanswered && held.length === Math.min(3, unanswered),
        );
        for (const res of held.splice(0)) {
          // Nothing in it to name (no tag ids, no field values): the call sends no definitions
          // listing after it, so every call is exactly one request, held or queued.
          json(res, 200, { id: "con_1" });
          answered++;
        }
      }
      const results = await Promise.all(calls);
      expect(results.every((r) => !r.isError)).toBe(true);
    } finally {
      await few.close();
    }
  });
});
