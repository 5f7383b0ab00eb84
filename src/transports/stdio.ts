// Serves MCP over stdin/stdout in either protocol era (serveStdio pins the era
// at the opening exchange) and exits cleanly when stdin closes. Messages are
// newline-delimited JSON; one too large to hold is skipped without being
// buffered and answered with an error the client sees, instead of closing the
// connection (the SDK's own stdio transport closes on an oversized message).

import type { Readable, Writable } from "node:stream";
import {
  deserializeMessage,
  type JSONRPCMessage,
  type McpServerFactory,
  serializeMessage,
  type Transport,
} from "@modelcontextprotocol/server";
import { serveStdio as serveEras } from "@modelcontextprotocol/server/stdio";
import { log } from "../log.js";

/** Largest message read: 16 MiB, well over the inline upload limit (base64 of 4 MB) plus JSON-RPC framing. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** JSON-RPC "Invalid Request", the code for a message refused before it was read. */
const INVALID_REQUEST = -32600;

export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes skipped of a message over the limit, until its newline; the first bytes kept to find its id. */
  private skipping: { bytes: number; head: string } | undefined;
  private closed = false;
  private resolveDone: () => void = () => {};
  /** Settles once the transport has closed (stdin ended, or close() was called). */
  readonly done = new Promise<void>((resolve) => {
    this.resolveDone = resolve;
  });

  constructor(
    private readonly input: Readable = process.stdin,
    private readonly output: Writable = process.stdout,
    private readonly maxBytes = MAX_MESSAGE_BYTES,
  ) {}

  async start(): Promise<void> {
    this.input.on("data", this.onData);
    this.input.on("end", this.onEnd);
    this.input.on("error", this.onEnd);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return;
    const line = serializeMessage(message);
    if (!this.output.write(line)) await new Promise<void>((resolve) => this.output.once("drain", resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off("data", this.onData);
    this.input.off("end", this.onEnd);
    this.input.off("error", this.onEnd);
    this.chunks = [];
    this.onclose?.();
    this.resolveDone();
  }

  private readonly onEnd = (): void => {
    void this.close();
  };

  private readonly onData = (chunk: Buffer): void => {
    let rest = chunk;
    while (rest.length > 0) {
      const newline = rest.indexOf(0x0a);
      const part = newline === -1 ? rest : rest.subarray(0, newline);
      if (this.skipping) {
        this.skipping.bytes += part.length;
      } else if (this.size + part.length > this.maxBytes) {
        const head = Buffer.concat([...this.chunks, part])
          .subarray(0, 256)
          .toString("utf8");
        this.skipping = { bytes: this.size + part.length, head };
        this.chunks = [];
        this.size = 0;
      } else {
        this.chunks.push(part);
        this.size += part.length;
      }
      if (newline === -1) return;
      this.endOfLine();
      rest = rest.subarray(newline + 1);
    }
  };

  private endOfLine(): void {
    if (this.skipping) {
      this.refuseOversized(this.skipping);
      this.skipping = undefined;
      return;
    }
    const line = Buffer.concat(this.chunks, this.size).toString("utf8").replace(/\r$/, "");
    this.chunks = [];
    this.size = 0;
    if (line.trim() === "") return;
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(line);
    } catch (err) {
      this.onerror?.(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.onmessage?.(message);
  }

  /** Answers a message that was too large to read, when its id can be found in its first bytes. */
  private refuseOversized({ bytes, head }: { bytes: number; head: string }): void {
    const id = /"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)/.exec(head)?.[1];
    const mb = (n: number) => `${Math.round(n / 1024 / 102.4) / 10} MB`;
    const message = `Message of ${mb(bytes)} is over this server's ${mb(this.maxBytes)} limit and was not read. Pass large content by file path (e.g. upload_media filePath) instead of inline.`;
    log(`stdio: ${message}`);
    if (id === undefined) return;
    void this.send({
      jsonrpc: "2.0",
      id: JSON.parse(id) as string | number,
      error: { code: INVALID_REQUEST, message },
    });
  }
}

/** Serves `factory` on stdio until stdin closes or a signal comes, then runs onClose and exits 0. */
export function serveStdio(factory: McpServerFactory, onClose: () => Promise<void>): void {
  const transport = new LineTransport();
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
