// Serves MCP over stdin/stdout in either protocol era (the SDK's serveStdio
// pins the era at the opening exchange) and exits cleanly when stdin closes.
// Lines come from a LineReader, which the stdio front door may have read first:
// it hands over what it read (replay) and the ids it already answered (their
// SDK answers are dropped), so the SDK sees the whole conversation.

// First: zod settings must hold before the SDK defines its schemas.
import "../zod-config.js";
import {
  deserializeMessage,
  type JSONRPCMessage,
  type McpServerFactory,
  type RequestId,
  serializeMessage,
  type Transport,
} from "@modelcontextprotocol/server";
import { serveStdio as serveEras } from "@modelcontextprotocol/server/stdio";
import { clientFromConfig } from "../client/config.js";
import type { Config } from "../config.js";
import { stopJobs } from "../jobs/store.js";
import { log } from "../log.js";
import { createServer } from "../server.js";
import { type LineHandlers, LineReader, oversizedAnswer } from "./lines.js";

/** What the front door already did on this connection. */
export interface Handover {
  reader: LineReader;
  /** Lines it read, in order, for the SDK to read again. */
  replay: readonly string[];
  /** Requests it answered itself (initialize): the SDK's answers to them are not written. */
  answered: readonly RequestId[];
}

class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private closed = false;
  private resolveDone: () => void = () => {};
  /** Settles once the transport has closed (stdin ended, or close() was called). */
  readonly done = new Promise<void>((resolve) => {
    this.resolveDone = resolve;
  });
  private readonly answered: Set<RequestId>;
  private reader: LineReader | undefined;

  constructor(private readonly handover: Handover | undefined) {
    this.answered = new Set(handover?.answered);
  }

  async start(): Promise<void> {
    const handlers: LineHandlers = {
      line: (text) => this.receive(text),
      oversized: (bytes, head) => {
        const { text, answer } = oversizedAnswer(bytes, this.reader?.maxBytes ?? 0, head);
        log(`stdio: ${text}`);
        if (answer !== undefined) void this.reader?.write(answer);
      },
      end: () => void this.close(),
    };
    if (!this.handover) {
      this.reader = new LineReader(handlers);
      return;
    }
    this.reader = this.handover.reader;
    for (const line of this.handover.replay) this.receive(line);
    this.reader.handOver(handlers);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed || !this.reader) return;
    // The front door answered this one already; the SDK's answer is the same and would arrive twice.
    if ("id" in message && message.id !== undefined && !("method" in message) && this.answered.delete(message.id))
      return;
    await this.reader.write(serializeMessage(message));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reader?.stop();
    this.onclose?.();
    this.resolveDone();
  }

  private receive(line: string): void {
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(line);
    } catch (err) {
      this.onerror?.(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.onmessage?.(message);
  }
}

/** Serves `factory` on stdio until stdin closes or a signal comes, then runs onClose and exits 0. */
export function serveStdio(factory: McpServerFactory, onClose: () => Promise<void>, handover?: Handover): void {
  const transport = new LineTransport(handover);
  const handle = serveEras(factory, {
    transport,
    onerror: (err) => log(`stdio: ${err.message}`),
  });
  let closing = false;
  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await handle.close().catch(() => undefined);
    await onClose();
    process.exit(0);
  };
  void transport.done.then(close);
  process.on("SIGTERM", () => void close());
  process.on("SIGINT", () => void close());
}

/** The configured server on stdio, one API client for the connection; the front door's handover, if it had one. */
export function serveConfigured(config: Config, stopSandbox: () => Promise<void>, handover?: Handover): void {
  const client = clientFromConfig(config);
  const onClose = async (): Promise<void> => {
    await stopJobs("the server was closed");
    await client.close();
    await stopSandbox();
  };
  serveStdio(({ era }) => createServer(config, { client, changes: { kind: "connection", era } }), onClose, handover);
}
