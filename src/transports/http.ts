// Streamable HTTP at /mcp for many users on one process. Stateful: each session
// gets its own McpServer and its own FlownallyClient acting with the key of the
// caller who created it, and stays bound to that caller. Stateless: a fresh
// server and transport per request, for replicas behind any load balancer.

import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer as createNodeServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { clientFromConfig } from "../client/config.js";
import type { ClientOptions, FlownallyClient } from "../client/http.js";
import { createConnectionPool } from "../client/pool.js";
import { type Config, ConfigError } from "../config.js";
import { FileRoots } from "../files/roots.js";
import { addSecret, log } from "../log.js";
import { createServer } from "../server.js";

const MCP_PATH = "/mcp";
const HEALTH_PATH = "/healthz";
const REALM = 'Bearer realm="flownally-mcp"';

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
  /** How long shutdown waits for calls in flight (default 10 s). */
  shutdownGraceMs?: number;
  /** Overrides for every session's API client (tests shorten retries). */
  clientOptions?: Partial<ClientOptions>;
}

/** Who may call and which Flownally key their calls use. */
export type Auth =
  /** No server-side key: the bearer token is the caller's own Flownally API key. */
  | { kind: "per-user" }
  /** A server-side key: callers present the MCP token; calls use the server key. */
  | { kind: "server-key"; apiKey: string; tokenDigest: Buffer }
  /** The sandbox on loopback with no MCP token: anyone who can reach loopback, with the sandbox key. */
  | { kind: "open"; apiKey: string };

export interface HttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:3000/mcp */
  url: string;
  port: number;
  auth: Auth["kind"];
  sessionCount(): number;
  /** The McpServer serving a session (to send it log messages or notifications). */
  sessionServer(sessionId: string): McpServer | undefined;
  /** Stops accepting, lets calls in flight finish (bounded), closes every session. */
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

function isLoopback(host: string): boolean {
  return ["127.0.0.1", "localhost", "::1", "[::1]"].includes(host.toLowerCase());
}

/** Decides the auth mode, refusing set-ups that would hand the server's key to anyone. */
export function resolveAuth(config: Config, mcpToken: string | undefined): Auth {
  const host = config.http?.host ?? "127.0.0.1";
  if (mcpToken) {
    if (!config.apiKey) {
      throw new ConfigError(
        "FLOWNALLY_MCP_TOKEN is set but FLOWNALLY_API_KEY is not; set the key the server acts with, or unset the token so each client brings its own key.",
      );
    }
    return { kind: "server-key", apiKey: config.apiKey, tokenDigest: digest(mcpToken) };
  }
  if (config.sandbox && config.apiKey) {
    if (!isLoopback(host)) {
      throw new ConfigError(
        `--sandbox --http on ${host} would let anyone who reaches it in; set FLOWNALLY_MCP_TOKEN, or bind 127.0.0.1.`,
      );
    }
    return { kind: "open", apiKey: config.apiKey };
  }
  if (config.apiKey) {
    throw new ConfigError(
      "FLOWNALLY_API_KEY is set, so every HTTP client would act with it: set FLOWNALLY_MCP_TOKEN to the token clients must present, or unset FLOWNALLY_API_KEY so each client sends its own Flownally key as its bearer token.",
    );
  }
  return { kind: "per-user" };
}

// ---- Request checks: each answers whether to go on, and nothing else ----

/** The caller's bearer token, or undefined when there is none. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? "");
  return match?.[1];
}

/** An authenticated caller: the Flownally key its calls use, and a digest that binds its sessions to it. */
interface Identified {
  apiKey: string;
  identity: Buffer;
}

type Caller = ({ ok: true } & Identified) | { ok: false; challenge: string; message: string };

/** Who is calling and with which key, from the Authorization header. */
function authenticate(auth: Auth, header: string | undefined): Caller {
  if (auth.kind === "open") return { ok: true, apiKey: auth.apiKey, identity: digest("") };
  const token = bearerToken(header);
  if (token === undefined) {
    return {
      ok: false,
      challenge: REALM,
      message: "Send Authorization: Bearer <token>.",
    };
  }
  if (auth.kind === "per-user") return { ok: true, apiKey: token, identity: digest(token) };
  const presented = digest(token);
  if (!timingSafeEqual(presented, auth.tokenDigest)) {
    return { ok: false, challenge: `${REALM}, error="invalid_token"`, message: "The bearer token is not valid here." };
  }
  return { ok: true, apiKey: auth.apiKey, identity: presented };
}

interface AllowList {
  /** Lower-case `host:port` values, and bare host names that match any port. */
  hosts: ReadonlySet<string>;
  origins: ReadonlySet<string>;
}

function allowList(bindHost: string, port: number, options: HttpOptions): AllowList {
  const bare = bindHost.replace(/^\[|\]$/g, "").toLowerCase();
  const names = new Set(["localhost", "127.0.0.1", "[::1]", bare.includes(":") ? `[${bare}]` : bare]);
  const hosts = new Set<string>();
  const origins = new Set<string>();
  for (const name of names) {
    hosts.add(`${name}:${port}`);
    if (port === 80) hosts.add(name);
    origins.add(`http://${name}:${port}`);
    if (port === 80) origins.add(`http://${name}`);
  }
  for (const h of options.allowedHosts ?? []) hosts.add(h.toLowerCase());
  for (const o of options.allowedOrigins ?? []) origins.add(o.toLowerCase().replace(/\/+$/, ""));
  return { hosts, origins };
}

/** DNS rebinding guard: the Host header must name this server. */
function hostAllowed(host: string | undefined, allow: AllowList): boolean {
  if (!host) return false;
  const value = host.toLowerCase();
  if (allow.hosts.has(value)) return true;
  const name = value.startsWith("[") ? value.slice(0, value.indexOf("]") + 1) : (value.split(":")[0] ?? "");
  return allow.hosts.has(name) && !["localhost", "127.0.0.1", "[::1]"].includes(name);
}

/** Browsers send Origin; a page from anywhere not listed is refused. Clients that send none are not browsers. */
function originAllowed(origin: string | undefined, allow: AllowList): boolean {
  return origin === undefined || allow.origins.has(origin.toLowerCase());
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

// ---- Responses ----

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** An error shaped as JSON-RPC, which is what MCP clients expect to read from /mcp. */
function sendRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { jsonrpc: "2.0", error: { code, message }, id: null }, headers);
}

type Body = { ok: true; value: unknown } | { ok: false; status: number; code: number; message: string };

async function readJsonBody(req: IncomingMessage, limit: number): Promise<Body> {
  const tooLarge: Body = { ok: false, status: 413, code: -32000, message: `Request body over ${limit} bytes.` };
  if (Number(req.headers["content-length"] ?? 0) > limit) return tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) return tooLarge;
    chunks.push(buf);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: false, status: 400, code: -32700, message: "Parse error: the body is not JSON." };
  }
}

// ---- The server ----

interface Session {
  id: string | undefined;
  identity: Buffer;
  server: McpServer;
  transport: StreamableHTTPServerTransport;
  client: FlownallyClient;
  lastSeen: number;
  /** POSTs being served; a busy session never expires. */
  active: number;
  closed: boolean;
}

export async function startHttpServer(config: Config, options: HttpOptions = {}): Promise<HttpServer> {
  const http = config.http ?? { host: "127.0.0.1", port: 3000, stateless: false };
  const auth = resolveAuth(config, options.mcpToken);
  if (options.mcpToken) addSecret(options.mcpToken);
  addSecret(config.apiKey);
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const maxSessions = options.maxSessions ?? 1000;
  const graceMs = options.shutdownGraceMs ?? 10_000;

  // One connection pool to the API for every session: sockets carry no
  // identity; each session's client adds its own key to each request. The pool
  // also holds FLOWNALLY_MAX_CONCURRENCY for the whole process, fair per key.
  const pool = createConnectionPool({ maxConcurrency: config.maxConcurrency });
  const sessions = new Map<string, Session>();
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;
  let allow: AllowList = allowList(http.host, http.port, options);

  const newClient = (apiKey: string): FlownallyClient =>
    clientFromConfig(config, { apiKey, pool, ...options.clientOptions });

  const openSession = (caller: Identified, stateful: boolean): Session => {
    const client = newClient(caller.apiKey);
    // Files only under FLOWNALLY_FILE_ROOTS, and none when it is unset: the
    // caller is remote, so neither its roots nor our working directory apply.
    const server = createServer(config, { client, files: new FileRoots(config.fileRoots ?? []) });
    const session: Session = {
      id: undefined,
      identity: caller.identity,
      server,
      client,
      lastSeen: Date.now(),
      active: 0,
      closed: false,
      transport: new StreamableHTTPServerTransport(
        stateful
          ? {
              sessionIdGenerator: () => randomUUID(),
              onsessioninitialized: (id) => {
                session.id = id;
                sessions.set(id, session);
              },
            }
          : {},
      ),
    };
    session.transport.onclose = () => void closeSession(session);
    // The SDK files logging/setLevel under the transport's session id, but filters
    // sendLoggingMessage by the id its caller passes (none, from tools). One
    // McpServer serves one session here, so its own id is the right default.
    const sendLog = server.server.sendLoggingMessage.bind(server.server);
    server.server.sendLoggingMessage = (params, sessionId) => sendLog(params, sessionId ?? session.id);
    return session;
  };

  const closeSession = async (session: Session): Promise<void> => {
    if (session.closed) return;
    session.closed = true;
    if (session.id !== undefined) sessions.delete(session.id);
    await session.server.close().catch(() => undefined);
    await session.client.close().catch(() => undefined);
  };

  /**
   * Counts a POST against its session (which does not expire while busy) and
   * against the shutdown drain, until its response is done. GET streams only
   * listen, so they count as neither: a client that calls nothing for the idle
   * time loses its session even with a stream open, and re-initializes on 404.
   */
  const track = (res: ServerResponse, session: Session | undefined): void => {
    inFlight++;
    if (session) session.active++;
    res.once("close", () => {
      if (session) {
        session.active--;
        session.lastSeen = Date.now();
      }
      if (--inFlight === 0) drained?.();
    });
  };

  const sweep = (): void => {
    const now = Date.now();
    for (const session of sessions.values()) {
      if (session.active === 0 && now - session.lastSeen > idleMs) void closeSession(session);
    }
  };
  const sweeper = setInterval(sweep, Math.min(Math.max(idleMs / 2, 250), 60_000));
  sweeper.unref();

  const serveStateful = async (
    req: IncomingMessage,
    res: ServerResponse,
    caller: Identified,
    body: unknown,
  ): Promise<void> => {
    const header = req.headers["mcp-session-id"];
    const sessionId = Array.isArray(header) ? header[0] : header;
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      // Another caller's session looks exactly like no session at all.
      if (!session || !timingSafeEqual(session.identity, caller.identity)) {
        return sendRpcError(res, 404, -32001, "Session not found; start a new one with initialize.");
      }
      session.lastSeen = Date.now();
      if (req.method === "POST") track(res, session);
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      return sendRpcError(res, 400, -32000, "Bad Request: no Mcp-Session-Id header; start a session with initialize.");
    }
    if (sessions.size >= maxSessions) sweep();
    if (sessions.size >= maxSessions) {
      return sendRpcError(res, 503, -32000, "Too many open sessions; try again shortly.", { "retry-after": "30" });
    }
    const session = openSession(caller, true);
    track(res, session);
    await session.server.connect(session.transport);
    await session.transport.handleRequest(req, res, body);
    if (session.transport.sessionId === undefined) await closeSession(session);
  };

  const serveStateless = async (
    req: IncomingMessage,
    res: ServerResponse,
    caller: Identified,
    body: unknown,
  ): Promise<void> => {
    if (req.method !== "POST") {
      return sendRpcError(res, 405, -32000, "Method not allowed: this server is stateless; POST only.", {
        allow: "POST",
      });
    }
    const session = openSession(caller, false);
    track(res, undefined);
    res.once("close", () => void closeSession(session));
    await session.server.connect(session.transport);
    await session.transport.handleRequest(req, res, body);
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
    if (!caller.ok)
      return sendRpcError(res, 401, -32000, `Unauthorized. ${caller.message}`, {
        "www-authenticate": caller.challenge,
      });
    let body: unknown;
    if (req.method === "POST") {
      const read = await readJsonBody(req, maxBody);
      if (!read.ok) return sendRpcError(res, read.status, read.code, read.message, { connection: "close" });
      body = read.value;
    }
    return http.stateless ? serveStateless(req, res, caller, body) : serveStateful(req, res, caller, body);
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
      draining = true;
      clearInterval(sweeper);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, graceMs).unref();
        });
      }
      await Promise.all([...sessions.values()].map(closeSession));
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
    sessionServer: (id) => sessions.get(id)?.server,
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
  const mode = config.http?.stateless ? "stateless" : "sessions";
  log(`Streamable HTTP listening on ${running.url} (${mode}; ${AUTH_NOTE[running.auth]})`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: finishing calls in flight, then closing sessions`);
    void running
      .close()
      .then(() => options.onClose?.())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  return running;
}
