// Whether the client renders MCP App views: it declares the UI extension
// (io.modelcontextprotocol/ui) with the MCP App HTML type among its mimeTypes,
// in the 2025 era in its initialize capabilities, in the 2026 era in each
// request's envelope.

import { EXTENSION_ID, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import { CLIENT_CAPABILITIES_META_KEY, type Server, type ServerContext } from "@modelcontextprotocol/server";

/** Whether client capabilities (as sent: any JSON) declare the UI extension with MCP App HTML. */
export function declaresUi(capabilities: unknown): boolean {
  const types = member(member(member(capabilities, "extensions"), EXTENSION_ID), "mimeTypes");
  return Array.isArray(types) && types.includes(RESOURCE_MIME_TYPE);
}

/** The client behind one server instance (a connection, or one 2026-era HTTP request). */
export class ClientUi {
  /** A 2026-era request on this instance declared the extension (stdio keeps one instance per connection). */
  private seen = false;

  constructor(private readonly server: Server) {}

  /** For a request: its own envelope when it has one (2026 era), else the connection's initialize (2025 era). */
  request(ctx: ServerContext): boolean {
    const envelope: Readonly<Record<string, unknown>> | undefined = ctx.mcpReq.envelope;
    if (envelope === undefined) return this.connection();
    const declared = declaresUi(envelope[CLIENT_CAPABILITIES_META_KEY]);
    if (declared) this.seen = true;
    return declared;
  }

  /**
   * For what is answered without the request at hand (McpServer's resources/list
   * and read): the connection's initialize, a 2026-era HTTP request's envelope
   * (the SDK fills it in per request), or a 2026-era request seen on this connection.
   */
  connection(): boolean {
    return this.seen || declaresUi(this.server.getClientCapabilities());
  }
}

function member(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
