// The sandbox HTTP server: plain node:http on loopback, serving the Flownally
// API v1 contract under `/v1` from an in-memory Store. It owns everything the
// route modules should not repeat: routing, auth and roles, body parsing, and
// turning every failure into application/problem+json.

import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { badRequest, type Caller, type Ctx, type Method, Problem, type Role, type Route } from "./framework.js";
import { routes as apiKeyRoutes, keyRole } from "./routes/api-keys.js";
import { routes as billingRoutes } from "./routes/billing.js";
import { routes as chatbotRoutes } from "./routes/chatbots.js";
import { routes as contactRoutes } from "./routes/contacts.js";
import { routes as customFieldRoutes } from "./routes/custom-fields.js";
import { routes as eventRoutes } from "./routes/events.js";
import { routes as inboxRoutes } from "./routes/inboxes.js";
import { routes as journeyRoutes } from "./routes/journeys.js";
import { routes as messagingRoutes } from "./routes/messaging.js";
import { routes as tagRoutes } from "./routes/tags.js";
import { routes as teamRoutes } from "./routes/teams.js";
import { routes as userRoutes } from "./routes/users.js";
import { routes as webhookRoutes } from "./routes/webhooks.js";
import { SCOPES } from "./scopes.js";
import { seed } from "./seed.js";
import { SANDBOX_USER_IDS, Store } from "./store.js";

/** The documented bearer tokens and the role each acts with; keys made with POST /service-accounts/{id}/api-keys work too. */
export const SANDBOX_TOKENS: ReadonlyMap<string, Role> = new Map([
  ["sandbox-owner", "owner"],
  ["sandbox-admin", "admin"],
  ["sandbox-agent", "agent"],
]);
/** The default sandbox key, the owner's. */
export const SANDBOX_API_KEY = "sandbox-owner";

const API_PREFIX = "/v1";
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const METHODS: readonly Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** Role of the returned apiKey. */
  role?: Role;
  /** Load the demo workspace (default true); false starts empty. */
  seed?: boolean;
  /** The store's clock (default the wall clock), so a test can move time instead of sleeping. */
  clock?: () => Date;
}

export interface Sandbox {
  baseUrl: string;
  apiKey: string;
  store: Store;
  close(): Promise<void>;
}

const ROUTE_MODULES: ReadonlyArray<(store: Store) => Route[]> = [
  contactRoutes,
  tagRoutes,
  customFieldRoutes,
  eventRoutes,
  messagingRoutes,
  inboxRoutes,
  teamRoutes,
  userRoutes,
  journeyRoutes,
  chatbotRoutes,
  apiKeyRoutes,
  webhookRoutes,
  billingRoutes,
];

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const store = new Store(options.clock ? { clock: options.clock } : {});
  if (options.seed !== false) seed(store);
  const router = new Router(ROUTE_MODULES.flatMap((build) => build(store)));
  const server = createServer((req, res) => {
    void handle(store, router, req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    baseUrl: `http://${host}:${port}${API_PREFIX}`,
    apiKey: `sandbox-${options.role ?? "owner"}`,
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

// ---- Routing ----

interface CompiledRoute {
  route: Route;
  /** Literal segments as strings, parameters as `{ param: name }`. */
  segments: ReadonlyArray<string | { param: string }>;
}

type Match =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "not_found" }
  | { kind: "no_method" };

class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({
      route,
      segments: route.path
        .split("/")
        .filter((s) => s !== "")
        .map((s) => (s.startsWith("{") && s.endsWith("}") ? { param: s.slice(1, -1) } : s)),
    }));
  }

  /**
   * Matches decoded path segments. Among templates that fit, the one with literals earliest wins,
   * so `/contacts/count` beats `/contacts/{id}`; a path that fits only under other methods is a 405.
   */
  match(method: string, segments: string[]): Match {
    let best: { entry: CompiledRoute; params: Record<string, string>; score: string } | undefined;
    let pathFits = false;
    for (const entry of this.compiled) {
      const params = matchSegments(entry.segments, segments);
      if (!params) continue;
      pathFits = true;
      if (entry.route.method !== method) continue;
      const score = entry.segments.map((s) => (typeof s === "string" ? "0" : "1")).join("");
      if (!best || score < best.score) best = { entry, params, score };
    }
    if (best) return { kind: "found", route: best.entry.route, params: best.params };
    return { kind: pathFits ? "no_method" : "not_found" };
  }

  allowedMethods(segments: string[]): string[] {
    return METHODS.filter((m) => this.match(m, segments).kind === "found");
  }
}

function matchSegments(
  template: ReadonlyArray<string | { param: string }>,
  segments: string[],
): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const actual = segments[i];
    if (actual === undefined) return undefined;
    if (typeof part === "string") {
      if (part !== actual) return undefined;
    } else {
      if (actual === "") return undefined;
      params[part.param] = actual;
    }
  }
  return params;
}

// ---- Request handling ----

async function handle(store: Store, router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = `req_${randomUUID()}`;
  res.setHeader("x-request-id", requestId);
  const url = new URL(req.url ?? "/", "http://sandbox");
  try {
    const segments = pathSegments(url.pathname);
    const caller = authenticate(store, req);
    const method = (req.method ?? "GET").toUpperCase();
    const found = router.match(method, segments);
    if (found.kind === "not_found") {
      throw new Problem(404, "route_not_found", "Not Found", `No API operation at ${method} ${url.pathname}.`);
    }
    if (found.kind === "no_method") {
      res.setHeader("Allow", router.allowedMethods(segments).join(", "));
      throw new Problem(
        405,
        "method_not_allowed",
        "Method Not Allowed",
        `${method} is not allowed on ${url.pathname}.`,
      );
    }
    const { route, params } = found;
    authorize(route, caller);
    const ctx: Ctx = { params, query: url.searchParams, body: undefined, headers: req.headers, caller };
    await readBody(req, ctx);
    const reply = await route.handle(ctx);
    if (reply.status === 204 || reply.body === undefined) {
      res.writeHead(reply.status).end();
    } else {
      send(res, reply.status, "application/json", reply.body);
    }
  } catch (err) {
    sendProblem(res, err, url.pathname);
  } finally {
    // A handler that threw before reading the body leaves it unread; drain it so keep-alive works.
    if (!req.complete) req.resume();
  }
}

/** Path below `/v1`, split and percent-decoded per segment (so an encoded `/` stays inside its id). */
function pathSegments(pathname: string): string[] {
  if (pathname !== API_PREFIX && !pathname.startsWith(`${API_PREFIX}/`)) {
    throw new Problem(404, "route_not_found", "Not Found", `The API lives under ${API_PREFIX}/.`);
  }
  return pathname
    .slice(API_PREFIX.length)
    .split("/")
    .slice(1)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw badRequest("invalid_path", `Path segment "${segment}" is not valid percent-encoding.`);
      }
    });
}

/**
 * Only the documented tokens and live keys made through the API authenticate. A service account's key
 * acts as the demo user of its role: the reference does not say whom a service account acts as.
 */
function authenticate(store: Store, req: IncomingMessage): Caller {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  const token = match?.[1];
  if (token === undefined) {
    throw new Problem(401, "auth_unauthenticated", "Unauthorized", "Send an API key as `Authorization: Bearer <key>`.");
  }
  const role = SANDBOX_TOKENS.get(token) ?? keyRole(store, token);
  if (role === undefined) {
    throw new Problem(
      401,
      "auth_unauthenticated",
      "Unauthorized",
      "This API key is not valid: it is unknown, revoked, or its service account was deleted.",
    );
  }
  return { role, userId: SANDBOX_USER_IDS[role] };
}

function authorize(route: Route, caller: Caller): void {
  if (route.roles.includes(caller.role)) return;
  const scopes = SCOPES[`${route.method} ${route.path}`] ?? [];
  const scopeText = scopes.length > 0 ? `scope ${scopes.join(" or ")}` : "the required scope";
  throw new Problem(
    403,
    "auth_forbidden",
    "Forbidden",
    `This API key (role ${caller.role}) lacks ${scopeText}; allowed roles: ${route.roles.join(", ")}.`,
  );
}

async function readBody(req: IncomingMessage, ctx: Ctx): Promise<void> {
  const raw = await readRaw(req);
  if (raw.length === 0) return;
  const contentType = req.headers["content-type"] ?? "application/json";
  if (/^multipart\/form-data/i.test(contentType)) {
    ctx.multipart = await parseMultipart(raw, contentType);
  } else if (/json/i.test(contentType)) {
    try {
      ctx.body = JSON.parse(raw.toString("utf8"));
    } catch {
      throw badRequest("invalid_json", "The request body is not valid JSON.");
    }
  } else {
    throw new Problem(
      415,
      "unsupported_media_type",
      "Unsupported Media Type",
      `Content-Type ${contentType} is not accepted.`,
    );
  }
}

/** Reads the body with a size cap; past the cap the rest is discarded so the 413 can still be sent. */
function readRaw(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off("data", onData);
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

const tooLarge = (): Problem =>
  new Problem(413, "payload_too_large", "Payload Too Large", `The request body exceeds ${MAX_BODY_BYTES} bytes.`);

/** Multipart via the web platform's own parser (undici's FormData), rather than a hand-rolled one. */
async function parseMultipart(raw: Buffer, contentType: string): Promise<NonNullable<Ctx["multipart"]>> {
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw badRequest("invalid_multipart", "The multipart/form-data body could not be parsed.");
  }
  const multipart: NonNullable<Ctx["multipart"]> = { fields: {}, files: {} };
  for (const [name, value] of form) {
    if (typeof value === "string") {
      multipart.fields[name] = value;
    } else {
      const data = Buffer.from(await value.arrayBuffer());
      multipart.files[name] = { filename: value.name, type: value.type, data };
    }
  }
  return multipart;
}

// ---- Responses ----

function send(res: ServerResponse, status: number, contentType: string, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) }).end(text);
}

function sendProblem(res: ServerResponse, err: unknown, instance: string): void {
  const problem =
    err instanceof Problem
      ? err
      : new Problem(500, "internal_error", "Internal Server Error", "The sandbox failed to handle this request.");
  if (!(err instanceof Problem)) console.error("[sandbox] unhandled error:", err);
  if (problem.status === 401) res.setHeader("WWW-Authenticate", "Bearer");
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, problem.status, "application/problem+json", {
    type: `https://api.flownally.com/problems/${problem.code}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail ?? problem.title,
    instance,
    code: problem.code,
    ...(problem.errors && problem.errors.length > 0 ? { errors: problem.errors } : {}),
  });
}
