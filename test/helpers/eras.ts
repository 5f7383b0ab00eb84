// One small interface over a real client of each protocol era, so a test of a
// main job runs unchanged through both: the v1 SDK client speaks 2025-11-25
// (initialize, resources/subscribe, logging/setLevel), the v2 SDK client
// pinned to 2026-07-28 speaks the stateless revision (server/discover,
// subscriptions/listen, per-request _meta). Each connects in process, over the
// built binary's stdio, or over HTTP.

import {
  Client,
  LOG_LEVEL_META_KEY,
  type LoggingLevel,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as V1StdioTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport as V1HttpTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport as V1InMemory } from "@modelcontextprotocol/sdk/inMemory.js";
import {
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { FlownallyClient } from "../../src/client/http.js";
import type { Config } from "../../src/config.js";
import { createServer } from "../../src/server.js";
import { Tenants } from "../../src/transports/http/tenants.js";

export const ERAS = ["2025-11-25", "2026-07-28"] as const;
export type EraName = (typeof ERAS)[number];

export interface CallOptions {
  onprogress?: (progress: { progress: number; total?: number | undefined }) => void;
  signal?: AbortSignal;
}

/** What a test of a main job needs from a client, the same in either era. */
export interface EraClient {
  era: EraName;
  /** The SDK client itself, for what this interface does not cover. */
  raw: V1Client | Client;
  /** The era the connection actually landed on, as the client reports it. */
  negotiated(): string | undefined;
  listTools(): Promise<{ name: string }[]>;
  callTool(name: string, args?: Record<string, unknown>, options?: CallOptions): Promise<CallToolResult>;
  readResource(uri: string): Promise<string>;
  /** Subscribes to one resource; `onUpdated` hears its notifications/resources/updated. */
  subscribe(uri: string, onUpdated: (uri: string) => void): Promise<void>;
  listPrompts(): Promise<string[]>;
  getPrompt(name: string, args: Record<string, string>): Promise<string>;
  completePrompt(prompt: string, argument: string, value: string): Promise<string[]>;
  /** Asks for log messages at `level` and above; `onLog` hears them. */
  logAt(level: LoggingLevel, onLog: (data: unknown) => void): Promise<void>;
  close(): Promise<void>;
}

/** How a user answers a form: the client shows `message` and returns the user's choice. */
export type Answer = (message: string) => "accept" | "decline" | "cancel";

export interface EraOptions {
  /** Declares form elicitation (both eras: `capabilities.elicitation`) and answers every form with this. */
  elicit?: Answer;
}

/** An elicitation result for the user's choice: an accepted form carries its (empty) content. */
function answered(answer: Answer, message: string) {
  const action = answer(message);
  return action === "accept" ? { action, content: {} } : { action };
}

type Where =
  /** An in-process server acting with `config`'s key and base URL. */
  | { kind: "memory"; config: Config }
  | { kind: "stdio"; args: string[]; env?: Record<string, string> }
  | { kind: "http"; url: string; token?: string };

export async function connectEra(era: EraName, where: Where, options: EraOptions = {}): Promise<EraClient> {
  return era === "2025-11-25" ? connectLegacy(where, options) : connectModern(where, options);
}

async function connectLegacy(where: Where, { elicit }: EraOptions): Promise<EraClient> {
  const client = new V1Client({ name: "era-2025", version: "1.0.0" }, elicit && { capabilities: { elicitation: {} } });
  // The server asks through a real elicitation/create request (the SDK's legacy shim).
  if (elicit) client.setRequestHandler(ElicitRequestSchema, (req) => answered(elicit, req.params.message));
  let closeServer = async (): Promise<void> => {};
  if (where.kind === "memory") {
    const api = apiClient(where.config);
    const server = createServer(where.config, { client: api });
    const [clientSide, serverSide] = V1InMemory.createLinkedPair();
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    closeServer = async () => {
      await server.close();
      await api.close();
    };
  } else if (where.kind === "stdio") {
    await client.connect(new V1StdioTransport(stdioParams(where)));
  } else {
    await client.connect(new V1HttpTransport(new URL(where.url), httpInit(where.token)));
  }
  const updated = new Map<string, (uri: string) => void>();
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updated.get(n.params.uri)?.(n.params.uri));
  return {
    era: "2025-11-25",
    raw: client,
    negotiated: () => client.getServerVersion() && "legacy",
    listTools: async () => (await client.listTools()).tools,
    callTool: async (name, args = {}, options = {}) =>
      (await client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult,
    readResource: async (uri) => textOfContents((await client.readResource({ uri })).contents),
    subscribe: async (uri, onUpdated) => {
      updated.set(uri, onUpdated);
      await client.subscribeResource({ uri });
    },
    listPrompts: async () => (await client.listPrompts()).prompts.map((p) => p.name),
    getPrompt: async (name, args) => promptText((await client.getPrompt({ name, arguments: args })).messages),
    completePrompt: async (prompt, argument, value) =>
      (await client.complete({ ref: { type: "ref/prompt", name: prompt }, argument: { name: argument, value } }))
        .completion.values,
    logAt: async (level, onLog) => {
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => onLog(n.params.data));
      await client.setLoggingLevel(level);
    },
    close: async () => {
      await client.close();
      await closeServer();
    },
  };
}

async function connectModern(where: Where, { elicit }: EraOptions): Promise<EraClient> {
  const client = new Client(
    { name: "era-2026", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } }, ...(elicit && { capabilities: { elicitation: {} } }) },
  );
  // The server answers input_required; the client fulfils it through this handler and retries the call.
  if (elicit) client.setRequestHandler("elicitation/create", (req) => answered(elicit, req.params.message));
  let closeServer = async (): Promise<void> => {};
  if (where.kind === "memory") {
    // The HTTP transport's own per-key wiring, driven through its fetch in process.
    const config = where.config;
    const tenants = new Tenants({ config, newClient: () => apiClient(config), stateless: true, max: 1 });
    const tenant = tenants.acquire(Buffer.from("memory"), "memory");
    if (!tenant) throw new Error("no tenant");
    const fetch = (url: string | URL, init?: RequestInit) => tenant.handler.fetch(new Request(url, init));
    await client.connect(new StreamableHTTPClientTransport(new URL("http://memory.test/mcp"), { fetch }));
    closeServer = () => tenants.closeAll();
  } else if (where.kind === "stdio") {
    await client.connect(new StdioClientTransport(stdioParams(where)));
  } else {
    await client.connect(new StreamableHTTPClientTransport(new URL(where.url), httpInit(where.token)));
  }
  const updated = new Map<string, (uri: string) => void>();
  client.setNotificationHandler("notifications/resources/updated", (n) => updated.get(n.params.uri)?.(n.params.uri));
  const subscriptions: { close(): Promise<void> }[] = [];
  // The 2026 revision has no logging/setLevel: each request says the level it wants in its _meta.
  let logLevel: LoggingLevel | undefined;
  return {
    era: "2026-07-28",
    raw: client,
    negotiated: () => client.getProtocolEra(),
    listTools: async () => (await client.listTools()).tools,
    callTool: (name, args = {}, options = {}) =>
      client.callTool(
        { name, arguments: args, ...(logLevel && { _meta: { [LOG_LEVEL_META_KEY]: logLevel } }) },
        options,
      ),
    readResource: async (uri) => textOfContents((await client.readResource({ uri })).contents),
    subscribe: async (uri, onUpdated) => {
      updated.set(uri, onUpdated);
      subscriptions.push(await client.listen({ resourceSubscriptions: [uri] }));
    },
    listPrompts: async () => (await client.listPrompts()).prompts.map((p) => p.name),
    getPrompt: async (name, args) => promptText((await client.getPrompt({ name, arguments: args })).messages),
    completePrompt: async (prompt, argument, value) =>
      (await client.complete({ ref: { type: "ref/prompt", name: prompt }, argument: { name: argument, value } }))
        .completion.values,
    logAt: async (level, onLog) => {
      client.setNotificationHandler("notifications/message", (n) => onLog(n.params.data));
      logLevel = level;
    },
    close: async () => {
      await Promise.all(subscriptions.map((s) => s.close().catch(() => undefined)));
      await client.close();
      await closeServer();
    },
  };
}

function apiClient(config: Config): FlownallyClient {
  return new FlownallyClient({ baseUrl: config.baseUrl, apiKey: config.apiKey ?? "", userAgent: "flownally-mcp/test" });
}

function stdioParams(where: { args: string[]; env?: Record<string, string> }) {
  return {
    command: process.execPath,
    args: ["dist/cli.js", ...where.args],
    env: { PATH: process.env.PATH ?? "", ...where.env },
    stderr: "ignore" as const,
  };
}

function httpInit(token: string | undefined) {
  return { requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} } };
}

function textOfContents(contents: readonly { uri: string; text?: unknown }[]): string {
  return contents.map((c) => (typeof c.text === "string" ? c.text : "")).join("");
}

function promptText(messages: readonly { content: { type: string; text?: unknown } }[]): string {
  return messages.map((m) => (m.content.type === "text" ? String(m.content.text) : "")).join("\n");
}
