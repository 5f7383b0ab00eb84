// The one place a failure becomes the text a model reads: status, code, what
// was wrong per field, and the next step. Short (under 300 characters), never
// the raw body, a stack, or the key.

import type { z } from "zod";
import { ApiError } from "../client/errors.js";
import { PathError } from "../client/path.js";
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
  if (err instanceof ApiError) return cap(describeApiError(err, tool, args));
  return cap(`${tool.name} failed unexpectedly; nothing more is known. Try again or report it.`);
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

function describeApiError(err: ApiError, tool: Tool, args: Readonly<Record<string, unknown>>): string {
  switch (err.kind) {
    case "timeout":
      return `Timed out — ${err.message}. Safe to retry${tool.hints.readOnlyHint ? "" : " after checking whether the change was made"}.`;
    case "network":
      return `Network error — ${err.message}. Check FLOWNALLY_BASE_URL and the connection, then retry.`;
    case "aborted":
      return "Cancelled — the request was stopped before an answer came.";
    case "bad_response":
      return `Bad response — ${err.message}. The API or a proxy answered unexpectedly; retry later.`;
  }
  const status = err.status ?? 0;
  const head = `${status} ${err.code ?? defaultCode(status)}`;
  const fields = err.violations.map((v) => (v.field ? `${v.field}: ${v.message}` : v.message)).join("; ");
  const detail = fields || err.detail || err.title || "";
  const next = nextStep(status, err, tool, args);
  // When the API said a lot, cut its words, not the next step.
  const shown = clip(detail, MAX - 1 - head.length - next.length - 6);
  if (!shown) return next ? `${head} — ${next}` : head;
  return next ? `${head} — ${shown}${/[.!?…]$/.test(shown) ? "" : "."} ${next}` : `${head} — ${shown}`;
}

function nextStep(status: number, err: ApiError, tool: Tool, args: Readonly<Record<string, unknown>>): string {
  if (status === 401) return "Check FLOWNALLY_API_KEY: it is missing, wrong or revoked.";
  if (status === 403)
    return `This key lacks scope ${tool.scopes.join(" or ")} (needed by ${tool.name}), or its role may not do this.`;
  if (status === 404) {
    const ids = Object.entries(args).filter(
      ([k, v]) => typeof v === "string" && (k === "id" || k.endsWith("Id")) && tool.path?.includes(`{${k}}`),
    );
    const sources = [...new Set(ids.map(([k]) => sourceOf(k, tool)).filter((s) => s !== undefined))];
    const where = sources.length ? ` Find ids with ${sources.join(" or ")}.` : "";
    // The API's detail usually names the missing id already; say it only when it did not.
    if (err.detail) return where.trim();
    return `Not found in this workspace: ${ids.map(([k, v]) => `${k} ${String(v)}`).join(" or ") || "that id"}.${where}`;
  }
  if (status === 409) return conflictStep(err.code ?? "", args);
  if (status === 400 || status === 422) return "Fix the arguments named and call again.";
  if (status === 429)
    return `Rate limited; retry in ${err.retryAfterMs !== undefined ? `${Math.ceil(err.retryAfterMs / 1000)} s` : "a few seconds"}.`;
  if (status >= 500) return "Temporary problem at Flownally; retry shortly.";
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
