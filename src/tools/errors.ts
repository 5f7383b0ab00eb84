// The one place a failure becomes the text a model reads: status, code, what
// was wrong per field, and the next step. Short (under 300 characters), never
// the raw body, a stack, or the key. A failure nobody foresaw (a bug) is
// logged with a short id that the text names, so the two can be matched.

import type { z } from "zod";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  ApiStatusError,
  AuthenticationError,
  BadRequestError,
  BadResponseError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PagingLimitError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from "../client/errors.js";
import { PathError } from "../client/path.js";
import { log } from "../log.js";
import { EVERY_TOOL, type Profile, point, render, type Text } from "../pointers.js";
import { findIds } from "../refs.js";
import { ToolInputError } from "../refusal.js";
import { fitting, sentences } from "../words.js";
import type { Tool } from "./types.js";

/** Every summary is shorter than this. */
const MAX = 300;

/** A failure as the model reads it; tools are named only where `profile` serves them. */
export function describeFailure(
  err: unknown,
  tool: Tool,
  args: Readonly<Record<string, unknown>>,
  profile: Profile = EVERY_TOOL,
  /** The caller's W3C traceparent, so the log line of a bug can be found from its trace. */
  trace?: string,
): string {
  if (err instanceof ToolInputError) return cap(render(err.text, profile));
  if (err instanceof PathError) return cap(`Invalid argument — ${err.message}.`);
  if (err instanceof ApiStatusError) return cap(describeStatus(err, tool, args, profile));
  if (err instanceof APIUserAbortError) return "Cancelled — the request was stopped before an answer came.";
  if (err instanceof APIConnectionError) return cap(describeConnection(err, tool, profile));
  if (err instanceof BadResponseError)
    return cap(`Bad response — ${err.message}. The API or a proxy answered unexpectedly; retry later.`);
  if (err instanceof PagingLimitError) return cap(describeLimit(err));
  return cap(unexpected(err, tool, trace));
}

/** Logs what nobody foresaw, with its stack, under a short id the model's text names. */
function unexpected(err: unknown, tool: Tool, trace: string | undefined): string {
  const id = globalThis.crypto.randomUUID().slice(0, 8);
  const what = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  log(`${tool.name} failed unexpectedly [error ${id}${trace ? `, traceparent ${trace}` : ""}]: ${what}`);
  return `${tool.name} failed unexpectedly (error ${id}); the server's log has the details. Try again, or report it with this id.`;
}

function describeConnection(err: APIConnectionError, tool: Tool, profile: Profile): string {
  const timedOut = err instanceof APIConnectionTimeoutError;
  const what = `${timedOut ? "Timed out" : "Network error"} — ${err.message}.`;
  // A write that may have happened must not be repeated blindly: it could happen twice.
  if (err.outcomeUnknown) return `${what} The change may already have been made: ${checkStep(tool, profile)}`;
  if (timedOut) return `${what} Safe to retry.`;
  return `${what} Check FLOWNALLY_BASE_URL and the connection, then retry.`;
}

/**
 * How to see whether a write took effect: the served read of the nearest
 * resource its path is under (`POST /contacts/{id}/tags/{tagId}` → get_contact,
 * `POST /events` → list_events), found among the served operations themselves.
 */
function checkStep(tool: Tool, profile: Profile): string {
  const segments = (tool.path ?? "").split("/");
  for (let n = segments.length; n > 1; n--) {
    const read = profile.operation("GET", segments.slice(0, n).join("/"));
    if (read) return `check with ${read} before retrying.`;
  }
  return "read it back before retrying.";
}

function describeLimit(err: PagingLimitError): string {
  const n = (x: number): string => x.toLocaleString("en");
  const reached = {
    pages: `reached its bound of ${n(err.bound)} pages (${n(err.items)} items read)`,
    items: `passed its bound of ${n(err.bound)} items (${n(err.pages)} pages read)`,
    time: `ran past ${Math.round(err.bound / 60_000)} min (${n(err.pages)} pages, ${n(err.items)} items read)`,
  }[err.limit];
  return `Stopped — listing ${err.path} ${reached}; the rest was not read and nothing was changed. Narrow the filters and call again.`;
}

export function describeInvalidArguments(error: z.ZodError): string {
  const parts = error.issues.flatMap((issue) => {
    const where = issue.path.length ? issue.path.join(".") : "arguments";
    if (issue.code === "unrecognized_keys") return issue.keys.map((key) => `unknown argument ${key}`);
    // zod does not keep the input on issues: a missing value reads "received undefined".
    if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) return [`${where}: required`];
    return [`${where}: ${issue.message}`];
  });
  // Whole complaints only; one too long to show (a huge argument name) is not cut but summarised.
  const shown = fitting(parts, MAX - 40) || "they do not fit the schema";
  return cap(`Invalid arguments — ${shown}. Nothing was sent.`);
}

function describeStatus(
  err: ApiStatusError,
  tool: Tool,
  args: Readonly<Record<string, unknown>>,
  profile: Profile,
): string {
  const head = `${err.status} ${err.code ?? defaultCode(err.status)}`;
  const fields = err.violations.map((v) => namingTools(v.field ? `${v.field}: ${v.message}` : v.message, profile));
  const next = render(nextStep(err, tool, args), profile);
  // The API's words, whole violations or sentences, in the room our next step leaves; never cut mid-word.
  const room = MAX - 1 - head.length - next.length - 6;
  const shown = fields.length
    ? fitting(fields, room)
    : fitting(
        sentences(err.detail || err.title || "").map((s) => namingTools(s, profile)),
        room,
        " ",
        true,
      );
  if (!shown) return next ? `${head} — ${next}` : head;
  return next ? `${head} — ${shown}${/[.!?]$/.test(shown) ? "" : "."} ${next}` : `${head} — ${shown}`;
}

// The API may point at its own paths ("see GET /teams"): the model calls tools, so name the served
// tool for that operation, or leave the pointer out where none is served.
function namingTools(text: string, profile: Profile): string {
  return text.replace(
    /(\s*[;,]?\s*(?:list them with|see|from|with))?\s+(GET|POST|PUT|PATCH|DELETE) (\/[\w{}\-./\u2026]*[\w}])/g,
    (whole, lead: string | undefined, method: string, path: string) => {
      const tool = profile.operation(method, path);
      if (tool) return whole.replace(`${method} ${path}`, tool);
      return lead ? "" : whole.replace(`${method} ${path}`, "the matching tool");
    },
  );
}

function nextStep(err: ApiStatusError, tool: Tool, args: Readonly<Record<string, unknown>>): Text {
  if (err instanceof AuthenticationError) return "Check FLOWNALLY_API_KEY: it is missing, wrong or revoked.";
  if (err instanceof PermissionDeniedError)
    return `This key lacks scope ${tool.scopes.join(" or ")} (needed by ${tool.name}), or its role may not do this.`;
  if (err instanceof NotFoundError) {
    const missing = missingIds(err, tool, args);
    const where = findIds(missing.map((m) => m.kind));
    // The API's detail usually names the missing id already; say it only when it did not.
    if (err.detail) return where;
    const which = missing.map((m) => `${m.arg} ${m.value}`).join(" or ") || "that id";
    return [`Not found in this workspace: ${which}.`, missing.length ? " " : "", where];
  }
  if (err instanceof ConflictError) return conflictStep(err.code ?? "", tool);
  if (err instanceof BadRequestError || err instanceof UnprocessableEntityError)
    return "Fix the arguments named and call again.";
  if (err instanceof RateLimitError)
    return `Rate limited; retry in ${err.retryAfterMs !== undefined ? `${Math.ceil(err.retryAfterMs / 1000)} s` : "a few seconds"}.`;
  if (err instanceof InternalServerError) {
    // Support finds the failed request by its id; a long one is shortened, not allowed to crowd the text.
    const id = err.requestId
      ? ` (request id ${err.requestId.length > 40 ? `${err.requestId.slice(0, 39)}…` : err.requestId})`
      : "";
    return `Temporary problem at Flownally; retry shortly${id}.`;
  }
  return "";
}

// What to do about a conflict depends on which one it is; the code says.
function conflictStep(code: string, tool: Tool): Text {
  // A tool that sends an Idempotency-Key always sends one: "already exists" then means that key was used.
  if (/idempot|already_recorded/i.test(code) || (/already_exists/.test(code) && tool.idempotencyKey))
    return "Already recorded (the same event today, or this idempotencyKey); nothing new was written. A genuine repeat needs a new idempotencyKey.";
  if (/window_closed/.test(code))
    return [
      'The 24 h reply window is closed: send content type "template"',
      point("list_whatsapp_templates", " (names from list_whatsapp_templates).", " (ask the user which template)."),
    ];
  if (/already_exists/.test(code)) return "It already exists: use the existing one instead.";
  if (/already_|not_archived|not_active/.test(code)) return "Nothing changed: it was already in that state.";
  if (/not_published/.test(code)) return "Publish it first, then try again.";
  if (/last_owner/.test(code)) return "Make another user owner first.";
  return "It conflicts with the current state; read it again before retrying.";
}

/**
 * The ids a 404 is about, with what they refer to. The API's words tell which
 * when they name its value or its argument; otherwise every id the call gave.
 */
function missingIds(err: ApiStatusError, tool: Tool, args: Readonly<Record<string, unknown>>) {
  const given = tool.refs.flatMap(({ arg, kind, shape }) => {
    const value = args[arg];
    return shape === "one" && typeof value === "string" ? [{ arg, kind, value }] : [];
  });
  const said = [err.detail ?? "", err.title ?? "", ...err.violations.map((v) => v.message)].join(" ");
  const named = given.filter(({ arg, value }) => mentions(said, value) || err.violations.some((v) => v.field === arg));
  return named.length ? named : given;
}

function mentions(text: string, word: string): boolean {
  return new RegExp(`(^|[^\\w-])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w-])`).test(text);
}

function defaultCode(status: number): string {
  const names: Record<number, string> = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    422: "validation_failed",
    429: "rate_limited",
  };
  return names[status] ?? (status >= 500 ? "server_error" : "error");
}

// A safety net only: every summary is built to fit (whole parts of the API's words; our own texts are short).
function cap(text: string): string {
  return text.length < MAX ? text : `${text.slice(0, MAX - 2)}…`;
}
