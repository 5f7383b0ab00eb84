// Streamable HTTP: real SDK clients over loopback HTTP against a recording API
// (and, once, the built binary with its sandbox): who may call, which key each
// caller's API requests carry, what is kept per key and per caller and for how
// long, browser guards, limits, stateless mode, shutdown. (Both protocol eras'
// main jobs over HTTP are in eras.test.ts, replicas in replicas.test.ts.)

import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  type CallToolResult,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import { MAX_SUBSCRIPTIONS } from "../src/resources/index.js";
import { startSandbox } from "../src/sandbox/index.js";
import { DEMO_IDS } from "../src/sandbox/seed.js";
import { type HttpOptions, type HttpServer, resolveAuth, startHttpServer } from "../src/transports/http/index.js";
import { json, type Loopback, startLoopback } from "./helpers/loopback.js";
import { testConfig } from "./helpers/mcp.js";

const KEY_A = "user-a-key-0001";
const KEY_B = "user-b-key-0002";
const SERVER_KEY = "server-side-key-0003";
const MCP_TOKEN = "mcp-token-0004";
const REVOKED_KEY = "revoked-key-0005";

let api: Loopback;
const running: HttpServer[] = [];
const clients: Client[] = [];

/** Answers like the API: /users/me proves a key unless it is REVOKED_KEY; tags list; anything else echoes its id. */
function answerAsApi(): void {
  api.respond((req, res) => {
    if (req.path === "/users/me") {
      if (req.headers.authorization === `Bearer ${REVOKED_KEY}`)
        return json(res, 401, { status: 401, code: "unauthorized" });
      return json(res, 200, { id: "usr_1" });
    }
    json(res, 200, req.path === "/tags" ? { tags: [] } : { id: req.path.split("/").pop() });
  });
}

beforeAll(async () => {
  api = await startLoopback();
  answerAsApi();
});
afterAll(() => api.close());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await Promise.all(running.splice(0).map((s) => s.close()));
  api.requests.length = 0;
  answerAsApi();
});

function httpConfig(overrides: Partial<Config> = {}, stateless = false): Config {
  return testConfig({
    apiKey: undefined,
    baseUrl: api.baseUrl,
    http: { host: "127.0.0.1", port: 0, stateless },
    ...overrides,
  });
}

async function start(config: Config, options: HttpOptions = {}): Promise<HttpServer> {
  const server = await startHttpServer(config, {
    clientOptions: { retry: { baseDelayMs: 5, maxDelayMs: 20 } },
    ...options,
  });
  running.push(server);
  return server;
}

async function connectClient(
  url: string,
  token?: string,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: "http-test", version: "1.0.0" });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A bare HTTP request, so tests can send any Host, Origin or body. */
function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? "POST", headers: init.headers ?? {} }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

const RPC_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };
/** What a raw POST to key A's session sends. */
const sessionHeaders = (sessionId: string | undefined) => ({
  ...RPC_HEADERS,
  authorization: `Bearer ${KEY_A}`,
  "mcp-session-id": sessionId ?? "",
  "mcp-protocol-version": "2025-06-18",
});
const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});

function authOf(path: string): string[] {
  return api.requests.filter((r) => r.path === path).map((r) => String(r.headers.authorization));
}

describe("per-user keys (no server-side key)", () => {
  it("sends each caller's own token as the API key, never another's", async () => {
    const server = await start(httpConfig());
    const [a, b] = await Promise.all([connectClient(server.url, KEY_A), connectClient(server.url, KEY_B)]);
    await Promise.all([
      ...Array.from({ length: 3 }, () => a.client.callTool({ name: "get_contact", arguments: { id: "con_alice" } })),
      ...Array.from({ length: 3 }, () => b.client.callTool({ name: "get_contact", arguments: { id: "con_bob" } })),
    ]);
    expect(authOf("/contacts/con_alice")).toEqual(Array(3).fill(`Bearer ${KEY_A}`));
    expect(authOf("/contacts/con_bob")).toEqual(Array(3).fill(`Bearer ${KEY_B}`));
    expect(server.sessionCount()).toBe(2);
  });

  it("answers 401 with a Bearer challenge when no token is sent", async () => {
    const server = await start(httpConfig());
    const res = await raw(server.url, { headers: RPC_HEADERS, body: INITIALIZE });
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="flownally-mcp"');
    await expect(connectClient(server.url)).rejects.toThrow();
  });

  it("refuses a session used with another caller's token, as if it did not exist", async () => {
    const server = await start(httpConfig());
    const a = await connectClient(server.url, KEY_A);
    const sessionId = a.transport.sessionId ?? "";
    expect(sessionId).not.toBe("");
    const list = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    const headers = { ...RPC_HEADERS, "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" };
    const stolen = await raw(server.url, { headers: { ...headers, authorization: `Bearer ${KEY_B}` }, body: list });
    expect(stolen.status).toBe(404);
    const own = await raw(server.url, { headers: { ...headers, authorization: `Bearer ${KEY_A}` }, body: list });
    expect(own.status).toBe(200);
    expect(own.body).toContain("get_contact");
  });

  it("closes a session on DELETE and after idle expiry, and bounds the sessions one caller holds", async () => {
    let now = 0;
    const server = await start(httpConfig(), { sessionIdleMs: 1_000, maxSessionsPerCaller: 2, now: () => now });
    const a = await connectClient(server.url, KEY_A);
    await a.transport.terminateSession();
    expect(server.sessionCount()).toBe(0);
    // A third session of the same caller makes room by closing its oldest idle one, not by refusing.
    const first = await connectClient(server.url, KEY_A);
    await connectClient(server.url, KEY_A);
    await connectClient(server.url, KEY_A);
    expect(server.sessionCount()).toBe(2);
    const list = JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" });
    const headers = { ...RPC_HEADERS, authorization: `Bearer ${KEY_A}`, "mcp-protocol-version": "2025-06-18" };
    const gone = await raw(server.url, {
      headers: { ...headers, "mcp-session-id": first.transport.sessionId ?? "" },
      body: list,
    });
    expect(gone.status).toBe(404);
    // Idle past the limit: the sweep closes them; the clients start anew on the 404.
    now += 2_000;
    server.sweep();
    expect(server.sessionCount()).toBe(0);
  });

  it("refuses a key Flownally refuses, remembers the verdict, and keeps nothing for it", async () => {
    const server = await start(httpConfig());
    for (let i = 0; i < 3; i++) {
      const res = await raw(server.url, {
        headers: { ...RPC_HEADERS, authorization: `Bearer ${REVOKED_KEY}` },
        body: INITIALIZE,
      });
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toContain('error="invalid_token"');
    }
    expect(authOf("/users/me")).toEqual([`Bearer ${REVOKED_KEY}`]);
    expect(server.sessionCount()).toBe(0);
    expect(server.tenantCount()).toBe(0);
  });

  it("lets made-up tokens cost one API request each and never lock out a real caller", async () => {
    const server = await start(httpConfig(), { maxSessions: 5 });
    api.respond((req, res) =>
      req.path === "/users/me" && req.headers.authorization !== `Bearer ${KEY_A}`
        ? json(res, 401, { status: 401 })
        : json(res, 200, { id: "usr_1" }),
    );
    const made = Array.from({ length: 50 }, (_, i) => `made-up-${i}`);
    const answers = await Promise.all(
      made.map((t) => raw(server.url, { headers: { ...RPC_HEADERS, authorization: `Bearer ${t}` }, body: INITIALIZE })),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([401]));
    expect(server.sessionCount()).toBe(0);
    expect(server.tenantCount()).toBe(0);
    await connectClient(server.url, KEY_A);
    expect(server.sessionCount()).toBe(1);
  });

  it("answers 503, not 401, when Flownally cannot be asked about a key", async () => {
    const server = await start(httpConfig());
    api.respond((_req, res) => json(res, 502, { status: 502 }));
    const res = await raw(server.url, {
      headers: { ...RPC_HEADERS, authorization: `Bearer ${KEY_B}` },
      body: INITIALIZE,
    });
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBeDefined();
    expect(server.tenantCount()).toBe(0);
  });

  it("keeps one API client and cache per key, shared by that key's sessions", async () => {
    const server = await start(httpConfig());
    await connectClient(server.url, KEY_A);
    await connectClient(server.url, KEY_A);
    await connectClient(server.url, KEY_B);
    expect(server.sessionCount()).toBe(3);
    expect(server.tenantCount()).toBe(2);
  });

  it("refuses a resources/subscribe past the per-session cap", async () => {
    const server = await start(httpConfig());
    const { client } = await connectClient(server.url, KEY_A);
    for (let i = 0; i < MAX_SUBSCRIPTIONS; i++)
      await client.subscribeResource({ uri: `flownally://contacts/con_${i}` });
    await expect(client.subscribeResource({ uri: "flownally://contacts/one-too-many" })).rejects.toThrow(
      /At most 256 subscriptions/,
    );
  }, 30_000);
});

describe("server-side key with an MCP token", () => {
  const config = (): Config => httpConfig({ apiKey: SERVER_KEY });

  it("refuses to start without FLOWNALLY_MCP_TOKEN", () => {
    expect(() => resolveAuth(config(), undefined)).toThrow(/FLOWNALLY_MCP_TOKEN/);
    expect(resolveAuth({ ...config(), sandbox: true }, undefined).kind).toBe("open");
    expect(() =>
      resolveAuth({ ...config(), sandbox: true, http: { host: "0.0.0.0", port: 0, stateless: false } }, undefined),
    ).toThrow(/FLOWNALLY_MCP_TOKEN/);
  });

  it("answers a wrong token with 401 and calls the API with the server key for the right one", async () => {
    const server = await start(config(), { mcpToken: MCP_TOKEN });
    const wrong = await raw(server.url, {
      headers: { ...RPC_HEADERS, authorization: "Bearer nope" },
      body: INITIALIZE,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers["www-authenticate"]).toContain('error="invalid_token"');
    const { client } = await connectClient(server.url, MCP_TOKEN);
    await client.callTool({ name: "get_contact", arguments: { id: "con_carol" } });
    expect(authOf("/contacts/con_carol")).toEqual([`Bearer ${SERVER_KEY}`]);
  });
});

describe("browser and size guards", () => {
  it("refuses a foreign Origin and a foreign Host with 403, accepts localhost ones", async () => {
    const server = await start(httpConfig());
    const auth = { ...RPC_HEADERS, authorization: `Bearer ${KEY_A}` };
    const origin = await raw(server.url, {
      headers: { ...auth, origin: "https://evil.example.com" },
      body: INITIALIZE,
    });
    expect(origin.status).toBe(403);
    const host = await raw(server.url, { headers: { ...auth, host: "evil.example.com" }, body: INITIALIZE });
    expect(host.status).toBe(403);
    const local = await raw(server.url, {
      headers: { ...auth, host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` },
      body: INITIALIZE,
    });
    expect(local.status).toBe(200);
  });

  it("accepts hosts and origins listed for a deployment", async () => {
    const server = await start(httpConfig(), {
      allowedHosts: ["mcp.example.com"],
      allowedOrigins: ["https://app.example.com"],
    });
    const res = await raw(server.url, {
      headers: {
        ...RPC_HEADERS,
        authorization: `Bearer ${KEY_A}`,
        host: "mcp.example.com",
        origin: "https://app.example.com",
      },
      body: INITIALIZE,
    });
    expect(res.status).toBe(200);
  });

  it("answers /healthz without a token", async () => {
    const server = await start(httpConfig());
    const res = await raw(server.url.replace(/\/mcp$/, "/healthz"), { method: "GET" });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: "ok" });
  });

  it("answers a body over the limit with 413", async () => {
    const server = await start(httpConfig(), { maxBodyBytes: 64 * 1024 });
    const big = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(100 * 1024) } });
    const res = await raw(server.url, { headers: { ...RPC_HEADERS, authorization: `Bearer ${KEY_A}` }, body: big });
    expect(res.status).toBe(413);
  });
});

describe("files over HTTP", () => {
  it("reads no server file for a remote caller, whatever roots its client offers", async () => {
    const server = await start(httpConfig());
    const transport = new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${KEY_A}` } },
    });
    const client = new Client({ name: "roots", version: "1.0.0" }, { capabilities: { roots: {} } });
    client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: "file:///" }] }));
    await client.connect(transport);
    clients.push(client);
    const result = (await client.callTool({
      name: "import_contacts",
      arguments: { filePath: "/etc/hostname" },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("FLOWNALLY_FILE_ROOTS");
    expect(api.requests.filter((r) => r.path.includes("import"))).toEqual([]);
  });
});

describe("capabilities over HTTP", () => {
  it("takes logging/setLevel per session and logs a failed call to its own session at that level", async () => {
    api.respond((req, res) =>
      req.path === "/users/me" ? json(res, 200, { id: "usr_1" }) : json(res, 404, { status: 404, code: "not_found" }),
    );
    const server = await start(httpConfig());
    const a = await connectClient(server.url, KEY_A);
    const b = await connectClient(server.url, KEY_B);
    const seen: { a: string[]; b: string[] } = { a: [], b: [] };
    a.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void seen.a.push(String(n.params.data)));
    b.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void seen.b.push(String(n.params.data)));
    await a.client.setLoggingLevel("error");
    await b.client.setLoggingLevel("warning");
    await a.client.callTool({ name: "get_contact", arguments: { id: "con_a" } });
    await b.client.callTool({ name: "get_contact", arguments: { id: "con_b" } });
    await expect.poll(() => seen.b.join("\n")).toMatch(/get_contact failed: 404/);
    expect(seen.b.join("\n")).not.toContain("con_a");
    expect(seen.a).toEqual([]);
  });
});

/** The API answers every path at once but GET /contacts/con_slow, held until the returned function is called. */
function holdSlowContact(): () => void {
  let release = (): void => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  api.respond(async (req, res) => {
    if (req.path === "/contacts/con_slow") await held;
    json(res, 200, req.path === "/users/me" ? { id: "usr_1" } : { id: req.path.split("/").pop() });
  });
  return () => release();
}

describe("shutdown", () => {
  it("lets a call in flight finish, then closes every session and refuses new requests", async () => {
    const release = holdSlowContact();
    const server = await startHttpServer(httpConfig(), { shutdownGraceMs: 5_000 });
    const { client } = await connectClient(server.url, KEY_A);
    const call = client.callTool({ name: "get_contact", arguments: { id: "con_slow" } });
    await expect.poll(() => authOf("/contacts/con_slow").length).toBe(1);
    const closed = server.close();
    const health = await raw(server.url.replace(/\/mcp$/, "/healthz"), { method: "GET" });
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toEqual({ status: "stopping" });
    release();
    const result = (await call) as CallToolResult;
    expect(result.isError).toBeFalsy();
    await closed;
    expect(server.sessionCount()).toBe(0);
    await expect(raw(server.url, { headers: RPC_HEADERS, body: INITIALIZE })).rejects.toThrow();
  });
});

describe("notifications reach the right session (sandbox)", () => {
  it("sends progress to the caller, and resources/updated to every subscribed session of the same key only", async () => {
    const sandbox = await startSandbox();
    try {
      const server = await start(httpConfig({ baseUrl: sandbox.baseUrl }));
      const a = await connectClient(server.url, sandbox.apiKey);
      const b = await connectClient(server.url, sandbox.apiKey);
      const other = await connectClient(server.url, "sandbox-admin");
      const updated: { a: string[]; b: string[]; other: string[] } = { a: [], b: [], other: [] };
      for (const [name, c] of [
        ["a", a],
        ["b", b],
        ["other", other],
      ] as const) {
        c.client.setNotificationHandler(
          ResourceUpdatedNotificationSchema,
          (n) => void updated[name].push(n.params.uri),
        );
        await c.client.subscribeResource({ uri: "flownally://tags" });
        await c.client.readResource({ uri: "flownally://tags" });
      }

      const created = (await a.client.callTool({
        name: "create_tag",
        arguments: { name: "HTTP test" },
      })) as CallToolResult;
      expect(created.isError).toBeFalsy();
      await expect.poll(() => updated.a).toContain("flownally://tags");
      // The same key's other session shares the workspace: its view changed too.
      await expect.poll(() => updated.b).toContain("flownally://tags");

      const contactIds = [...sandbox.store.contacts.keys()].slice(0, 5);
      const tagId = String((created.structuredContent as { id?: unknown } | undefined)?.id);
      const progress: number[] = [];
      const tagged = (await a.client.callTool({ name: "tag_contacts", arguments: { tagId, contactIds } }, undefined, {
        onprogress: (p) => void progress.push(p.progress),
      })) as CallToolResult;
      expect(tagged.isError).toBeFalsy();
      expect(progress.length).toBeGreaterThan(0);
      // Another key is another tenant: it hears nothing of this one's changes.
      expect(updated.other).toEqual([]);
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
      await sandbox.close();
    }
  });
});

describe("answers of a 2025-era session: JSON, or SSE when something comes before the result", () => {
  /** A fetch for an SDK client's transport that notes, per POST, the tool or method and the content type answering it. */
  function recordingFetch() {
    const answered: { what: string; contentType: string }[] = [];
    const recording = async (url: string | URL, init?: RequestInit): Promise<Response> => {
      const response = await fetch(url, init);
      if (init?.method === "POST" && typeof init.body === "string") {
        const body = JSON.parse(init.body) as { method?: string; params?: { name?: string } };
        const what = body.method === "tools/call" ? (body.params?.name ?? "") : (body.method ?? "(an answer)");
        answered.push({ what, contentType: response.headers.get("content-type") ?? "" });
      }
      return response;
    };
    return { answered, fetch: recording };
  }

  async function sandboxClient(
    config: Partial<Config>,
    onElicit?: (message: string) => void,
  ): Promise<{ client: Client; answered: { what: string; contentType: string }[]; stop: () => Promise<void> }> {
    const sandbox = await startSandbox();
    const server = await start(httpConfig({ baseUrl: sandbox.baseUrl, ...config }));
    const { answered, fetch: recording } = recordingFetch();
    const transport = new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${sandbox.apiKey}` } },
      fetch: recording,
    });
    const client = new Client(
      { name: "http-answers", version: "1.0.0" },
      onElicit && { capabilities: { elicitation: {} } },
    );
    if (onElicit) {
      client.setRequestHandler(ElicitRequestSchema, (req) => {
        onElicit(req.params.message);
        return { action: "accept", content: {} };
      });
    }
    await client.connect(transport);
    return {
      client,
      answered,
      stop: async () => {
        await client.close();
        await sandbox.close();
      },
    };
  }

  it("answers a plain call with one JSON body and refuses a batch (raw HTTP)", async () => {
    const server = await start(httpConfig());
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(server.url, {
        method: "POST",
        headers: { ...RPC_HEADERS, authorization: `Bearer ${KEY_A}`, ...headers },
        body: JSON.stringify(body),
      });
    const opened = await post(JSON.parse(INITIALIZE));
    expect(opened.headers.get("content-type")).toBe("application/json");
    expect(await opened.json()).toMatchObject({ id: 1, result: { protocolVersion: "2025-06-18" } });
    const session = {
      "mcp-session-id": opened.headers.get("mcp-session-id") ?? "",
      "mcp-protocol-version": "2025-06-18",
    };
    expect((await post({ jsonrpc: "2.0", method: "notifications/initialized" }, session)).status).toBe(202);
    const call = await post(
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "get_contact", arguments: { id: "con_x" } } },
      session,
    );
    expect(call.status).toBe(200);
    expect(call.headers.get("content-type")).toBe("application/json");
    expect(call.headers.get("mcp-session-id")).toBe(session["mcp-session-id"]);
    const answer = (await call.json()) as { id: number; result: CallToolResult };
    expect(answer.id).toBe(2);
    expect(answer.result.isError).toBeFalsy();
    expect(authOf("/contacts/con_x")).toEqual([`Bearer ${KEY_A}`]);
    // The 2025-06-18 revision and later carry one message per POST.
    const batch = await post([{ jsonrpc: "2.0", id: 3, method: "ping" }], session);
    expect(batch.status).toBe(400);
    expect(await batch.json()).toMatchObject({ error: { code: -32600 } });
    const unknown = await post(
      { jsonrpc: "2.0", id: 4, method: "ping" },
      { ...session, "mcp-protocol-version": "1999-01-01" },
    );
    expect(unknown.status).toBe(400);
  });

  it("streams a call's progress before its result, and answers plain calls with JSON (SDK client)", async () => {
    const { client, answered, stop } = await sandboxClient({});
    try {
      const created = (await client.callTool({
        name: "create_tag",
        arguments: { name: "Streamed" },
      })) as CallToolResult;
      const tagId = String((created.structuredContent as { id?: unknown } | undefined)?.id);
      const heard: string[] = [];
      const tagged = (await client.callTool(
        { name: "tag_contacts", arguments: { tagId, contactIds: [DEMO_IDS.anna, "con_missing_1", "con_missing_2"] } },
        undefined,
        { onprogress: (p) => void heard.push(`progress ${p.progress}`) },
      )) as CallToolResult;
      heard.push("result");
      expect(tagged.isError).toBeFalsy();
      // Progress after the result would be dropped by the client: all of it came first.
      expect(heard.length).toBeGreaterThan(1);
      expect(heard.at(-1)).toBe("result");
      expect(answered.filter((a) => a.what === "tag_contacts").map((a) => a.contentType)).toEqual([
        "text/event-stream",
      ]);
      for (const what of ["initialize", "create_tag"]) {
        expect(answered.find((a) => a.what === what)?.contentType).toBe("application/json");
      }
    } finally {
      await stop();
    }
  });

  it("asks the client during a call (elicitation) on that call's stream, and acts on the yes", async () => {
    const asked: string[] = [];
    const { client, answered, stop } = await sandboxClient(
      { confirm: { mode: "auto", bulkThreshold: 25 } },
      (message) => void asked.push(message),
    );
    try {
      const deleted = (await client.callTool({
        name: "delete_contact",
        arguments: { id: DEMO_IDS.anna },
      })) as CallToolResult;
      expect(deleted.isError, JSON.stringify(deleted.content)).toBeFalsy();
      expect(asked).toEqual([`Delete contact (id ${DEMO_IDS.anna}). This is hard to undo.`]);
      expect(answered.find((a) => a.what === "delete_contact")?.contentType).toBe("text/event-stream");
      // The client's answer to the question is a POST of its own, accepted with nothing to send back.
      expect(answered.find((a) => a.what === "(an answer)")?.contentType).toBe("");
    } finally {
      await stop();
    }
  });

  it("turns a call that outlasts a keep-alive tick into a stream kept alive, and ends it with the result", async () => {
    const release = holdSlowContact();
    const server = await start(httpConfig(), { keepAliveMs: 20 });
    const { transport } = await connectClient(server.url, KEY_A);
    const headers = sessionHeaders(transport.sessionId);
    let received = "";
    const answered = new Promise<{ contentType: string; ended: Promise<void> }>((resolve, reject) => {
      const call = httpRequest(server.url, { method: "POST", headers }, (res) => {
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          received += chunk;
        });
        const ended = new Promise<void>((done) => res.on("end", () => done()));
        resolve({ contentType: String(res.headers["content-type"]), ended });
      });
      call.on("error", reject);
      call.end(
        JSON.stringify({
          jsonrpc: "2.0",
          id: 8,
          method: "tools/call",
          params: { name: "get_contact", arguments: { id: "con_slow" } },
        }),
      );
    });
    const { contentType, ended } = await answered;
    expect(contentType).toBe("text/event-stream");
    await expect.poll(() => received).toContain(": keepalive\n\n");
    release();
    await ended;
    expect(received).toMatch(/event: message\ndata: \{.*"id":8\}\n\n$/);
  });

  it("cancels a call whose client goes away before the answer", async () => {
    let abandoned = false;
    api.respond((req, res) => {
      if (req.path === "/users/me") return json(res, 200, { id: "usr_1" });
      // Held until the server gives up on it.
      res.once("close", () => {
        abandoned = true;
      });
    });
    const server = await start(httpConfig());
    const { transport } = await connectClient(server.url, KEY_A);
    const headers = sessionHeaders(transport.sessionId);
    const call = httpRequest(server.url, { method: "POST", headers });
    call.on("error", () => undefined);
    call.end(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "get_contact", arguments: { id: "con_held" } },
      }),
    );
    await expect.poll(() => authOf("/contacts/con_held").length).toBe(1);
    call.destroy();
    await expect.poll(() => abandoned).toBe(true);
  });
});

describe("2026-era requests, one exchange each", () => {
  const ENVELOPE = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
    "io.modelcontextprotocol/clientCapabilities": {},
  };

  function getContact(id: string): { headers: Record<string, string>; body: string } {
    return {
      headers: {
        ...RPC_HEADERS,
        authorization: `Bearer ${KEY_A}`,
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/call",
        "mcp-name": "get_contact",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "get_contact", arguments: { id }, _meta: ENVELOPE },
      }),
    };
  }

  it("answers a call, and cancels one whose client goes away before the answer", async () => {
    let abandoned = false;
    api.respond((req, res) => {
      if (req.path === "/users/me") return json(res, 200, { id: "usr_1" });
      if (req.path === "/contacts/con_quick") return json(res, 200, { id: "con_quick", name: "Quick" });
      // Held until the server gives up on it.
      res.once("close", () => {
        abandoned = true;
      });
    });
    const server = await start(httpConfig());
    const answered = await raw(server.url, getContact("con_quick"));
    expect(answered.status).toBe(200);
    expect(answered.body).toContain("Quick");
    const held = getContact("con_held");
    const call = httpRequest(server.url, { method: "POST", headers: held.headers });
    call.on("error", () => undefined);
    call.end(held.body);
    await expect.poll(() => authOf("/contacts/con_held").length).toBe(1);
    call.destroy();
    await expect.poll(() => abandoned).toBe(true);
  });
});

describe("stateless mode", () => {
  it("serves tools/list and a call with no session, and keeps nothing afterwards", async () => {
    const server = await start(httpConfig({}, true));
    const { client, transport } = await connectClient(server.url, KEY_A);
    expect(transport.sessionId).toBeUndefined();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("list_tags");
    const result = (await client.callTool({ name: "get_contact", arguments: { id: "con_dave" } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(authOf("/contacts/con_dave")).toEqual([`Bearer ${KEY_A}`]);
    expect(server.sessionCount()).toBe(0);
    expect(server.tenantCount()).toBe(1);
    const stream = await raw(server.url, {
      method: "GET",
      headers: { authorization: `Bearer ${KEY_A}`, accept: "text/event-stream" },
    });
    expect(stream.status).toBe(405);
  });
});

describe("the built binary", () => {
  function spawnCli(args: string[], env: Record<string, string>) {
    const child = spawn(process.execPath, ["dist/cli.js", ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { child, exited, stderr: () => stderr };
  }

  it("serves the sandbox over HTTP and exits 0 on SIGTERM", async () => {
    const cli = spawnCli(["--sandbox", "--http", "--port", "0"], {});
    await expect.poll(() => /listening on (\S+\/mcp)/.exec(cli.stderr())?.[1], { timeout: 10_000 }).toBeTruthy();
    const url = /listening on (\S+\/mcp)/.exec(cli.stderr())?.[1] ?? "";
    const { client } = await connectClient(url);
    const result = (await client.callTool({ name: "list_tags", arguments: {} })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toContain("tags");
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  }, 20_000);

  it("exits 2 when FLOWNALLY_API_KEY is set but FLOWNALLY_MCP_TOKEN is not", async () => {
    const cli = spawnCli(["--http", "--port", "0"], { FLOWNALLY_API_KEY: SERVER_KEY });
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain("FLOWNALLY_MCP_TOKEN");
    expect(cli.stderr()).not.toContain(SERVER_KEY);
  });
});
