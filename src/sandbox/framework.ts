// The sandbox's small HTTP framework: routes declared as data, a router that
// matches method + path template, ProblemDetails errors, role checks and
// opaque page tokens. Every route module in routes/ builds on this.

import type { IncomingMessage } from "node:http";

export type Role = "owner" | "admin" | "agent";
/** Every role, for routes any key may call and for validating a requested role. */
export const ALL_ROLES: readonly Role[] = ["owner", "admin", "agent"];
/** Owners and admins: the routes that set the workspace up (keys, users, teams, inboxes, webhooks, billing). */
export const MANAGERS: readonly Role[] = ["owner", "admin"];
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface FieldViolation {
  field: string;
  message: string;
}

/** Thrown by handlers; the server answers it as application/problem+json. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldViolation[],
  ) {
    super(detail ?? title);
  }
}

export const notFound = (what: string, id: string): Problem =>
  new Problem(404, `${what}_not_found`, "Not Found", `${what.replace(/_/g, " ")} ${id} not found`);
export const conflict = (code: string, detail: string): Problem => new Problem(409, code, "Conflict", detail);
export const invalid = (errors: FieldViolation[], detail = "The request is invalid."): Problem =>
  new Problem(422, "validation_failed", "Unprocessable Entity", detail, errors);
export const badRequest = (code: string, detail: string): Problem => new Problem(400, code, "Bad Request", detail);

/** The entry under `id`, or the 404 `notFound(what, id)`. */
export function found<T>(items: ReadonlyMap<string, T>, what: string, id: string): T {
  const item = items.get(id);
  if (item === undefined) throw notFound(what, id);
  return item;
}

export interface Caller {
  userId: string;
  role: Role;
}

export interface Ctx {
  params: Record<string, string>;
  /** The raw query; read arrays, deepObject objects and booleans with queryList / queryObject / queryBool below. */
  query: URLSearchParams;
  /** Parsed JSON body (undefined when none); multipart requests get `files`/`fields` instead. */
  body: unknown;
  multipart?: {
    fields: Record<string, string>;
    files: Record<string, { filename: string; type: string; data: Buffer }>;
  };
  headers: IncomingMessage["headers"];
  caller: Caller;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export interface Route {
  method: Method;
  /** Template such as `/contacts/{id}/tags/{tagId}`, as in the reference. */
  path: string;
  roles: readonly Role[];
  handle(ctx: Ctx): Reply | Promise<Reply>;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });

/** Opaque page tokens: base64url of the offset, so clients cannot build them. */
export function page<T>(items: readonly T[], query: URLSearchParams, defaultSize = 20, maxSize = 100) {
  const sizeText = query.get("pageSize");
  const size = sizeText === null ? defaultSize : Number(sizeText);
  if (!Number.isInteger(size) || size < 1 || size > maxSize) {
    throw invalid([{ field: "pageSize", message: `must be an integer from 1 to ${maxSize}` }]);
  }
  const token = query.get("pageToken");
  let offset = 0;
  if (token) {
    // Only tokens this server made (`o:<offset>`) are accepted; anything else is a client bug worth a 400.
    const decoded = /^o:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
    if (!decoded) throw badRequest("invalid_page_token", "pageToken is not valid: pass nextPageToken unchanged");
    offset = Number(decoded[1]);
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(`o:${offset + size}`).toString("base64url") : undefined;
  return { items: slice, nextPageToken: next, totalSize: items.length };
}

// ---- Query and body readers (the client side of these query conventions is client/query.ts) ----

/** An array parameter: the key repeated (`tagIds=a&tagIds=b`) or one comma-separated value. */
export function queryList(query: URLSearchParams, key: string): string[] {
  return query
    .getAll(key)
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter((value) => value !== "");
}

/** A boolean parameter: `true`/`false`, undefined when absent, 422 otherwise. */
export function queryBool(query: URLSearchParams, key: string): boolean | undefined {
  const value = query.get(key);
  if (value === null || value === "") return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw invalid([{ field: key, message: "must be true or false" }]);
}

/** One of a fixed set of values, or the default when absent; 422 names the allowed values. */
export function queryEnum<T extends string>(
  query: URLSearchParams,
  key: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = query.get(key);
  if (value === null || value === "") return fallback;
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw invalid([{ field: key, message: `must be one of ${allowed.join(", ")}` }]);
  return match;
}

/**
 * An object parameter in deepObject style (`customFields[lifecycleStage]=customer`). A single
 * `customFields={"lifecycleStage":"customer"}` JSON value is accepted too, as the reference's curl example sends it.
 */
export function queryObject(query: URLSearchParams, key: string): Record<string, string> {
  const result: Record<string, string> = {};
  const prefix = `${key}[`;
  for (const [name, value] of query) {
    if (name.startsWith(prefix) && name.endsWith("]")) {
      result[name.slice(prefix.length, -1)] = value;
    } else if (name === key && value.trim().startsWith("{")) {
      Object.assign(result, parseJsonQueryObject(key, value));
    }
  }
  return result;
}

function parseJsonQueryObject(key: string, text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid([{ field: key, message: "must be an object: use key[name]=value" }]);
  }
  const result: Record<string, string> = {};
  if (isRecord(parsed)) {
    for (const [name, value] of Object.entries(parsed)) result[name] = String(value);
  }
  return result;
}

/** Lower-case ASCII words of a name: "Łódź store" → ["lodz", "store"]. */
export function asciiWords(text: string): string[] {
  return (
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      // Ł and ł do not decompose. Escaped: one character above U+00FF doubles the size of the bundle's source in memory.
      .replace(/\u0142/gi, "l")
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word !== "")
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The JSON body as an object; 422 when it is missing or not an object. */
export function bodyObject(ctx: Ctx): Record<string, unknown> {
  if (isRecord(ctx.body)) return ctx.body;
  throw invalid([{ field: "body", message: "must be a JSON object" }], "The request body must be a JSON object.");
}

/** An optional string attribute: undefined when absent, 422 when present but not a string. */
export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid([{ field, message: "must be a string" }]);
  return value;
}

/** A required non-blank string attribute (trimmed); 422 otherwise. */
export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = optionalString(body, field)?.trim();
  if (value === undefined || value === "") throw invalid([{ field, message: "is required" }]);
  return value;
}
