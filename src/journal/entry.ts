// What a journal line holds. Every entry has the time, an id (a single call's
// own, or its job's), and the fingerprint of the key that made it; arguments
// are recorded with secrets removed and long content left out.

import { heldSecrets } from "../log.js";
import { REDACTED, redactValue } from "../redact.js";

interface Base {
  /** RFC 3339. */
  time: string;
  /** `w_…` for one call, `job_…` for every entry of a job. */
  id: string;
  /** The key's fingerprint (FlownallyClient.keyFingerprint), never the key. */
  key: string;
  tool?: string;
}

/** A call that sent one or more writes, as it ended. */
export interface CallEntry extends Base {
  kind: "call";
  tool: string;
  args: unknown;
  ok: boolean;
  /** The answer to its last write: HTTP status and the API's request id; none when no answer came. */
  status?: number;
  requestId?: string;
  /** How many writes it sent, when more than one. */
  writes?: number;
  /** The failure as the model read it. */
  error?: string;
}

/** What a bulk change does, as undo needs it: `{ type: "tag", tag: { id, name }, action: "add" }`. */
export type ChangeRecord = { type: string } & Readonly<Record<string, unknown>>;

/** A bulk job starting. */
export interface JobStartEntry extends Base {
  kind: "job";
  tool: string;
  args: unknown;
  change: ChangeRecord;
  /** Items it was given to change. */
  total: number;
  /** The job this one undoes. */
  undoOf?: string;
  /** Where it runs: a job without an end entry is running there, or was cut short when that process ended. */
  pid: number;
  host: string;
}

export interface FailureRecord {
  item: string;
  status?: number;
  requestId?: string;
  error: string;
}

/** What a job did since its last progress entry. */
export interface JobProgressEntry extends Base {
  kind: "progress";
  /** Items changed: each was not in the wanted state before, and the API accepted the change. */
  changed?: string[];
  /** Items whose write was cut off by a cancellation, answer unknown; they were not in the wanted state before. */
  unsure?: string[];
  failed?: FailureRecord[];
}

export type JobStatus = "running" | "done" | "cancelled" | "stopped" | "interrupted";

export interface JobEndEntry extends Base {
  kind: "end";
  status: Exclude<JobStatus, "running">;
  applied: number;
  unchanged: number;
  failed: number;
  /** Why it stopped early. */
  reason?: string;
}

export type JournalEntry = CallEntry | JobStartEntry | JobProgressEntry | JobEndEntry;

/** A string longer than this is content (a CSV, a file's base64), recorded by its length only. */
const MAX_STRING = 1_000;
/** Query parameters of a URL argument (a webhook's) whose values are credentials. */
const SECRET_PARAM = /token|secret|key|sig|signature|password|passwd|auth/i;

/** Arguments as the journal keeps them: held secrets redacted, URL credentials cut, long content left out. */
export function journalArgs(args: Readonly<Record<string, unknown>>): unknown {
  return redactValue(shorten(args), heldSecrets());
}

function shorten(value: unknown): unknown {
  if (typeof value === "string") {
    if (value.length > MAX_STRING) return `[${value.length} characters, not kept]`;
    return /^[a-z][a-z\d+.-]*:\/\//i.test(value) ? withoutCredentials(value) : value;
  }
  if (Array.isArray(value)) return value.map(shorten);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v)]));
  }
  return value;
}

function withoutCredentials(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  const secretParams = [...url.searchParams.keys()].filter((name) => SECRET_PARAM.test(name));
  if (!url.username && !url.password && secretParams.length === 0) return text;
  url.username = url.username || url.password ? "redacted" : "";
  url.password = "";
  for (const name of secretParams) url.searchParams.set(name, REDACTED);
  return url.href;
}

/** A fresh id: `w_` and 12 hex digits for a call, `job_` for a job. */
export function newEntryId(prefix: "w" | "job"): string {
  return `${prefix}_${globalThis.crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}
