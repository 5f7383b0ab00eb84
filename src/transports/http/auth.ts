// Who may call /mcp and with which Flownally key, and the browser guards
// (Host, Origin). Each check answers whether to go on and nothing else.

import { createHash, timingSafeEqual } from "node:crypto";
import { type Config, ConfigError } from "../../config.js";

export const REALM = 'Bearer realm="flownally-mcp"';
/** The challenge for a token that was presented and is not valid here. */
export const INVALID_TOKEN = `${REALM}, error="invalid_token"`;

/** Who may call and which Flownally key their calls use. */
export type Auth =
  /** No server-side key: the bearer token is the caller's own Flownally API key, proven against the API. */
  | { kind: "per-user" }
  /** A server-side key: callers present the MCP token; calls use the server key. */
  | { kind: "server-key"; apiKey: string; tokenDigest: Buffer }
  /** The sandbox on loopback with no MCP token: anyone who can reach loopback, with the sandbox key. */
  | { kind: "open"; apiKey: string };

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

/** The caller's bearer token, or undefined when there is none. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? "");
  return match?.[1];
}

/** An authenticated caller: the Flownally key its calls use, and a digest that names it (sessions are bound to it). */
export interface Caller {
  apiKey: string;
  identity: Buffer;
  /** Per-user mode: the key still has to prove itself against the API before anything is kept for it. */
  unproven: boolean;
}

export type Authentication = ({ ok: true } & Caller) | { ok: false; challenge: string; message: string };

/** Who is calling and with which key, from the Authorization header. */
export function authenticate(auth: Auth, header: string | undefined): Authentication {
  if (auth.kind === "open") return { ok: true, apiKey: auth.apiKey, identity: digest(""), unproven: false };
  const token = bearerToken(header);
  if (token === undefined) return { ok: false, challenge: REALM, message: "Send Authorization: Bearer <token>." };
  const presented = digest(token);
  if (auth.kind === "per-user") return { ok: true, apiKey: token, identity: presented, unproven: true };
  if (!timingSafeEqual(presented, auth.tokenDigest)) {
    return { ok: false, challenge: INVALID_TOKEN, message: "The bearer token is not valid here." };
  }
  return { ok: true, apiKey: auth.apiKey, identity: presented, unproven: false };
}

export function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

// ---- Host and Origin: the DNS rebinding guard ----

export interface AllowList {
  /** Lower-case `host:port` values, and bare host names that match any port. */
  hosts: ReadonlySet<string>;
  origins: ReadonlySet<string>;
}

export function allowList(
  bindHost: string,
  port: number,
  extra: { allowedHosts?: readonly string[] | undefined; allowedOrigins?: readonly string[] | undefined },
): AllowList {
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
  for (const h of extra.allowedHosts ?? []) hosts.add(h.toLowerCase());
  for (const o of extra.allowedOrigins ?? []) origins.add(o.toLowerCase().replace(/\/+$/, ""));
  return { hosts, origins };
}

/** The Host header must name this server. */
export function hostAllowed(host: string | undefined, allow: AllowList): boolean {
  if (!host) return false;
  const value = host.toLowerCase();
  if (allow.hosts.has(value)) return true;
  const name = value.startsWith("[") ? value.slice(0, value.indexOf("]") + 1) : (value.split(":")[0] ?? "");
  return allow.hosts.has(name) && !["localhost", "127.0.0.1", "[::1]"].includes(name);
}

/** Browsers send Origin; a page from anywhere not listed is refused. Clients that send none are not browsers. */
export function originAllowed(origin: string | undefined, allow: AllowList): boolean {
  return origin === undefined || allow.origins.has(origin.toLowerCase());
}
