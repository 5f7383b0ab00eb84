// A loopback HTTP API that records every request and answers from a script:
// what tests use to see exactly what a tool sent, and to make the API fail.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  method: string;
  /** Path without the base prefix, e.g. /contacts/con_1 */
  path: string;
  /** The raw path as received, percent-encoding intact. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
  json: unknown;
}

export type Responder = (req: Recorded, res: ServerResponse) => void | Promise<void>;

export interface Loopback {
  baseUrl: string;
  requests: Recorded[];
  /** Replace how the API answers; the default answers 200 `{"ok":true}`. */
  respond(responder: Responder): void;
  close(): Promise<void>;
}

export const PREFIX = "/api/v1";

export async function startLoopback(): Promise<Loopback> {
  const requests: Recorded[] = [];
  let responder: Responder = (_req, res) => json(res, 200, { ok: true });
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://x");
    const rawPath = (req.url ?? "/").split("?")[0] ?? "/";
    let parsed: unknown;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      parsed = undefined;
    }
    const recorded: Recorded = {
      method: req.method ?? "",
      path: decodeURIComponent(url.pathname).replace(PREFIX, ""),
      rawPath: rawPath.replace(PREFIX, ""),
      query: url.searchParams,
      headers: req.headers,
      body,
      json: parsed,
    };
    requests.push(recorded);
    try {
      await responder(recorded, res);
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${PREFIX}`,
    requests,
    respond: (r) => {
      responder = r;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "content-type": status >= 400 ? "application/problem+json" : "application/json",
    ...headers,
  });
  res.end(JSON.stringify(body));
}
