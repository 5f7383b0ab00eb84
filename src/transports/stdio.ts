// Serves one MCP session over stdin/stdout and exits cleanly when stdin closes.

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

export async function serveStdio(server: McpServer, onClose: () => Promise<void>): Promise<void> {
  const transport = new StdioServerTransport();
  let closing = false;
  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await server.close().catch(() => undefined);
    await onClose();
    process.exit(0);
  };
  process.stdin.on("end", close);
  process.stdin.on("close", close);
  process.on("SIGTERM", close);
  process.on("SIGINT", close);
  await server.connect(transport);
}
