// Build time: asks the real server (createServer, over the SDK's in-memory
// transport, raw JSON-RPC) how it answers the opening of a 2025-era session,
// for the stdio front door to give the same answers without loading the SDK
// (src/transports/stdio-front.ts). test/stdio-front.test.ts holds the two equal.

import {
  InMemoryTransport,
  type JSONRPCMessage,
  type JSONRPCRequest,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/server";
import { clientFromConfig } from "../src/client/config.js";
import { parseCli } from "../src/config.js";
import { createServer } from "../src/server.js";
import type { Opening } from "../src/tools/listing.js";

/** A revision no server speaks: initialize then settles on the server's own choice. */
const UNKNOWN_VERSION = "1900-01-01";

/** One fresh server answering `requests` in order; the results by request id. */
async function ask(requests: readonly Omit<JSONRPCRequest, "jsonrpc">[]): Promise<Map<unknown, unknown>> {
  const command = parseCli([], { FLOWNALLY_API_KEY: "build" });
  if (command.kind !== "serve") throw new Error("unexpected CLI result");
  const client = clientFromConfig(command.config);
  const server = createServer(command.config, { client });
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

const initialize = (protocolVersion: string) => ({
  id: "initialize",
  method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "build", version: "0" } },
});

export async function captureOpening(): Promise<Opening> {
  const lists = ["resources/list", "resources/templates/list", "prompts/list"];
  const opened = await ask([initialize(UNKNOWN_VERSION), ...lists.map((method) => ({ id: method, method }))]);
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
  };
}
