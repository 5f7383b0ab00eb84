// The sandbox's small HTTP framework: routes declared as data, a router that
// matches method + path template, ProblemDetails errors, role checks and
// opaque page tokens. Every route module in routes/ builds on this.

import type { IncomingMessage } from "node:http";

export type Role = "owner" | "admin" | "agent";
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

export interface Caller {
  userId: string;
  role: Role;
}

export interface Ctx {
  params: Record<string, string>;
  /** Parsed query: repeated keys become arrays; deepObject keys (customFields[x]=y) become objects. */
  query: URLSearchParams;
  /** Parsed JSON body (undefined when none); multipart requests get `files`/`fields` instead. */
  body: unknown;
  multipart?: { fields: Record<string, string>; files: Record<string, { filename: string; type: string; data: Buffer }> };
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
    const decoded = Number(Buffer.from(token, "base64url").toString("utf8").replace(/^o:/, ""));
    if (!Number.isInteger(decoded) || decoded < 0) throw badRequest("invalid_page_token", "pageToken is not valid");
    offset = decoded;
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(`o:${offset + size}`).toString("base64url") : undefined;
  return { items: slice, nextPageToken: next, totalSize: items.length };
}
