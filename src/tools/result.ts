// Turns an answer into what the model reads, one value in both channels:
// structuredContent is the compact JSON the text says (nulls and the constant
// tenantId left out), within a size cap; a one-line confirmation when there is
// no body. Clients differ in which channel reaches the model (Claude Code and
// Codex: structuredContent; others: the text), so neither may say more or less.

import type { CallToolResult } from "@modelcontextprotocol/server";
import { isRecord } from "../client/shapes.js";
import type { Tool, ToolOutput } from "./types.js";

/** About four characters a token for JSON text. */
export const CHARS_PER_TOKEN = 4;

type Rec = Record<string, unknown>;

/** `value` without nulls (but in arrays, where JSON keeps their place) and without tenantId. */
export function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === null ? null : clean(v)));
  if (!isRecord(value)) return value;
  const out: Rec = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined || key === "tenantId") continue;
    out[key] = clean(v);
  }
  return out;
}

export function compactJson(value: unknown): string {
  return JSON.stringify(clean(value)) ?? "";
}

export function successResult(
  tool: Tool,
  args: Readonly<Record<string, unknown>>,
  output: ToolOutput,
  maxTokens: number,
  show?: (data: Rec) => unknown,
): CallToolResult {
  const { data } = output;
  if (output.text !== undefined) {
    return {
      content: [{ type: "text", text: output.text }],
      ...structured(clean(show && isRecord(data) ? show(data) : data)),
    };
  }
  if (data === undefined || data === null) return { content: [{ type: "text", text: confirmation(tool, args) }] };
  const sizeArg = ["pageSize", "limit"].find((name) => name in tool.input && tool.query?.includes(name));
  const pageToken = typeof args.pageToken === "string" ? args.pageToken : undefined;
  const value = fitToCap(
    data,
    maxTokens * CHARS_PER_TOKEN,
    { ...(sizeArg && { sizeArg }), ...(pageToken && { pageToken }) },
    show,
  );
  return { content: [{ type: "text", text: JSON.stringify(value) }], ...structured(value) };
}

/** structuredContent must be an object: arrays and scalars go under `result`. */
function structured(value: unknown): { structuredContent?: Rec } {
  if (value === undefined || value === null) return {};
  return { structuredContent: isRecord(value) ? value : { result: value } };
}

/** "Tag contact: done (contactId con_1, tagId tag_2)." */
function confirmation(tool: Tool, args: Readonly<Record<string, unknown>>): string {
  const ids = tool.refs
    .filter(({ arg, shape }) => shape === "one" && typeof args[arg] === "string")
    .map(({ arg }) => `${arg} ${String(args[arg])}`);
  return `${tool.title}: done${ids.length ? ` (${ids.join(", ")})` : ""}.`;
}

/** How the call that produced a result pages: its page-size argument and the token it was given. */
export interface Paging {
  sizeArg?: string;
  pageToken?: string;
}

/** The attribute a cut result says so in, in both channels. */
export const TRUNCATED = "truncated";

/**
 * Keeps a result within `maxChars` of JSON as the model reads it (cleaned, and
 * presented by `show`), as one value for both channels. A list is cut to its
 * leading items that fit, counted as the API gave them (a presentation that
 * groups or merges items still pages right), then presented, without the API's
 * nextPageToken (it continues after the whole page, so it would skip the items
 * cut here), and says how to get the rest without a gap. Anything else too
 * large keeps its shape with long texts and lists shortened, and says so.
 * The notice is the value's `truncated` attribute.
 */
export function fitToCap(data: unknown, maxChars: number, paging: Paging = {}, show?: (data: Rec) => unknown): unknown {
  const seen = (value: unknown) => clean(show && isRecord(value) ? show(value) : value);
  const whole = seen(data);
  if (fits(whole, maxChars)) return whole;
  const record = isRecord(data) ? data : { result: data };
  const budget = maxChars - 500;
  const [key, items] = largestList(record);
  if (key && items && fits(seen({ ...record, [key]: items.slice(0, 1) }), budget)) {
    const { nextPageToken: _skipsTheCut, ...rest } = record;
    const withItems = (n: number) => seen({ ...rest, [key]: items.slice(0, n) }) as Rec;
    // The most leading items that still fit, by binary search.
    let lo = 1;
    let hi = items.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(withItems(mid), budget)) lo = mid;
      else hi = mid - 1;
    }
    const next = paging.sizeArg
      ? `To see the rest without a gap, call again with ${paging.sizeArg} ${lo}${paging.pageToken ? " and the same pageToken" : ""}, then follow each nextPageToken.`
      : "This operation cannot page: narrow the request instead.";
    return {
      ...withItems(lo),
      [TRUNCATED]: `Cut to stay under the size cap (--max-result-tokens): ${lo} of ${items.length} ${key} shown. ${next}`,
    };
  }
  const notice = `Cut to stay under the size cap (--max-result-tokens): texts ending in "…" and lists are shortened. Ask for less (one item by id, fewer items), or raise --max-result-tokens.`;
  const shown = isRecord(whole) ? whole : { result: whole };
  for (let limit = 4096; ; limit = Math.floor(limit / 2)) {
    const value = { ...(shorten(shown, limit) as Rec), [TRUNCATED]: notice };
    // Ids are never cut: no text of 64 characters or less is.
    if (limit <= 64 || fits(value, maxChars)) return value;
  }
}

function fits(value: unknown, maxChars: number): boolean {
  return JSON.stringify(value).length <= maxChars;
}

/** The top-level list with the longest JSON. */
function largestList(record: Rec): [string | undefined, unknown[] | undefined] {
  let best: [string | undefined, unknown[] | undefined] = [undefined, undefined];
  let size = 0;
  for (const [key, value] of Object.entries(record)) {
    if (!Array.isArray(value) || value.length < 2) continue;
    const length = JSON.stringify(value).length;
    if (length > size) [best, size] = [[key, value], length];
  }
  return best;
}

/** Texts over `limit` characters cut with "…", lists and objects to their first `limit / 64` entries (at least 1). */
function shorten(value: unknown, limit: number): unknown {
  const keep = Math.max(1, Math.floor(limit / 64));
  if (typeof value === "string") return value.length > limit ? `${value.slice(0, limit)}…` : value;
  if (Array.isArray(value)) return value.slice(0, keep).map((v) => shorten(v, limit));
  if (!isRecord(value)) return value;
  const entries = Object.entries(value);
  // Ids and names come first in every answer; keep at least as many entries as a list keeps items.
  return Object.fromEntries(entries.slice(0, Math.max(keep, 8)).map(([k, v]) => [k, shorten(v, limit)]));
}
