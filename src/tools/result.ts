// Turns an API answer into what the model reads: compact JSON text (no
// pretty printing, nulls and the constant tenantId left out) within a size cap,
// and the same data as structuredContent; a one-line confirmation when there is no body.

import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
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
  if (data === undefined) return { content: [{ type: "text", text: confirmation(tool, args) }] };
  const { value, notice } = fit(data, maxTokens * CHARS_PER_TOKEN);
  const text = compactJson(value) + (notice ? `\n${notice}` : "");
  return withStructured({ content: [{ type: "text", text }] }, value);
}

function withStructured(result: CallToolResult, data: unknown): CallToolResult {
  if (data === undefined || data === null) return result;
  // structuredContent must be an object; wrap arrays and scalars.
  const structured = typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : { result: data };
  return { ...result, structuredContent: structured };
}

/** "Tag contact: done (contactId con_1, tagId tag_2)." */
function confirmation(tool: Tool, args: Readonly<Record<string, unknown>>): string {
  const ids = Object.entries(args)
    .filter(([k, v]) => typeof v === "string" && (k === "id" || k.endsWith("Id")))
    .map(([k, v]) => `${k} ${String(v)}`);
  return `${tool.title}: done${ids.length ? ` (${ids.join(", ")})` : ""}.`;
}

/**
 * Keeps a result within `maxChars` by cutting its largest top-level array, and
 * says so with how to get the rest.
 */
export function fit(data: unknown, maxChars: number): { value: unknown; notice?: string } {
  if (compactJson(data).length <= maxChars || !data || typeof data !== "object" || Array.isArray(data)) {
    return { value: data };
  }
  const record = data as Record<string, unknown>;
  const [key, items] = Object.entries(record)
    .filter((e): e is [string, unknown[]] => Array.isArray(e[1]))
    .sort((a, b) => compactJson(b[1]).length - compactJson(a[1]).length)[0] ?? ["", []];
  if (!key) return { value: data, notice: "[Result is large and could not be shortened.]" };
  // Largest n items that still fit, by binary search.
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (compactJson({ ...record, [key]: items.slice(0, mid) }).length <= maxChars - 300) lo = mid;
    else hi = mid - 1;
  }
  const value = { ...record, [key]: items.slice(0, lo) };
  const token = typeof record.nextPageToken === "string" ? ` nextPageToken ${record.nextPageToken} continues after this whole page.` : "";
  return {
    value,
    notice: `[Truncated: ${lo} of ${items.length} ${key} shown to stay under the size cap. Call again with pageSize ${Math.max(1, lo)} to page without gaps.${token}]`,
  };
}
