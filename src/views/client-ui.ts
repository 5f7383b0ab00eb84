// Whether the client behind a request renders views: in the 2025 era its
// initialize capabilities say, in the 2026 era each request's envelope does.

import { CLIENT_CAPABILITIES_META_KEY, type Server, type ServerContext } from "@modelcontextprotocol/server";
import { declaresUi } from "./capability.js";

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
