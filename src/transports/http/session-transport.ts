// A 2025-era session's Streamable HTTP transport, on node:http itself: one
// JSON-RPC message per POST, a GET stream for what the server says on its
// own (list_changed, resource updates, log lines), DELETE to end the session.
// A request is answered with plain JSON when its response is the first thing
// the server sends for it; a notification or a question to the client that
// comes first (progress, a log line, elicitation) turns the answer into an
// SSE stream. Clients of the revision must accept both. The SDK's transport
// is web-standard and made a Request, a Response and an SSE stream of every
// call, which on Node cost about half of a call's CPU.

import type { IncomingMessage, ServerResponse } from "node:http";
import {
  isJsonContentType,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type RequestId,
  SUPPORTED_PROTOCOL_VERSIONS,
  type Transport,
  type TransportSendOptions,
} from "@modelcontextprotocol/server";
import { header, sendRpcError } from "./wire.js";

/** How often open streams hear a comment, so proxies do not close them as idle (the SDK's interval). */
const KEEP_ALIVE_MS = 15_000;
const KEEP_ALIVE = ": keepalive\n\n";

/** A POST whose request awaits its response. */
interface Exchange {
  res: ServerResponse;
  /** Turned into an SSE stream: something came before the response, or the call outlasted a keep-alive tick. */
  streaming: boolean;
  /** Keep-alive ticks it has waited through. */
  ticks: number;
}

// The front door has classified every message (classifyInboundRequest), so its shape is known: these only tell kinds apart.
const isRequest = (message: JSONRPCMessage): message is JSONRPCRequest => "method" in message && "id" in message;
const isResponse = (message: JSONRPCMessage): message is JSONRPCResponse => !("method" in message);

/** Status, JSON-RPC code and message of a request refused before the server sees it. */
type Refusal = [status: number, code: number, message: string];
const GONE: Refusal = [404, -32001, "Session not found"];

const event = (message: JSONRPCMessage): string => `event: message\ndata: ${JSON.stringify(message)}\n\n`;

export class SessionTransport implements Transport {
  onclose: (() => void) | undefined;
  onerror: ((error: Error) => void) | undefined;
  onmessage: Transport["onmessage"];
  /** Set once `initialize` came through; a session that never gets one is closed by the front door. */
  initialized = false;
  private readonly exchanges = new Map<RequestId, Exchange>();
  /** The GET stream, when the client keeps one open. */
  private listener: ServerResponse | undefined;
  private versions: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS;
  private ticker: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly jsonHeaders: Record<string, string>;
  private readonly sseHeaders: Record<string, string>;

  constructor(
    readonly sessionId: string,
    private readonly keepAliveMs = KEEP_ALIVE_MS,
  ) {
    this.jsonHeaders = { "content-type": "application/json", "mcp-session-id": sessionId };
    this.sseHeaders = {
      "content-type": "text/event-stream",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      "mcp-session-id": sessionId,
    };
  }

  async start(): Promise<void> {}

  setSupportedProtocolVersions(versions: string[]): void {
    this.versions = versions;
  }

  /** A POST of one message to this session (or, for `initialize`, to open it). */
  post(req: IncomingMessage, res: ServerResponse, message: JSONRPCMessage): void {
    const refused = this.postRefusal(req, message);
    if (refused) {
      sendRpcError(res, ...refused);
      return;
    }
    if (!isRequest(message)) {
      // A notification, or the client's answer to a question of ours: nothing to send back.
      res.writeHead(202).end();
      this.onmessage?.(message);
      return;
    }
    if (message.method === "initialize") this.initialized = true;
    const exchange: Exchange = { res, streaming: false, ticks: 0 };
    const { id } = message;
    this.exchanges.set(id, exchange);
    res.once("close", () => {
      if (this.exchanges.get(id) !== exchange) return;
      // The client went away before the answer: for this transport that is the call's cancellation.
      this.exchanges.delete(id);
      this.onmessage?.({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId: id, reason: "The client closed the request." },
      });
    });
    this.keepAlive();
    this.onmessage?.(message);
  }

  /** GET (the stream of what the server says on its own), DELETE (the end of the session), or a method refused. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "DELETE") {
      sendRpcError(res, 405, -32000, "Method not allowed.", { allow: "GET, POST, DELETE" });
      return;
    }
    const refused = this.closed ? GONE : req.method === "GET" ? this.listenRefusal(req) : this.versionRefusal(req);
    if (refused) {
      sendRpcError(res, ...refused);
    } else if (req.method === "GET") {
      this.listen(res);
    } else {
      res.writeHead(200).end();
      await this.close();
    }
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const id = isResponse(message) ? message.id : options?.relatedRequestId;
    if (id === undefined) {
      if (!isResponse(message)) this.write(this.listener, event(message));
      return;
    }
    const exchange = this.exchanges.get(id);
    if (!exchange) {
      // Its call is answered or its client gone: a notification has no one to reach, a question must not wait forever.
      if (isRequest(message)) throw new Error(`Request ${String(id)} is no longer open to carry ${message.method}.`);
      return;
    }
    if (isResponse(message)) {
      this.exchanges.delete(id);
      this.answer(exchange, message);
    } else {
      this.stream(exchange);
      this.write(exchange.res, event(message));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    for (const [id, exchange] of this.exchanges) {
      this.answer(exchange, {
        jsonrpc: "2.0",
        id,
        error: { code: -32000, message: "The session closed before this request was answered." },
      });
    }
    this.exchanges.clear();
    this.listener?.end();
    this.listener = undefined;
    this.onclose?.();
  }

  private listen(res: ServerResponse): void {
    this.listener = res;
    res.writeHead(200, this.sseHeaders);
    res.flushHeaders();
    res.once("close", () => {
      if (this.listener === res) this.listener = undefined;
    });
    this.keepAlive();
  }

  private postRefusal(req: IncomingMessage, message: JSONRPCMessage): Refusal | undefined {
    if (this.closed) return GONE;
    const accept = header(req, "accept") ?? "";
    if (!accept.includes("application/json") || !accept.includes("text/event-stream")) {
      return [406, -32000, "Not Acceptable: Client must accept both application/json and text/event-stream"];
    }
    if (!isJsonContentType(header(req, "content-type"))) {
      return [415, -32000, "Unsupported Media Type: Content-Type must be application/json"];
    }
    if (!isRequest(message) || message.method !== "initialize") return this.versionRefusal(req);
    return this.initialized ? [400, -32600, "Invalid Request: Server already initialized"] : undefined;
  }

  private listenRefusal(req: IncomingMessage): Refusal | undefined {
    if (!(header(req, "accept") ?? "").includes("text/event-stream")) {
      return [406, -32000, "Not Acceptable: Client must accept text/event-stream"];
    }
    const version = this.versionRefusal(req);
    if (version || !this.listener) return version;
    return [409, -32000, "Conflict: Only one SSE stream is allowed per session"];
  }

  /** A version the session does not speak is refused; a request without the header is taken as the negotiated one. */
  private versionRefusal(req: IncomingMessage): Refusal | undefined {
    const version = header(req, "mcp-protocol-version");
    if (version === undefined || this.versions.includes(version)) return undefined;
    return [
      400,
      -32000,
      `Bad Request: Unsupported protocol version: ${version} (supported versions: ${this.versions.join(", ")})`,
    ];
  }

  /** The response as plain JSON when nothing came before it, else as the last event of its stream. */
  private answer(exchange: Exchange, message: JSONRPCMessage): void {
    const { res } = exchange;
    if (res.writableEnded) return;
    if (exchange.streaming) {
      res.end(event(message));
      return;
    }
    res.writeHead(200, this.jsonHeaders);
    res.end(JSON.stringify(message));
  }

  private stream(exchange: Exchange): void {
    if (exchange.streaming) return;
    exchange.streaming = true;
    if (!exchange.res.writableEnded) exchange.res.writeHead(200, this.sseHeaders);
  }

  private write(res: ServerResponse | undefined, text: string): void {
    if (res && !res.writableEnded) res.write(text);
  }

  /** One interval per session while it has a stream open or a call waiting: comments keep streams alive, and a call still waiting after a tick becomes a stream too. */
  private keepAlive(): void {
    this.ticker ??= setInterval(() => {
      this.write(this.listener, KEEP_ALIVE);
      for (const exchange of this.exchanges.values()) {
        if (!exchange.streaming && exchange.ticks++ === 0) continue;
        this.stream(exchange);
        this.write(exchange.res, KEEP_ALIVE);
      }
      if (!this.listener && this.exchanges.size === 0) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    }, this.keepAliveMs).unref();
  }
}
