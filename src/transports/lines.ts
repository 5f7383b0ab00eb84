// Newline-delimited messages on a byte stream, for stdio: each line handed to
// whoever reads now (the front door, then the SDK's transport take turns on the
// same reader, so nothing is lost between them). A line too large to hold is
// skipped without being buffered and reported with its first bytes; writes wait
// for the pipe to drain. No MCP here: it costs nothing to load.

import type { Readable, Writable } from "node:stream";

/** Largest message read: 16 MiB, well over the inline upload limit (base64 of 2 MB) plus JSON-RPC framing. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface LineHandlers {
  line(text: string): void;
  /** A line over the limit, skipped: its size and first bytes (to find its id). */
  oversized(bytes: number, head: string): void;
  /** The input ended (the client closed stdin) or failed. */
  end(): void;
}

export class LineReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private skipping: { bytes: number; head: string } | undefined;
  private ended = false;

  constructor(
    private handlers: LineHandlers,
    private readonly input: Readable = process.stdin,
    private readonly output: Writable = process.stdout,
    readonly maxBytes = MAX_MESSAGE_BYTES,
  ) {
    input.on("data", this.onData);
    input.once("end", this.onEnd);
    input.once("error", this.onEnd);
  }

  /** Hands the lines still to come to someone else; a line in the middle of arriving goes to them too. */
  handOver(handlers: LineHandlers): void {
    this.handlers = handlers;
    if (this.ended) handlers.end();
  }

  async write(text: string): Promise<void> {
    if (!this.output.write(text)) await new Promise<void>((resolve) => this.output.once("drain", resolve));
  }

  /** Stops reading: later data is ignored. */
  stop(): void {
    this.input.off("data", this.onData);
    this.chunks = [];
  }

  private readonly onEnd = (): void => {
    if (this.ended) return;
    this.ended = true;
    this.handlers.end();
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
      const { bytes, head } = this.skipping;
      this.skipping = undefined;
      this.handlers.oversized(bytes, head);
      return;
    }
    const line = Buffer.concat(this.chunks, this.size).toString("utf8").replace(/\r$/, "");
    this.chunks = [];
    this.size = 0;
    if (line.trim() !== "") this.handlers.line(line);
  }
}

/** The id of a JSON-RPC message from its first bytes, when it shows one (to answer a message not read whole). */
export function idInHead(head: string): string | number | undefined {
  const id = /"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)/.exec(head)?.[1];
  return id === undefined ? undefined : (JSON.parse(id) as string | number);
}

/** The error answer to a message too large to read, naming the limit and what to do instead. */
export function oversizedAnswer(bytes: number, maxBytes: number, head: string): { text: string; answer?: string } {
  const mb = (n: number) => `${Math.round(n / 1024 / 102.4) / 10} MB`;
  const text = `Message of ${mb(bytes)} is over this server's ${mb(maxBytes)} limit and was not read. Pass large content by file path (e.g. upload_media filePath) instead of inline.`;
  const id = idInHead(head);
  if (id === undefined) return { text };
  // JSON-RPC "Invalid Request": refused before it was read.
  return { text, answer: `${JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32600, message: text } })}\n` };
}
