// Streamable HTTP at /mcp for many callers on one process or many replicas.
// 2026-era requests are served per request (createMcpHandler): any replica can
// answer any of them. 2025-era clients get sessions on this process, or, with
// --stateless, per-request serving like the 2026 era (README says what they
// lose). This file is the front door: health, Host/Origin, auth, body limit,
// routing; tenants.ts keeps what is per key, sessions.ts the 2025 sessions,
// session-transport.ts carries their messages on node:http.

// First: zod settings must hold before the SDK defines its schemas.
import "../../zod-config.js";
import { createServer as createNodeServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  classifyInboundRequest,
  type InboundHttpRequest,
  type InboundLegacyRoute,
  isInitializeRequest,
  type JSONRPCMessage,
  type McpServer,
} from "@modelcontextprotocol/server";
import { clientFromConfig } from "../../client/config.js";
import type { ClientOptions, FlownallyClient } from "../../client/http.js";
import { createConnectionPool } from "../../client/pool.js";
import { type Config, ConfigError } from "../../config.js";
import { stopJobs } from "../../jobs/store.js";
import { flushJournals } from "../../journal/journal.js";
import { addSecret, log } from "../../log.js";
import {
  type AllowList,
  type Auth,
  allowList,
  authenticate,
  type Caller,
  hostAllowed,
  INVALID_TOKEN,
  originAllowed,
  resolveAuth,
} from "./auth.js";
import { Sessions } from "./sessions.js";
import { KeyVerdicts, type Tenant, Tenants } from "./tenants.js";
import { sendWebResponse, toWebRequest } from "./web.js";
import { header, sendJson, sendRpcError } from "./wire.js";

export { type Auth, resolveAuth } from "./auth.js";

const MCP_PATH = "/mcp";
const HEALTH_PATH = "/healthz";

export interface HttpOptions {
  /** What clients must present when the server acts with its own key (FLOWNALLY_MCP_TOKEN). */
  mcpToken?: string | undefined;
  /** Extra Host values to accept (FLOWNALLY_ALLOWED_HOSTS); `name` matches any port, `name:port` one. */
  allowedHosts?: readonly string[] | undefined;
  /** Extra Origin values to accept (FLOWNALLY_ALLOWED_ORIGINS), e.g. https://app.example.com. */
  allowedOrigins?: readonly string[] | undefined;
  /** Largest POST body read; larger ones get 413 (default 4 MiB). */
  maxBodyBytes?: number;
  /** A session with no request for this long is closed (default 30 min). */
  sessionIdleMs?: number;
  /** Sessions open at once; an initialize beyond it gets 503 (default 1000). */
  maxSessions?: number;
  /** Sessions one caller may hold at once (default 16); its oldest idle one makes room. */
  maxSessionsPerCaller?: number;
  /** How often a session's open SSE streams get a comment, and how long a call waits before it becomes one (default 15 s). */
  keepAliveMs?: number;
  /** How long shutdown waits for calls in flight (default 10 s). */
  shutdownGraceMs?: number;
  /** The clock sessions age by (tests move it instead of waiting). */
  now?: () => number;
  /** Overrides for every API client (tests shorten retries). */
  clientOptions?: Partial<ClientOptions>;
}

export interface HttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:3000/mcp */
  url: string;
  port: number;
  auth: Auth["kind"];
  sessionCount(): number;
  /** API keys with state kept for them (a client, a cache), for tests and diagnostics. */
  tenantCount(): number;
  /** The McpServer serving a 2025-era session (to send it log messages or notifications). */
  sessionServer(sessionId: string): McpServer | undefined;
  /** Closes the sessions idle past the limit now (a timer does this on its own). */
  sweep(): void;
  /** Stops taking calls, lets those in flight finish (bounded), closes everything. */
  close(): Promise<void>;
}

/** Reads the HTTP settings that live only in the environment. */
export function httpOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): HttpOptions {
  const list = (value: string | undefined): string[] | undefined =>
    value
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const int = (name: string, min: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === "") return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer of at least ${min}`);
    return n;
  };
  const options: HttpOptions = {
    mcpToken: env.FLOWNALLY_MCP_TOKEN || undefined,
    allowedHosts: list(env.FLOWNALLY_ALLOWED_HOSTS),
    allowedOrigins: list(env.FLOWNALLY_ALLOWED_ORIGINS),
  };
  const idle = int("FLOWNALLY_SESSION_IDLE_MS", 1_000);
  const max = int("FLOWNALLY_MAX_SESSIONS", 1);
  if (idle !== undefined) options.sessionIdleMs = idle;
  if (max !== undefined) options.maxSessions = max;
  return options;
}

// ---- Requests ----

type Body = { ok: true; value: unknown } | { ok: false; status: number; code: number; message: string };

async function readJsonBody(req: IncomingMessage, limit: number): Promise<Body> {
  const tooLarge: Body = { ok: false, status: 413, code: -32000, message: `Request body over ${limit} bytes.` };
  if (Number(req.headers["content-length"] ?? 0) > limit) return tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > limit) return tooLarge;
      chunks.push(buf);
    }
  } catch {
    // The caller went away mid-body: nothing to answer, nothing worth a log line each time.
    return { ok: false, status: 400, code: -32000, message: "The request body ended early." };
  }
  const raw = Buffer.concat(chunks);
  try {
    return { ok: true, value: JSON.parse(raw.toString("utf8")) };
  } catch {
    return { ok: false, status: 400, code: -32700, message: "Parse error: the body is not JSON." };
  }
}

/** What the SDK's era classification reads of a request, from node's headers: no web Request, no second parse. */
function inboundOf(req: IncomingMessage, body: unknown): InboundHttpRequest {
  const inbound: InboundHttpRequest = { httpMethod: req.method ?? "GET", body };
  const version = header(req, "mcp-protocol-version");
  const method = header(req, "mcp-method");
  const name = header(req, "mcp-name");
  if (version !== undefined) inbound.protocolVersionHeader = version;
  if (method !== undefined) inbound.mcpMethodHeader = method;
  if (name !== undefined) inbound.mcpNameHeader = name;
  return inbound;
}

// ---- The server ----

export async function startHttpServer(config: Config, options: HttpOptions = {}): Promise<HttpServer> {
  const http = config.http ?? { host: "127.0.0.1", port: 3000, stateless: false };
  const auth = resolveAuth(config, options.mcpToken);
  if (options.mcpToken) addSecret(options.mcpToken);
  addSecret(config.apiKey);
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const maxSessions = options.maxSessions ?? 1000;

  // One pool for every caller: sockets carry no identity, and FLOWNALLY_MAX_CONCURRENCY holds per process.
  const pool = createConnectionPool({ maxConcurrency: config.maxConcurrency });
  const newClient = (apiKey: string, overrides: Partial<ClientOptions> = {}): FlownallyClient =>
    clientFromConfig(config, { apiKey, pool, ...options.clientOptions, ...overrides });
  const verdicts = new KeyVerdicts(newClient);
  const tenants = new Tenants({ config, newClient, stateless: http.stateless, max: maxSessions });
  const sessions = new Sessions(
    config,
    {
      idleMs: options.sessionIdleMs ?? 30 * 60_000,
      max: maxSessions,
      perCaller: options.maxSessionsPerCaller ?? 16,
      keepAliveMs: options.keepAliveMs,
    },
    (session) => tenants.release(session.tenant),
    options.now,
  );
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;
  let allow: AllowList = allowList(http.host, http.port, options);

  /** Counts a request against the shutdown drain until its response is done. */
  const track = (res: ServerResponse): void => {
    inFlight++;
    res.once("close", () => {
      if (--inFlight === 0) drained?.();
    });
  };

  /** The tenant for a caller, once a per-user key has proven itself; or the refusal already sent. */
  const tenantFor = async (caller: Caller, res: ServerResponse): Promise<Tenant | undefined> => {
    if (caller.unproven) {
      const verdict = await verdicts.check(caller.identity, caller.apiKey);
      if (verdict === "invalid") {
        sendRpcError(res, 401, -32000, "Unauthorized. Flownally does not accept this key.", {
          "www-authenticate": INVALID_TOKEN,
        });
        return undefined;
      }
      if (verdict !== "valid") {
        sendRpcError(res, 503, -32000, "Could not check the key with Flownally just now; retry shortly.", {
          "retry-after": "2",
        });
        return undefined;
      }
    }
    const tenant = tenants.acquire(caller.identity, caller.apiKey);
    if (!tenant) sendRpcError(res, 503, -32000, "Too many callers at once; try again shortly.", { "retry-after": "5" });
    return tenant;
  };

  const serveLegacySession = async (
    req: IncomingMessage,
    res: ServerResponse,
    caller: Caller,
    route: InboundLegacyRoute,
    body: unknown,
  ): Promise<void> => {
    // 2025-06-18 dropped JSON-RPC batches; the SDK's own modern endpoint refuses them alike.
    if (route.reason === "batch") {
      return sendRpcError(
        res,
        400,
        -32600,
        "Bad Request: JSON-RPC batches are not supported; send one message per POST.",
      );
    }
    // The classification validated a POST's body as one JSON-RPC message.
    const message = body as JSONRPCMessage;
    const sessionId = header(req, "mcp-session-id");
    if (sessionId !== undefined) {
      const session = sessions.find(sessionId, caller.identity);
      if (!session) return sendRpcError(res, 404, -32001, "Session not found; start a new one with initialize.");
      if (req.method !== "POST") return session.transport.handle(req, res);
      // A GET stream only listens: a session whose client calls nothing for the idle time expires even with one open.
      sessions.track(session, res);
      return session.transport.post(req, res, message);
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      return sendRpcError(res, 400, -32000, "Bad Request: no Mcp-Session-Id header; start a session with initialize.");
    }
    const tenant = await tenantFor(caller, res);
    if (!tenant) return;
    const session = sessions.open(caller.identity, tenant);
    if (!session) {
      tenants.release(tenant);
      return sendRpcError(res, 503, -32000, "Too many open sessions; try again shortly.", { "retry-after": "30" });
    }
    sessions.track(session, res);
    await session.server.connect(session.transport);
    session.transport.post(req, res, message);
    if (!session.transport.initialized) await sessions.close(session);
  };

  const serveMcp = async (req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> => {
    let parsed: unknown;
    if (req.method === "POST") {
      const body = await readJsonBody(req, maxBody);
      if (!body.ok) return sendRpcError(res, body.status, body.code, body.message, { connection: "close" });
      parsed = body.value;
    }
    if (!http.stateless) {
      const route = classifyInboundRequest(inboundOf(req, parsed));
      if (route.kind === "legacy") return serveLegacySession(req, res, caller, route, parsed);
    }
    // The exchange ends when the caller goes away: for a 2026-era call that is its cancellation. A
    // response written to its end needs none (an abort costs an error and a round of listeners).
    const gone = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) gone.abort();
    });
    const url = `http://${req.headers.host ?? "localhost"}${req.url ?? MCP_PATH}`;
    const request = toWebRequest(req, url, gone.signal);
    const tenant = await tenantFor(caller, res);
    if (!tenant) return;
    try {
      const response = await tenant.handler.fetch(request, {
        parsedBody: parsed,
        authInfo: { token: caller.apiKey, clientId: "flownally", scopes: [] },
      });
      await sendWebResponse(res, response);
    } finally {
      tenants.release(tenant);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === HEALTH_PATH) {
      if (req.method !== "GET" && req.method !== "HEAD")
        return sendJson(res, 405, { error: "GET only" }, { allow: "GET" });
      return sendJson(res, draining ? 503 : 200, { status: draining ? "stopping" : "ok" });
    }
    if (path !== MCP_PATH) return sendJson(res, 404, { error: `Not found; the MCP endpoint is ${MCP_PATH}.` });
    if (draining) return sendRpcError(res, 503, -32000, "Server is shutting down.", { connection: "close" });
    if (!hostAllowed(req.headers.host, allow)) return sendRpcError(res, 403, -32000, "Forbidden: Host not allowed.");
    if (!originAllowed(req.headers.origin, allow)) {
      return sendRpcError(res, 403, -32000, "Forbidden: Origin not allowed.");
    }
    const caller = authenticate(auth, req.headers.authorization);
    if (!caller.ok) {
      return sendRpcError(res, 401, -32000, `Unauthorized. ${caller.message}`, {
        "www-authenticate": caller.challenge,
      });
    }
    // GET streams only listen: shutdown waits for calls, not for listeners.
    if (req.method === "POST") track(res);
    return serveMcp(req, res, caller);
  };

  const server = createNodeServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`HTTP request failed: ${err instanceof Error ? err.message : String(err)}`);
      sendRpcError(res, 500, -32603, "Internal server error.");
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(http.port, http.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // Port 0 picks one now; the allow-list must carry the real one.
  allow = allowList(http.host, port, options);
  const hostPart = http.host.includes(":") && !http.host.startsWith("[") ? `[${http.host}]` : http.host;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Still listening while calls drain, so health checks hear 503, not a refused connection.
      draining = true;
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, graceMs).unref();
        });
      }
      await sessions.closeAll();
      await tenants.closeAll();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await stopped;
      await pool.close().catch(() => undefined);
    })();
    return closing;
  };

  return {
    url: `http://${hostPart}:${port}${MCP_PATH}`,
    port,
    auth: auth.kind,
    sessionCount: () => sessions.size,
    tenantCount: () => tenants.size,
    sessionServer: (id) => sessions.server(id),
    sweep: () => sessions.sweep(),
    close,
  };
}

const AUTH_NOTE: Record<Auth["kind"], string> = {
  "per-user": "each client's bearer token is its own Flownally API key",
  "server-key": "clients present FLOWNALLY_MCP_TOKEN; calls use the server's FLOWNALLY_API_KEY",
  open: "sandbox on loopback, no token needed",
};

/** Serves until SIGTERM/SIGINT, then drains and calls onClose. */
export async function serveHttp(
  config: Config,
  options: HttpOptions & { onClose?: () => Promise<void> } = {},
): Promise<HttpServer> {
  const running = await startHttpServer(config, options);
  const mode = config.http?.stateless ? "stateless" : "2025-era sessions on this process";
  log(`Streamable HTTP listening on ${running.url} (${mode}; ${AUTH_NOTE[running.auth]})`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: finishing calls in flight, then closing sessions`);
    // The process's jobs end first (journaled as interrupted), so calls still waiting on one answer while draining.
    void stopJobs(`the server got ${signal}`)
      .then(() => running.close())
      .then(() => options.onClose?.())
      .then(flushJournals)
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  return running;
}
