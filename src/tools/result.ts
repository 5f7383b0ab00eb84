// Turns an API answer into what the model reads: compact JSON text (no
// pretty printing, nulls and the constant tenantId left out) within a size cap,
// and the same data as structuredContent; a one-line confirmation when there is no body.

import type { CallToolResult } from "@modelcontextprotocol/server";
import type { Tool, ToolOutput } from "./types.js";

/** About four characters a token for JSON text. */
export const CHARS_PER_TOKEN = 4;

export function compactJson(value: unknown): string {
  return JSON.stringify(value, (key, v) => (v === null || key === "tenantId" ? undefined : v)) ?? "";
}

export function successResult(
  tool: Tool,
  args: Readonly<Record<string, unknown>>,
  output: ToolOutput,
  maxTokens: number,
): CallToolResult {
  const { data } = output;
  if (output.text !== undefined) {
    return withStructured({ content: [{ type: "text", text: output.text }] }, data);
  }
  if (data === undefined || data === null) return { content: [{ type: "text", text: confirmation(tool, args) }] };
  const maxChars = maxTokens * CHARS_PER_TOKEN;
  const sizeArg = ["pageSize", "limit"].find((name) => name in tool.input && tool.query?.includes(name));
  const pageToken = typeof args.pageToken === "string" ? args.pageToken : undefined;
  const { text, value } = fitToCap(data, maxChars, {
    ...(sizeArg && { sizeArg }),
    ...(pageToken && { pageToken }),
  });
  return withStructured({ content: [{ type: "text", text }] }, value);
}

function withStructured(result: CallToolResult, data: unknown): CallToolResult {
  if (data === undefined || data === null) return result;
  // structuredContent must be an object; wrap arrays and scalars.
  const structured =
    typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : { result: data };
  return { ...result, structuredContent: structured };
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

/**
 * Keeps a result within `maxChars`: cuts its largest top-level array to the
 * items that fit and says exactly how to get the rest without a gap (the
 * API's nextPageToken continues after the whole page, not after the cut).
 * Anything else too large is cut as text. Returns the text the model reads
 * (the JSON is serialised here, once per call) and the value for
 * structuredContent; a result cut as text has none.
 */
export function fitToCap(data: unknown, maxChars: number, paging: Paging = {}): { text: string; value?: unknown } {
  const whole = compactJson(data);
  if (whole.length <= maxChars) return { text: whole, value: data };
  const record = data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const [key, items] = Object.entries(record)
    .filter((e): e is [string, unknown[]] => Array.isArray(e[1]) && e[1].length > 1)
    .sort((a, b) => compactJson(b[1]).length - compactJson(a[1]).length)[0] ?? ["", []];
  const budget = maxChars - 400;
  const withItems = (n: number) => ({ ...record, [key]: items.slice(0, n) });
  if (!key || compactJson(withItems(1)).length > budget) {
    const notice = `[Cut: this result is ${Math.round(whole.length / 1000)}k characters, over the size cap (--max-result-tokens); only the first ${Math.round(maxChars / 1000)}k are shown. Ask for less, e.g. one item by id.]`;
    return { text: `${whole.slice(0, maxChars)}\n${notice}` };
  }
  // The most leading items that still fit, by binary search.
  let lo = 1;
  let hi = items.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (compactJson(withItems(mid)).length <= budget) lo = mid;
    else hi = mid - 1;
  }
  const next = typeof record.nextPageToken === "string" ? record.nextPageToken : undefined;
  const again = paging.sizeArg
    ? ` To see the rest without a gap, call again with ${paging.sizeArg} ${lo}${paging.pageToken ? ` and the same pageToken` : ""}, then follow each nextPageToken.`
    : " This operation cannot page: narrow the request instead.";
  const skip = next
    ? ` The nextPageToken ${next} continues after all ${items.length}, so it would skip the ${items.length - lo} cut here.`
    : "";
  const value = withItems(lo);
  const notice = `[Truncated to stay under the size cap: ${lo} of ${items.length} ${key} shown.${again}${skip}]`;
  return { text: `${compactJson(value)}\n${notice}`, value };
}
