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
import { ToolInputError } from "../refusal.js";
import type { Tool } from "./types.js";

/** Every summary is shorter than this. */
const MAX = 300;

// Where ids of each kind can be found, for "not found" hints.
const ID_SOURCES: Record<string, string> = {
  contactId: "list_contacts",
  tagId: "list_tags",
  customFieldId: "list_contact_fields",
  userId: "list_users",
  teamId: "list_teams",
  inboxId: "list_inboxes",
  eventTypeId: "list_event_types",
  conversationId: "list_conversations",
  versionId: "the versions list",
  wabaId: "your WhatsApp Business account",
};

export function describeFailure(err: unknown, tool: Tool, args: Readonly<Record<string, unknown>>): string {
  if (err instanceof ToolInputError) return cap(err.message);
  if (err instanceof PathError) return cap(`Invalid argument — ${err.message}.`);
  if (err instanceof ApiStatusError) return cap(describeStatus(err, tool, args));
  if (err instanceof APIUserAbortError) return "Cancelled — the request was stopped before an answer came.";
  if (err instanceof APIConnectionError) return cap(describeConnection(err, tool));
  if (err instanceof BadResponseError)
    return cap(`Bad response — ${err.message}. The API or a proxy answered unexpectedly; retry later.`);
  if (err instanceof PagingLimitError) return cap(describeLimit(err));
  return cap(unexpected(err, tool));
}

/** Logs what nobody foresaw, with its stack, under a short id the model's text names. */
function unexpected(err: unknown, tool: Tool): string {
  const id = globalThis.crypto.randomUUID().slice(0, 8);
  const what = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  log(`${tool.name} failed unexpectedly [error ${id}]: ${what}`);
  return `${tool.name} failed unexpectedly (error ${id}); the server's log has the details. Try again, or report it with this id.`;
}

function describeConnection(err: APIConnectionError, tool: Tool): string {
  const timedOut = err instanceof APIConnectionTimeoutError;
  const what = `${timedOut ? "Timed out" : "Network error"} — ${err.message}.`;
  // A write that may have happened must not be repeated blindly: it could happen twice.
  if (err.outcomeUnknown)
    return `${what} The change may already have been made: check with ${checkTool(tool)} before retrying.`;
  if (timedOut) return `${what} Safe to retry.`;
  return `${what} Check FLOWNALLY_BASE_URL and the connection, then retry.`;
}

/** The list that shows whether a write took effect: the one of the nearest collection its path is under. */
function checkTool(tool: Tool): string {
  const segments = (tool.path ?? "").split("/");
  for (let n = segments.length; n > 1; n--) {
    const list = COLLECTION_LISTS[segments.slice(0, n).join("/")];
    if (list) return list;
  }
  return "a read of what it changes";
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
  const parts = error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join(".") : "arguments";
    if (issue.code === "unrecognized_keys") return `unknown argument ${issue.keys.join(", ")}`;
    // zod does not keep the input on issues: a missing value reads "received undefined".
    if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) return `${where}: required`;
    return `${where}: ${issue.message}`;
  });
  return cap(`Invalid arguments — ${clip(parts.join("; "), MAX - 40)}. Nothing was sent.`);
}

function describeStatus(err: ApiStatusError, tool: Tool, args: Readonly<Record<string, unknown>>): string {
  const head = `${err.status} ${err.code ?? defaultCode(err.status)}`;
  const fields = err.violations.map((v) => (v.field ? `${v.field}: ${v.message}` : v.message)).join("; ");
  const detail = fields || err.detail || err.title || "";
  const next = nextStep(err, tool, args);
  // When the API said a lot, cut its words, not the next step.
  const shown = clip(detail, MAX - 1 - head.length - next.length - 6);
  if (!shown) return next ? `${head} — ${next}` : head;
  return next ? `${head} — ${shown}${/[.!?…]$/.test(shown) ? "" : "."} ${next}` : `${head} — ${shown}`;
}

function nextStep(err: ApiStatusError, tool: Tool, args: Readonly<Record<string, unknown>>): string {
  if (err instanceof AuthenticationError) return "Check FLOWNALLY_API_KEY: it is missing, wrong or revoked.";
  if (err instanceof PermissionDeniedError)
    return `This key lacks scope ${tool.scopes.join(" or ")} (needed by ${tool.name}), or its role may not do this.`;
  if (err instanceof NotFoundError) {
    const ids = Object.entries(args).filter(
      ([k, v]) => typeof v === "string" && (k === "id" || k.endsWith("Id")) && tool.path?.includes(`{${k}}`),
    );
    const sources = [...new Set(ids.map(([k]) => sourceOf(k, tool)).filter((s) => s !== undefined))];
    const where = sources.length ? ` Find ids with ${sources.join(" or ")}.` : "";
    // The API's detail usually names the missing id already; say it only when it did not.
    if (err.detail) return where.trim();
    return `Not found in this workspace: ${ids.map(([k, v]) => `${k} ${String(v)}`).join(" or ") || "that id"}.${where}`;
  }
  if (err instanceof ConflictError) return conflictStep(err.code ?? "", args);
  if (err instanceof BadRequestError || err instanceof UnprocessableEntityError)
    return "Fix the arguments named and call again.";
  if (err instanceof RateLimitError)
    return `Rate limited; retry in ${err.retryAfterMs !== undefined ? `${Math.ceil(err.retryAfterMs / 1000)} s` : "a few seconds"}.`;
  if (err instanceof InternalServerError) {
    // Support finds the failed request by its id; an odd one is cut, not allowed to crowd the text.
    const id = err.requestId ? ` (request id ${clip(err.requestId, 40)})` : "";
    return `Temporary problem at Flownally; retry shortly${id}.`;
  }
  return "";
}

// What to do about a conflict depends on which one it is; the code says.
function conflictStep(code: string, args: Readonly<Record<string, unknown>>): string {
  if (/idempot|already_recorded/i.test(code) || (/already_exists/.test(code) && "idempotencyKey" in args))
    return "Already recorded under this idempotencyKey; nothing new was written.";
  if (/window_closed/.test(code))
    return 'The 24 h reply window is closed: send content type "template" (names from list_whatsapp_templates).';
  if (/already_exists/.test(code)) return "It already exists: use the existing one instead.";
  if (/already_|not_archived|not_active/.test(code)) return "Nothing changed: it was already in that state.";
  if (/not_published/.test(code)) return "Publish it first, then try again.";
  if (/last_owner/.test(code)) return "Make another user owner first.";
  return "It conflicts with the current state; read it again before retrying.";
}

// The list tool for an `id` path parameter is the GET on the collection path before it.
function sourceOf(param: string, tool: Tool): string | undefined {
  if (param !== "id") return ID_SOURCES[param];
  const collection = tool.path?.split("/{id}")[0] ?? "";
  return COLLECTION_LISTS[collection];
}

const COLLECTION_LISTS: Record<string, string> = {
  "/contacts": "list_contacts",
  "/contacts/imports": "get_import_status",
  "/tags": "list_tags",
  "/contacts/custom-fields": "list_contact_fields",
  "/properties/custom-fields": "list_property_fields",
  "/event-types": "list_event_types",
  "/events": "list_events",
  "/messages": "list_conversation_messages",
  "/conversations": "list_conversations",
  "/inboxes": "list_inboxes",
  "/teams": "list_teams",
  "/journeys": "list_journeys",
  "/chatbots": "list_chatbots",
  "/service-accounts": "list_service_accounts",
  "/api-keys": "list_api_keys",
};

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

function cap(text: string): string {
  return clip(text, MAX - 1);
}

function clip(text: string, room: number): string {
  return text.length <= room ? text : `${text.slice(0, Math.max(0, room - 1))}…`;
}
