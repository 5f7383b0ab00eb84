// The front door of a stdio connection: answers the opening a 2025-era client
// sends — initialize, then the lists it asks for at once (tools, resources,
// resource templates, prompts) and ping — from answers the build captured
// from the real server (scripts/build.mjs), without loading the MCP SDK. The
// first message it does not answer (a call, a read, a 2026-era request) hands
// the connection to the SDK with everything read so far, to be read again; the
// SDK's answer to the replayed initialize is dropped, having been given once.
// So a server that is connected but never called starts and stays small.

import type { Tool as ListedTool, RequestId } from "@modelcontextprotocol/server";
import { log } from "../log.js";
import type { Opening } from "../tools/listing.js";
import { LineReader, oversizedAnswer } from "./lines.js";
import type { Handover } from "./stdio.js";

export interface FrontOptions {
  opening: Opening;
  /** The tools/list entries this configuration serves. */
  tools: readonly ListedTool[];
  /** Loads the SDK server and gives it the connection. */
  handover(handover: Handover): void;
  /** stdin ended before anything needed the SDK. */
  ended(): void;
}

/** The key a 2026-era request carries in its _meta; such a connection is the SDK's from its first line. */
const ERA_CLAIM = "io.modelcontextprotocol/protocolVersion";

interface Message {
  id?: RequestId;
  method?: string;
  params?: { protocolVersion?: unknown; cursor?: unknown; _meta?: Record<string, unknown> };
}

export function serveFront(options: FrontOptions): void {
  const { opening } = options;
  const replay: string[] = [];
  const answered: RequestId[] = [];
  let opened = false;
  let handedOver = false;

  const answers: Readonly<Record<string, unknown>> = { ...opening.lists, "tools/list": { tools: options.tools } };

  const answer = (id: RequestId, result: unknown): void => {
    void reader.write(`${JSON.stringify({ jsonrpc: "2.0", id, result })}\n`);
  };

  const handOver = (line: string): void => {
    handedOver = true;
    replay.push(line);
    options.handover({ reader, replay, answered });
  };

  /** Answers `line` when it is part of the opening; false when the SDK must. */
  const answeredHere = (line: string): boolean => {
    const message = parse(line);
    const method = message?.method;
    if (!message || method === undefined || message.params?._meta?.[ERA_CLAIM] !== undefined) return false;
    if (!opened) {
      const requested = message.params?.protocolVersion;
      if (method !== "initialize" || message.id === undefined || typeof requested !== "string") return false;
      // As the SDK settles it: the version asked for when it speaks it, else its newest 2025-era one.
      const protocolVersion = opening.versions.includes(requested) ? requested : opening.versions[0];
      answer(message.id, { ...opening.initialize, protocolVersion });
      answered.push(message.id);
      replay.push(line);
      opened = true;
      return true;
    }
    if (method === "notifications/initialized" && message.id === undefined) {
      replay.push(line);
      return true;
    }
    const result = method === "ping" ? {} : answers[method];
    // A page other than the first is the SDK's to answer (none of these lists pages today).
    if (result === undefined || message.id === undefined || message.params?.cursor !== undefined) return false;
    answer(message.id, result);
    return true;
  };

  const onLine = (line: string): void => {
    // Read while the SDK loads: the SDK reads it after the rest.
    if (handedOver) replay.push(line);
    else if (!answeredHere(line)) handOver(line);
  };

  const reader: LineReader = new LineReader({
    line: onLine,
    oversized: (bytes, head) => {
      const { text, answer: refusal } = oversizedAnswer(bytes, reader.maxBytes, head);
      log(`stdio: ${text}`);
      if (refusal !== undefined) void reader.write(refusal);
    },
    // Once handed over, the SDK's transport learns of the end when it takes the reader.
    end: () => {
      if (!handedOver) options.ended();
    },
  });
}

function parse(line: string): Message | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Message) : undefined;
  } catch {
    return undefined;
  }
}
