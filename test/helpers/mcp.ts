// Connects a real MCP client to a real server over the SDK's in-memory transport.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { clientFromConfig } from "../../src/client/config.js";
import type { ClientOptions, FlownallyClient } from "../../src/client/http.js";
import { type Config, parseCli } from "../../src/config.js";
import { createServer, type ServerDeps } from "../../src/server.js";

export const TEST_KEY = "test-key-5ecret-do-not-leak";

/**
 * Every tool, acting as an unattended automation does (--confirm never): tests
 * of what a call sends are about the call. Tests of asking first set the mode
 * they test (test/confirm.test.ts), and tools/list is checked as the default
 * (auto) lists it.
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const command = parseCli(["--toolsets", "all", "--confirm", "never"], {});
  if (command.kind !== "serve") throw new Error("unexpected");
  return { ...command.config, apiKey: TEST_KEY, ...overrides };
}

export interface Connected {
  client: Client;
  api: FlownallyClient;
  close(): Promise<void>;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
}

/**
 * `apiOptions` adds to the API client's options, e.g. a `sleep` that records
 * retry delays; `deps` to the server's, e.g. the clock its jobs run on.
 */
export async function connect(
  config: Config,
  clientOptions: ConstructorParameters<typeof Client>[1] = {},
  apiOptions: Partial<ClientOptions> = {},
  deps: Omit<ServerDeps, "client"> = {},
): Promise<Connected> {
  const api = clientFromConfig(config, {
    userAgent: "flownally-mcp/test",
    // Short back-off keeps tests fast; Retry-After is still honoured as sent.
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    ...apiOptions,
  });
  const server = createServer(config, { client: api, ...deps });
  const client = new Client({ name: "test", version: "1.0.0" }, clientOptions);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return {
    client,
    api,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
      await api.close();
    },
  };
}

/** The text a result carries, for results of either SDK's client (or callTool itself). */
export function textOf(result: { content: readonly { type: string; text?: unknown }[] }): string {
  return result.content.map((c) => (c.type === "text" ? String(c.text) : "")).join("\n");
}

/** A result's structured content, the API's JSON, for reading its fields. */
export function dataOf(result: CallToolResult): Record<string, unknown> {
  return result.structuredContent as Record<string, unknown>;
}
