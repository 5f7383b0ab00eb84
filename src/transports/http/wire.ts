// What the HTTP front door and the session transport read from node:http and
// the short answers they give without an MCP server (refusals, health), each
// a complete response.

import type { IncomingMessage, ServerResponse } from "node:http";

/** One request header's value; node keeps a repeated custom header joined, a few as a list (the first counts). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** An error shaped as JSON-RPC, which is what MCP clients expect to read from /mcp. */
export function sendRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { jsonrpc: "2.0", error: { code, message }, id: null }, headers);
}
