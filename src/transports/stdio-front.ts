// The front door of a stdio connection: answers the opening a client sends — a
// 2025-era initialize, then the lists it asks for at once (tools, resources,
// resource templates, prompts) and ping; or a 2026-era client's first requests
// (the same lists, server/discover) — from answers the build captured from
// the real server (scripts/capture-opening.ts), without loading the MCP SDK. The
// first message it does not answer (a call, a read) hands the connection to the
// SDK with the opening message and everything read since, to be read again;
// the SDK's answer to the replayed opening is dropped, having been given once.
// So a server that is connected but never called starts and stays small.

import type { Tool as ListedTool, RequestId } from "@modelcontextprotocol/server";
import { log } from "../log.js";
import type { Opening } from "../tools/listing.js";
import { declaresUi } from "../views/capability.js";
import { LineReader, oversizedAnswer } from "./lines.js";
import type { Handover } from "./stdio.js";

export interface FrontOptions {
  opening: Opening;
  /** The tools/list entries this configuration serves. */
  tools: readonly ListedTool[];
  /** The same for a client that declares the MCP Apps UI extension: with the views' links and app-only tools. */
  uiTools(): readonly ListedTool[];
  /** What this configuration tells the client about the server (src/instructions.ts). */
  instructions: string;
  /** Loads the SDK server and gives it the connection. */
  handover(handover: Handover): void;
  /** stdin ended before anything needed the SDK. */
  ended(): void;
}

/** The key a 2026-era request carries in its _meta; such a connection is the SDK's from its first line. */
const ERA_CLAIM = "io.modelcontextprotocol/protocolVersion";
/** Where a 2026-era request declares the client's capabilities. */
const CAPABILITIES_CLAIM = "io.modelcontextprotocol/clientCapabilities";

interface Message {
  id?: RequestId;
  method?: string;
  params?: { protocolVersion?: unknown; capabilities?: unknown; cursor?: unknown; _meta?: Record<string, unknown> };
}

export function serveFront(options: FrontOptions): void {
  const { opening } = options;
  const replay: string[] = [];
  const answered: RequestId[] = [];
  /** The era the opening settled; undefined before it. */
  let era: "legacy" | "modern" | undefined;
  let handedOver = false;

  // A client that shows MCP App views is listed them too (src/views/): known at its initialize.
  let answers: Readonly<Record<string, unknown>> = {};
  const { instructions } = options;
  const modernAnswers: Readonly<Record<string, unknown>> = {
    ...opening.modern.answers,
    "tools/list": { tools: options.tools, ...opening.modern.answers["tools/list"] },
    "server/discover": { ...opening.modern.answers["server/discover"], instructions },
  };

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
    if (!message || method === undefined) return false;
    const claim = message.params?._meta?.[ERA_CLAIM];
    if (claim !== undefined) return era !== "legacy" && answeredModern(message, method, claim, line);
    if (era === undefined) {
      const requested = message.params?.protocolVersion;
      if (method !== "initialize" || message.id === undefined || typeof requested !== "string") return false;
      answers = declaresUi(message.params?.capabilities)
        ? { ...opening.uiLists, "tools/list": { tools: options.uiTools() } }
        : { ...opening.lists, "tools/list": { tools: options.tools } };
      // As the SDK settles it: the version asked for when it speaks it, else its newest 2025-era one.
      const protocolVersion = opening.versions.includes(requested) ? requested : opening.versions[0];
      answer(message.id, { ...opening.initialize, instructions, protocolVersion });
      opens(message.id, line, "legacy");
      return true;
    }
    if (era === "modern") return false;
    if (method === "notifications/initialized" && message.id === undefined) {
      replay.push(line);
      return true;
    }
    return answeredFrom(answers, message, method);
  };

  /** A 2026-era request: each carries its revision; the first one pins the connection's era for the SDK. */
  const answeredModern = (message: Message, method: string, claim: unknown, line: string): boolean => {
    if (typeof claim !== "string" || !opening.modern.revisions.includes(claim)) return false;
    // A 2026-era client declares its capabilities on each request; one showing views is the SDK's to list.
    if (declaresUi(message.params?._meta?.[CAPABILITIES_CLAIM])) return false;
    if (!answeredFrom(modernAnswers, message, method)) return false;
    if (era === undefined && message.id !== undefined) opens(message.id, line, "modern");
    return true;
  };

  const answeredFrom = (from: Readonly<Record<string, unknown>>, message: Message, method: string): boolean => {
    const result = method === "ping" && era === "legacy" ? {} : from[method];
    // A page other than the first is the SDK's to answer (none of these lists pages today).
    if (result === undefined || message.id === undefined || message.params?.cursor !== undefined) return false;
    answer(message.id, result);
    return true;
  };

  /** The opening message: the SDK reads it again on the hand-over (it settles the era there too), its answer dropped. */
  const opens = (id: RequestId, line: string, settled: "legacy" | "modern"): void => {
    answered.push(id);
    replay.push(line);
    era = settled;
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
