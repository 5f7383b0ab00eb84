// Build time: asks the real server (createServer, raw JSON-RPC) how it answers
// the opening of a session — a 2025-era one over the SDK's in-memory transport,
// a 2026-era one through the SDK's own stdio entry — for the stdio front door to
// give the same answers without loading the SDK (src/transports/stdio-front.ts).
// test/stdio-front.test.ts holds the two equal.

import { EXTENSION_ID, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import {
  type ClientCapabilities,
  InMemoryTransport,
  type JSONRPCMessage,
  type JSONRPCRequest,
  SUPPORTED_PROTOCOL_VERSIONS,
  type Transport,
} from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { clientFromConfig } from "../src/client/config.js";
import { parseCli } from "../src/config.js";
import { createServer } from "../src/server.js";
import type { Opening } from "../src/tools/listing.js";

/** A revision no server speaks: initialize then settles on the server's own choice. */
const UNKNOWN_VERSION = "1900-01-01";

function configured() {
  const command = parseCli([], { FLOWNALLY_API_KEY: "build" });
  if (command.kind !== "serve") throw new Error("unexpected CLI result");
  return command.config;
}

/** One fresh server answering `requests` in order; the results by request id. */
async function ask(requests: readonly Omit<JSONRPCRequest, "jsonrpc">[]): Promise<Map<unknown, unknown>> {
  const config = configured();
  const client = clientFromConfig(config);
  const server = createServer(config, { client });
  const [ours, theirs] = InMemoryTransport.createLinkedPair();
  const results = new Map<unknown, unknown>();
  ours.onmessage = (message: JSONRPCMessage) => {
    if ("id" in message && "result" in message) results.set(message.id, message.result);
    if ("id" in message && "error" in message) throw new Error(`opening: ${JSON.stringify(message.error)}`);
  };
  await server.connect(theirs);
  await ours.start();
  for (const request of requests) {
    await ours.send({ jsonrpc: "2.0", ...request } as JSONRPCMessage);
    for (let i = 0; !results.has(request.id) && i < 1000; i++) await new Promise((r) => setImmediate(r));
    if (!results.has(request.id)) throw new Error(`opening: no answer to ${request.method}`);
    if (request.method === "initialize") await ours.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  }
  await server.close();
  await client.close();
  return results;
}

const initialize = (protocolVersion: string, capabilities: ClientCapabilities = {}) => ({
  id: "initialize",
  method: "initialize",
  params: { protocolVersion, capabilities, clientInfo: { name: "build", version: "0" } },
});

/** A 2026-era request's _meta envelope. */
const envelope = (revision: string) => ({
  "io.modelcontextprotocol/protocolVersion": revision,
  "io.modelcontextprotocol/clientInfo": { name: "build", version: "0" },
  "io.modelcontextprotocol/clientCapabilities": {},
});

/** One stdio connection as the SDK's own entry serves it, fed `requests` as a 2026-era client: results by id. */
async function askModern(revision: string, methods: readonly string[]): Promise<Map<unknown, unknown>> {
  const config = configured();
  const client = clientFromConfig(config);
  const results = new Map<unknown, unknown>();
  const wire: Transport = {
    start: async () => {},
    close: async () => {},
    send: async (message) => {
      if ("id" in message && "result" in message) results.set(message.id, message.result);
      if ("id" in message && "error" in message) results.set(message.id, { error: message.error });
    },
  };
  const handle = serveStdio(({ era }) => createServer(config, { client, changes: { kind: "connection", era } }), {
    transport: wire,
  });
  // The entry starts its transport on its own schedule: wait until it listens.
  for (let i = 0; !wire.onmessage && i < 1000; i++) await new Promise((r) => setImmediate(r));
  for (const method of methods) {
    wire.onmessage?.({ jsonrpc: "2.0", id: method, method, params: { _meta: envelope(revision) } });
    for (let i = 0; !results.has(method) && i < 1000; i++) await new Promise((r) => setImmediate(r));
    if (!results.has(method)) throw new Error(`opening: no 2026-era answer to ${method}`);
  }
  await handle.close();
  await client.close();
  return results;
}

async function captureModern(): Promise<Opening["modern"]> {
  // No ping: the 2026-07-28 revision has none (a ping is the SDK's to refuse).
  const methods = ["tools/list", "resources/list", "resources/templates/list", "prompts/list", "server/discover"];
  // The revision this server is built to speak; server/discover's answer says which others it also takes.
  const answered = await askModern("2026-07-28", methods);
  const revisions = (answered.get("server/discover") as { supportedVersions?: string[] }).supportedVersions ?? [];
  if (!revisions.includes("2026-07-28")) throw new Error("opening: the server does not speak 2026-07-28");
  const answers: Record<string, Record<string, unknown>> = {};
  for (const method of methods) {
    const result = answered.get(method) as Record<string, unknown>;
    if ("error" in result) throw new Error(`opening: ${method} answered ${JSON.stringify(result.error)}`);
    // The tools depend on the configuration: the front door puts the selection's in.
    const { tools: _, ...rest } = result;
    answers[method] = method === "tools/list" ? rest : result;
  }
  return { revisions, answers };
}

/** What a client declares to be shown the MCP App views (src/views/). */
const UI: ClientCapabilities = { extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } } };

export async function captureOpening(): Promise<Opening> {
  const lists = ["resources/list", "resources/templates/list", "prompts/list"];
  const opened = await ask([initialize(UNKNOWN_VERSION), ...lists.map((method) => ({ id: method, method }))]);
  const openedUi = await ask([initialize(UNKNOWN_VERSION, UI), ...lists.map((method) => ({ id: method, method }))]);
  const { protocolVersion: fallback, ...rest } = opened.get("initialize") as { protocolVersion: string };
  // Which revisions initialize settles on as asked, found by asking, not assumed.
  const accepted: string[] = [];
  for (const version of SUPPORTED_PROTOCOL_VERSIONS) {
    const answer = (await ask([initialize(version)])).get("initialize") as { protocolVersion: string };
    if (answer.protocolVersion === version && version !== fallback) accepted.push(version);
  }
  return {
    initialize: rest,
    versions: [fallback, ...accepted],
    lists: Object.fromEntries(lists.map((method) => [method, opened.get(method)])),
    modern: await captureModern(),
    uiLists: Object.fromEntries(lists.map((method) => [method, openedUi.get(method)])),
  };
}
