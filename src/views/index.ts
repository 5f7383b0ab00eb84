// MCP App views (@modelcontextprotocol/ext-apps): offered only to a client that
// declares the UI extension (capability.ts). For it, tools/list names each
// tool's view and adds the app-only tools (listing.ts), which it may call, and
// the ui:// resources are listed and readable. For any other client tools/list,
// results and resources/list are exactly what they are without views.

import { RESOURCE_MIME_TYPE, registerAppResource } from "@modelcontextprotocol/ext-apps/server";
import type { Tool as ListedTool, McpServer, ServerContext } from "@modelcontextprotocol/server";
import type { Profile } from "../pointers.js";
import { listedTool } from "../tools/listed.js";
import { PRECOMPUTED } from "../tools/listing.js";
import { callTool, type RegistryOptions, type Served, type ToolExtension } from "../tools/registry.js";
import type { Tool } from "../tools/types.js";
import { VIEWS } from "./catalog.js";
import { ClientUi } from "./client-ui.js";
import { viewHtml } from "./html.js";
import { appOnly, offeredViews, withViews } from "./listing.js";

/**
 * How the views are shown: with a border, and no network of their own (no
 * connect, resource, frame or base domains; the HTML carries the same CSP).
 */
const UI_META = {
  csp: { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] },
  prefersBorder: true,
};

/**
 * The size cap of an app-only tool's answer, in place of --max-result-tokens: it goes
 * to the view, not the model, and a cut page would leave rows out of the table.
 */
const APP_RESULT_TOKENS = 250_000;

let appTools: Promise<readonly Tool[]> | undefined;
function loadAppTools(): Promise<readonly Tool[]> {
  appTools ??= import("./tools.js").then((m) => m.appTools);
  return appTools;
}

export class Views implements ToolExtension {
  private readonly ui: ClientUi;

  constructor(
    private readonly server: McpServer,
    private readonly options: RegistryOptions,
  ) {
    this.ui = new ClientUi(server.server);
  }

  async list(served: ListedTool[], ctx: ServerContext): Promise<ListedTool[]> {
    if (!this.ui.request(ctx)) return served;
    // The built server has the app-only tools' entries precomputed, like the catalogue's.
    const tools = PRECOMPUTED ? [] : await loadAppTools();
    return withViews(served, (name) => PRECOMPUTED?.listing[name] ?? listedTool(byName(tools, name)));
  }

  async find(name: string, isServed: (name: string) => boolean, ctx: ServerContext): Promise<Served | undefined> {
    if (!this.ui.request(ctx) || !offeredViews(isServed).some((v) => v.appTools.includes(name))) return;
    const tool = byName(await loadAppTools(), name);
    // What the app-only tools' texts (and their answers' canTag, canReply) may name: what this server serves.
    const profile: Profile = { serves: isServed, operation: () => undefined };
    return {
      listed: appOnly(listedTool(tool)),
      call: (args, toolCtx) =>
        callTool(tool, args, toolCtx, { ...this.options, profile, maxResultTokens: APP_RESULT_TOKENS }),
    };
  }

  /** The ui:// resources; call once the other resources are registered (capabilities keep their order). */
  registerResources(): void {
    // McpServer lists and reads only enabled resources and gives their handlers no say per request:
    // enabled is asked of the client behind this instance each time, and never changes by notification.
    const enabled = { get: () => this.ui.connection(), set: () => {} };
    for (const { name, uri, metadata, read } of VIEW_RESOURCES) {
      Object.defineProperty(registerAppResource(this.server, name, uri, metadata, read), "enabled", enabled);
    }
  }
}

// The same for every instance (an HTTP server makes one per 2026-era request): built once.
const VIEW_RESOURCES = VIEWS.map((view) => ({
  name: `view-${view.id}`,
  uri: view.uri,
  metadata: { title: view.title, description: view.description, _meta: { ui: UI_META } },
  read: async () => ({
    contents: [{ uri: view.uri, mimeType: RESOURCE_MIME_TYPE, text: await viewHtml(view.id), _meta: { ui: UI_META } }],
  }),
}));

function byName(tools: readonly Tool[], name: string): Tool {
  const tool = tools.find((t) => t.name === name);
  if (!tool) throw new Error(`no app-only tool ${name}`);
  return tool;
}
