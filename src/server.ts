// Builds the MCP server from a Config: tools, resources, prompts. No I/O here;
// transports connect it.

import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { FlownallyClient } from "./client/http.js";
import type { Config } from "./config.js";
import { FileRoots } from "./files/roots.js";
import { allTools } from "./tools/index.js";
import { registerTools, selectTools } from "./tools/registry.js";
import { VERSION } from "./version.js";

export interface ServerDeps {
  client: FlownallyClient;
}

export function instructions(config: Config): string {
  return [
    "Flownally workspace tools (contacts, tags, custom fields, events, conversations).",
    config.sandbox ? "This is a SANDBOX demo workspace: changes are simulated and vanish on exit." : "",
  ]
    .filter(Boolean)
    .join(" ");
}

export function createServer(config: Config, deps: ServerDeps): McpServer {
  const server = new McpServer(
    { name: "flownally", title: "Flownally", version: VERSION },
    { instructions: instructions(config), capabilities: { logging: {} } },
  );
  const tools = selectTools(allTools, config);
  const files = new FileRoots(config.fileRoots);
  files.attach(server.server);
  registerTools(server, tools, { client: deps.client, maxResultTokens: config.maxResultTokens, files });
  return server;
}
