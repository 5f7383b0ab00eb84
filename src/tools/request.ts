// The request an operation tool sends the API, and sending it: arguments into
// path, query and body, the Idempotency-Key of a write, and the answers that
// count as success (a repeat of an idempotent change, a DELETE found gone).

import { ConflictError } from "../client/errors.js";
import { fillPath, pathParams } from "../client/path.js";
import type { QueryValue } from "../client/query.js";
import { idempotencyKeyFor } from "./idempotency.js";
import type { Tool, ToolContext, ToolOutput } from "./types.js";

/**
 * pageSize sent when a list call omits it: the reference documents no default
 * or maximum, and 50 items of any list stay well inside the result cap.
 */
export const DEFAULT_PAGE_SIZE = 50;

/** The request an operation sends: path parameters into the path, `query` names into the query, the rest into the body. */
export function buildRequest(tool: Tool, args: Readonly<Record<string, unknown>>) {
  if (!tool.method || !tool.path) throw new Error(`${tool.name} has neither a path nor a run function`);
  const inPath = new Set(pathParams(tool.path));
  const inQuery = new Set(tool.query ?? []);
  const query: Record<string, QueryValue> = {};
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || inPath.has(key)) continue;
    if (inQuery.has(key)) query[key] = value as QueryValue;
    else body[key] = value;
  }
  if (inQuery.has("pageSize") && query.pageSize === undefined) query.pageSize = DEFAULT_PAGE_SIZE;
  // An operation that takes body attributes gets a JSON object even when none were given
  // (a PATCH that changes nothing is still a PATCH with a body); one that takes none gets no body.
  const takesBody = Object.keys(tool.input).some((key) => !inPath.has(key) && !inQuery.has(key));
  const hasBody = tool.method !== "GET" && tool.method !== "DELETE" && takesBody;
  let idempotencyKey: string | undefined;
  if (tool.idempotencyKey) {
    idempotencyKey = idempotencyKeyFor(tool.idempotencyKey, args, body.idempotencyKey);
    if ("idempotencyKey" in tool.input) body.idempotencyKey = idempotencyKey;
  }
  return {
    method: tool.method,
    path: fillPath(tool.path, args),
    query,
    body: hasBody || idempotencyKey ? body : undefined,
    idempotencyKey,
  };
}

export async function send(tool: Tool, args: Readonly<Record<string, unknown>>, ctx: ToolContext): Promise<ToolOutput> {
  try {
    const res = await ctx.client.request({ ...buildRequest(tool, args), signal: ctx.signal });
    // A DELETE found gone that this server deleted: a repeat succeeds, as an idempotent change should.
    if (res.alreadyGone === "repeat") return { text: "Already deleted: nothing changed.", changed: {} };
    if (res.alreadyGone === "retried")
      return { text: "Deleted: the first attempt's answer was lost, and its retry found it gone." };
    return { data: res.data };
  } catch (err) {
    // Already as wanted: a repeat of an idempotent change succeeds, changing nothing.
    if (tool.already && err instanceof ConflictError)
      return { text: `Already ${tool.already}: nothing changed.`, changed: {} };
    throw err;
  }
}
