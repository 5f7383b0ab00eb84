// The one place a failure becomes the text a model reads: status, code, what
// was wrong per field, and the next step. Short (under 300 characters), never
// the raw body, a stack, or the key.

import type { z } from "zod";
import { ApiError } from "../client/errors.js";
import { PathError } from "../client/path.js";
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
): string {
  if (err instanceof ToolInputError) return cap(render(err.text, profile));
  if (err instanceof PathError) return cap(`Invalid argument — ${err.message}.`);
  if (err instanceof ApiError) return cap(describeApiError(err, tool, args, profile));
  return cap(`${tool.name} failed unexpectedly; nothing more is known. Try again or report it.`);
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

function describeApiError(
  err: ApiError,
  tool: Tool,
  args: Readonly<Record<string, unknown>>,
  profile: Profile,
): string {
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
  const fields = err.violations.map((v) => namingTools(v.field ? `${v.field}: ${v.message}` : v.message, profile));
  const next = render(nextStep(status, err, tool, args), profile);
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
    /(\s*[;,]?\s*(?:list them with|see|from|with))?\s+(GET|POST|PUT|PATCH|DELETE) (\/[\w{}\-./…]*[\w}])/g,
    (whole, lead: string | undefined, method: string, path: string) => {
      const tool = profile.operation(method, path);
      if (tool) return whole.replace(`${method} ${path}`, tool);
      return lead ? "" : whole.replace(`${method} ${path}`, "the matching tool");
    },
  );
}

function nextStep(status: number, err: ApiError, tool: Tool, args: Readonly<Record<string, unknown>>): Text {
  if (status === 401) return "Check FLOWNALLY_API_KEY: it is missing, wrong or revoked.";
  if (status === 403)
    return `This key lacks scope ${tool.scopes.join(" or ")} (needed by ${tool.name}), or its role may not do this.`;
  if (status === 404) {
    const missing = missingIds(err, tool, args);
    const where = findIds(missing.map((m) => m.kind));
    // The API's detail usually names the missing id already; say it only when it did not.
    if (err.detail) return where;
    const which = missing.map((m) => `${m.arg} ${m.value}`).join(" or ") || "that id";
    return [`Not found in this workspace: ${which}.`, missing.length ? " " : "", where];
  }
  if (status === 409) return conflictStep(err.code ?? "", tool);
  if (status === 400 || status === 422) return "Fix the arguments named and call again.";
  if (status === 429)
    return `Rate limited; retry in ${err.retryAfterMs !== undefined ? `${Math.ceil(err.retryAfterMs / 1000)} s` : "a few seconds"}.`;
  if (status >= 500) return "Temporary problem at Flownally; retry shortly.";
  return "";
}

// What to do about a conflict depends on which one it is; the code says.
function conflictStep(code: string, tool: Tool): Text {
  // A tool that sends an Idempotency-Key always sends one: "already exists" then means that key was used.
  if (/idempot|already_recorded/i.test(code) || (/already_exists/.test(code) && tool.idempotencyKey))
    return "Already recorded under this idempotencyKey; nothing new was written.";
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
function missingIds(err: ApiError, tool: Tool, args: Readonly<Record<string, unknown>>) {
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
