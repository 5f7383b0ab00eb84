// The client under a misbehaving API (loopback only): every walk over pages
// stops at its bounds with a short isError, cancellation stops what a call
// started (shared definition listings included) without leaving later calls
// waiting, the concurrency cap holds per process and is fair per key, and the
// failures nobody planned for leave a trace the model and the log share.

import type { ServerResponse } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clientFromConfig } from "../src/client/config.js";
import {
  ApiStatusError,
  AuthenticationError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PagingLimitError,
  RateLimitError,
} from "../src/client/errors.js";
import type { Clock } from "../src/client/http.js";
import { createConnectionPool } from "../src/client/pool.js";
import { Jobs } from "../src/jobs/index.js";
import { EVERY_TOOL } from "../src/pointers.js";
import { callTool } from "../src/tools/registry.js";
import { type CallContext, defineTool, READ } from "../src/tools/types.js";
import { startHttpServer } from "../src/transports/http/index.js";
import { Workspace } from "../src/workspace/workspace.js";
import { json, type Loopback, type Recorded, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, TEST_KEY, testConfig, textOf } from "./helpers/mcp.js";

let api: Loopback;
let mcp: Connected;
let stderr: string[] = [];
const realWrite = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  api = await startLoopback();
  mcp = await connect(testConfig({ baseUrl: api.baseUrl, maxRetries: 0 }));
});
afterAll(async () => {
  await mcp.close();
  await api.close();
});
beforeEach(() => {
  api.requests.length = 0;
  stderr = [];
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return realWrite(chunk, ...(rest as []));
  }) as typeof process.stderr.write;
});
afterEach(() => {
  process.stderr.write = realWrite;
  expect(stderr.join("")).not.toContain(TEST_KEY);
});

/** A page of `items` that always has a next page: a fresh token of `tokenSize` characters each time. */
function pagesForever(itemsKey: string, item: (n: number) => unknown, perPage: number, tokenSize = 16) {
  let served = 0;
  return (res: ServerResponse) => {
    const page = Array.from({ length: perPage }, () => item(served++));
    json(res, 200, { [itemsKey]: page, nextPageToken: `${"t".repeat(tokenSize)}${served}` });
  };
}

const contact = (n: number) => ({ id: `con_${n}`, name: `Person ${n}`, tagIds: [] });
const tag = (n: number) => ({ id: `tag_${n}`, name: `Tag ${n}` });
const count = (path: string) => api.requests.filter((r) => r.method === "GET" && r.path === path).length;

/** Waits for something the loopback or the client will do (polled; a guard, not a timing). */
async function until(condition: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe("walks over pages stop at their bounds (the issue's replay)", () => {
  it("segment_contacts against an API that pages for ever with 8 KB tokens: 1,000 requests, flat memory, a short isError", async () => {
    const contacts = pagesForever("contacts", contact, 100, 8 * 1024);
    api.respond((req, res) => (req.path === "/contacts" ? contacts(res) : json(res, 200, { tags: [tag(1)] })));
    const heapBefore = process.memoryUsage().heapUsed;
    const result = await mcp.call("segment_contacts", {});
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /^Stopped — listing \/contacts reached its bound of 1,000 pages \(100,000 items read\)/,
    );
    expect(textOf(result)).toMatch(/Narrow the filters/);
    expect(count("/contacts")).toBe(1_000);
    // The issue measured 3.2 GB with such tokens; the walk keeps a hash per token, not the token.
    expect(heapGrowthMb).toBeLessThan(100);
  }, 60_000);

  it("tag_contacts against a /tags that pages for ever lists it 200 times, not 229,284", async () => {
    const tags = pagesForever("tags", tag, 1);
    api.respond((req, res) => (req.path === "/tags" ? tags(res) : json(res, 200, { contacts: [] })));
    const result = await mcp.call("tag_contacts", { tagId: "tag_1", contactIds: ["con_1"], dryRun: true });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^Stopped — listing \/tags reached its bound of 200 pages/);
    expect(count("/tags")).toBe(200);
  });

  it("a walk stops on time too, counted by the client's clock", async () => {
    let now = 0;
    const clock: Clock = { now: () => now, sleep: async () => {} };
    const tags = pagesForever("tags", tag, 1);
    api.respond((_req, res) => {
      now += 61_000; // every page takes a minute
      tags(res);
    });
    const client = clientFromConfig(testConfig({ baseUrl: api.baseUrl }), { clock });
    try {
      const walk = async () => {
        for await (const _ of client.paginate({ method: "GET", path: "/tags" }, "tags"));
      };
      const error = await walk().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(PagingLimitError);
      expect(error).toMatchObject({ limit: "time", pages: 5 });
      expect(count("/tags")).toBe(5);
    } finally {
      await client.close();
    }
  });

  it("and on items, when a caller narrows the bound", async () => {
    const tags = pagesForever("tags", tag, 100);
    api.respond((_req, res) => tags(res));
    const client = clientFromConfig(testConfig({ baseUrl: api.baseUrl }));
    try {
      let seen = 0;
      const walk = async () => {
        for await (const _ of client.paginate({ method: "GET", path: "/tags" }, "tags", { maxItems: 250 })) seen++;
      };
      const error = await walk().catch((err: unknown) => err);
      expect(error).toMatchObject({ limit: "items", pages: 3, items: 300 });
      // Items past the bound are never handed out.
      expect(seen).toBe(200);
    } finally {
      await client.close();
    }
  });
});

describe("cancellation stops what a call started", () => {
  /**
   * /tags pages for ever, each listing a chain of its own: the first request of
   * a listing carries no token, and each token names its chain.
   */
  function chainedTags(): { chainOf(req: Recorded): number } {
    let chains = 0;
    api.respond((req, res) => {
      if (req.path !== "/tags") return void res.writeHead(204).end();
      const token = req.query.get("pageToken");
      const [chain, n] = token ? token.split(".").map(Number) : [++chains, 0];
      json(res, 200, { tags: [tag(n ?? 0)], nextPageToken: `${chain}.${(n ?? 0) + 1}` });
    });
    return {
      chainOf: (req) => {
        const token = req.query.get("pageToken");
        return token ? Number(token.split(".")[0]) : -1;
      },
    };
  }

  it("a cancelled tag_contacts stops its shared listing, and a later add_tag_to_contact completes", async () => {
    const tags = chainedTags();
    const listings = () => api.requests.filter((r) => r.path === "/tags" && !r.query.has("pageToken")).length;
    const controller = new AbortController();
    // A name, not an id: resolving it lists /tags through the shared workspace.
    const cancelled = mcp.client.callTool(
      { name: "tag_contacts", arguments: { tagId: "VIP", contactIds: ["con_1"] } },
      undefined,
      {
        signal: controller.signal,
      },
    );
    await until(() => count("/tags") >= 3, "the listing is under way");
    controller.abort("user pressed stop");
    const atAbort = count("/tags");
    await expect(cancelled).rejects.toThrow();

    const later: CallToolResult = await mcp.call("add_tag_to_contact", { contactId: "con_1", tagId: "VIP" });
    // It listed afresh (and, the API paging for ever, stopped at the bound and left the name to the API).
    expect(later.isError, textOf(later)).toBeFalsy();
    expect(listings()).toBe(2);
    const ofChain = (chain: number) => api.requests.filter((r) => r.path === "/tags" && tags.chainOf(r) === chain);
    // The cancelled listing sent nothing more than what was in flight when it was cancelled.
    expect(ofChain(1).length + 1).toBeLessThanOrEqual(atAbort + 1);
    expect(ofChain(2).length + 1).toBe(200);
    expect(api.requests.at(-1)).toMatchObject({ method: "POST", path: "/contacts/con_1/tags/VIP" });
  });

  it("a listing shared by two callers runs until both are gone; a later caller starts afresh", async () => {
    // Each page waits for the test to let it go.
    const waiting: Array<() => void> = [];
    const closed: number[] = [];
    let served = 0;
    api.respond((req, res) => {
      const page = served++;
      res.on("close", () => {
        if (!res.writableEnded) closed.push(page);
      });
      const finite = req.query.get("finite") === "1";
      waiting.push(() => json(res, 200, { tags: [tag(page)], ...(finite ? {} : { nextPageToken: `p${page}` }) }));
    });
    const client = clientFromConfig(testConfig({ baseUrl: api.baseUrl }));
    const shared = new Workspace(client);
    try {
      const one = new AbortController();
      const two = new AbortController();
      const first = shared.withSignal(one.signal).get("tags");
      const second = shared.withSignal(two.signal).get("tags");
      await until(() => waiting.length === 1, "page 1 asked for");
      expect(api.requests).toHaveLength(1); // joined, not listed twice
      one.abort();
      await expect(first).rejects.toThrow(/cancelled/);
      waiting.shift()?.();
      await until(() => waiting.length === 1, "page 2 asked for: the listing goes on for the second caller");
      two.abort();
      await expect(second).rejects.toThrow(/cancelled/);
      await until(() => closed.length === 1, "page 2's request cut off");
      expect(closed).toEqual([1]);
      waiting.length = 0;
      api.respond((_req, res) => json(res, 200, { tags: [tag(9)] }));
      const later = await shared.get("tags");
      expect(later.items.map((t) => t.id)).toEqual(["tag_9"]);
      expect(api.requests.at(-1)?.query.has("pageToken")).toBe(false);
    } finally {
      await client.close();
    }
  });
});

describe("the concurrency cap: per process, fair per key, queueing not timed", () => {
  /** Answers after `holdMs`, counting requests open at once. */
  function countingApi(holdMs: number): { peak(): number } {
    let open = 0;
    let peak = 0;
    api.respond((_req, res) => {
      open++;
      peak = Math.max(peak, open);
      const answer = (): void => {
        open--;
        json(res, 200, { id: "con_1" });
      };
      setTimeout(answer, holdMs);
    });
    return { peak: () => peak };
  }

  it("2,000 calls from four keys through one pool of 2: never more than 2 at once, one request each, no timeouts", async () => {
    const counting = countingApi(1);
    const pool = createConnectionPool({ maxConcurrency: 2 });
    const clients = Array.from({ length: 4 }, (_, i) =>
      // Queued for far longer than this in total: only time spent sending counts.
      clientFromConfig(testConfig({ baseUrl: api.baseUrl, apiKey: `key-${i}`, timeoutMs: 1_000 }), { pool }),
    );
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 2_000 }, (_, i) => clients[i % 4]?.request({ method: "GET", path: `/contacts/con_${i}` })),
      );
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      expect(api.requests).toHaveLength(2_000);
      expect(counting.peak()).toBeLessThanOrEqual(2);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await pool.close();
    }
  }, 60_000);

  it("one key's bulk job does not starve another key: slots go round-robin between keys", async () => {
    const held: Array<() => void> = [];
    api.respond((_req, res) => {
      held.push(() => json(res, 200, { ok: true }));
    });
    const pool = createConnectionPool({ maxConcurrency: 1 });
    const bulk = clientFromConfig(testConfig({ baseUrl: api.baseUrl, apiKey: "bulk-key" }), { pool });
    const other = clientFromConfig(testConfig({ baseUrl: api.baseUrl, apiKey: "other-key" }), { pool });
    try {
      const calls = Array.from({ length: 20 }, (_, i) => bulk.request({ method: "GET", path: `/bulk/${i}` }));
      await until(() => held.length === 1, "the first bulk request sent");
      calls.push(
        other.request({ method: "GET", path: "/other/1" }),
        other.request({ method: "GET", path: "/other/2" }),
      );
      while (api.requests.length < 22) {
        await until(() => held.length > 0, "a request waiting");
        held.shift()?.();
        await until(() => held.length > 0 || api.requests.length === 22, "the next request sent");
      }
      held.shift()?.();
      await Promise.all(calls);
      const order = api.requests.map((r) => r.path.split("/")[1]);
      // In arrival order the other key is served every second slot, not after all 20 bulk requests.
      expect(order.slice(0, 5)).toEqual(["bulk", "bulk", "other", "bulk", "other"]);
    } finally {
      await bulk.close();
      await other.close();
      await pool.close();
    }
  });

  it("over Streamable HTTP the cap holds for the whole process, across sessions and keys", async () => {
    // Held a while, so the calls of four sessions pile up at the cap.
    const counting = countingApi(20);
    const config = testConfig({
      apiKey: undefined,
      baseUrl: api.baseUrl,
      maxConcurrency: 2,
      http: { host: "127.0.0.1", port: 0, stateless: false },
    });
    const server = await startHttpServer(config);
    const sessions: Client[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const transport = new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: { authorization: `Bearer user-key-${i}` } },
        });
        const client = new Client({ name: "cap", version: "1.0.0" });
        await client.connect(transport);
        sessions.push(client);
      }
      const results = await Promise.all(
        sessions.flatMap((client) =>
          Array.from({ length: 32 }, (_, i) => client.callTool({ name: "get_contact", arguments: { id: `con_${i}` } })),
        ),
      );
      expect(results.every((r) => !r.isError)).toBe(true);
      expect(counting.peak()).toBeLessThanOrEqual(2);
    } finally {
      await Promise.all(sessions.map((c) => c.close()));
      await server.close();
    }
  }, 60_000);
});

describe("failures leave a trace the model can act on", () => {
  it("a lone surrogate in an id is refused clearly, with nothing sent", async () => {
    const result = await mcp.call("get_contact", { id: "con_\uD800" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^Invalid argument — id is not valid text/);
    expect(api.requests).toHaveLength(0);
  });

  it("a 5xx names the API's request id", async () => {
    api.respond((_req, res) => json(res, 502, { status: 502, code: "bad_gateway" }, { "x-request-id": "req_7f3a9c" }));
    const text = textOf(await mcp.call("get_contact", { id: "con_1" }));
    expect(text).toMatch(
      /^502 bad_gateway — Temporary problem at Flownally; retry shortly \(request id req_7f3a9c\)\.$/,
    );
  });

  it("a PATCH cut off by a timeout may have been applied: the text says so and how to check", async () => {
    const quick = await connect(testConfig({ baseUrl: api.baseUrl, timeoutMs: 150, maxRetries: 2 }));
    try {
      api.respond(() => undefined);
      const result = await quick.call("update_contact", { id: "con_1", name: "Anna K." });
      expect(textOf(result)).toMatch(
        /^Timed out — .* may already have been made: check with get_contact before retrying\.$/,
      );
      // Sent once (a PATCH is never retried), whenever the loopback gets to record it.
      await until(() => api.requests.length > 0, "the PATCH recorded");
      expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["PATCH /contacts/con_1"]);
    } finally {
      await quick.close();
    }
  });

  it("a bug inside a tool is logged with its stack under an id the model's text names and the caller's trace, the key redacted", async () => {
    const broken = defineTool({
      name: "broken_tool",
      toolset: "contacts",
      title: "Broken",
      description: "Fails.",
      scopes: [],
      input: {},
      hints: READ,
      run: async () => {
        throw new TypeError(`cannot read properties of undefined (token \\u0074${TEST_KEY.slice(1)})`);
      },
    });
    const trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const ctx: CallContext = {
      client: mcp.api,
      jobs: new Jobs({ client: mcp.api }),
      signal: new AbortController().signal,
      profile: EVERY_TOOL,
      trace,
      progress: async () => {},
      readableFile: async () => {
        throw new Error("no files here");
      },
    };
    const result = (await callTool(broken, {}, ctx, { client: mcp.api, maxResultTokens: 1000 })) as CallToolResult;
    const id = /\(error ([0-9a-f]{8})\)/.exec(textOf(result))?.[1];
    expect(result.isError).toBe(true);
    expect(id).toBeDefined();
    const logged = stderr.join("");
    expect(logged).toContain(
      `broken_tool failed unexpectedly [error ${id}, traceparent ${trace}]: TypeError: cannot read properties`,
    );
    expect(logged).toMatch(/\n\s+at /); // the stack
    expect(logged).toContain("[redacted]");
  });
});

describe("the error factory builds a class per status", () => {
  const none = { get: () => null };
  it.each([
    [401, AuthenticationError],
    [404, NotFoundError],
    [409, ConflictError],
    [429, RateLimitError],
    [503, InternalServerError],
    [418, ApiStatusError],
  ])("%i → %o", (status, Kind) => {
    const error = ApiStatusError.generate(status, none, { problem: { code: "x" } });
    expect(error).toBeInstanceOf(Kind);
    expect(error).toMatchObject({ status, code: "x" });
  });
});
