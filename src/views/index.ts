// MCP App views (@modelcontextprotocol/ext-apps): offered only to a client that
// declares the UI extension (capability.ts). For it, the tools whose results a
// view shows name the view in their tools/list entry (`_meta.ui.resourceUri`),
// the views' app-only tools are listed for the host to give the view alone
// (`visibility: ["app"]`), and the ui:// resources are listed and readable.
// For any other client tools/list, results and resources/list are exactly
// what they are without views.

import { RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY, registerAppResource } from "@modelcontextprotocol/ext-apps/server";
import type { Tool as ListedTool, McpServer, ServerContext } from "@modelcontextprotocol/server";
import type { Profile } from "../pointers.js";
import { callTool, listedTool, type RegistryOptions, type Served, type ToolExtension } from "../tools/registry.js";
import type { Tool } from "../tools/types.js";
import { VIEWS, type View, viewOf } from "./catalog.js";
import { ClientUi } from "./client-ui.js";
import { viewHtml } from "./html.js";

/**
 * How the views are shown: with a border, and no network of their own (no
 * connect, resource, frame or base domains; the HTML carries the same CSP).
 */
const UI_META = {
  csp: { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] },
  prefersBorder: true,
};

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
    const names = new Set(served.map((t) => t.name));
    const offered = VIEWS.filter((v) => offers(v, (name) => names.has(name)));
    const linked = served.map((t) => {
      const view = viewOf(t.name);
      return view && offered.includes(view) ? withView(t, view) : t;
    });
    const tools = await loadAppTools();
    const extra = offered.flatMap((v) => tools.filter((t) => v.appTools.includes(t.name)).map(appOnly));
    return [...linked, ...extra];
  }

  async find(name: string, isServed: (name: string) => boolean, ctx: ServerContext): Promise<Served | undefined> {
    if (!this.ui.request(ctx) || !VIEWS.some((v) => v.appTools.includes(name) && offers(v, isServed))) return;
    const tool = (await loadAppTools()).find((t) => t.name === name);
    if (!tool) return;
    // What the app-only tools' texts (and their answers' canTag, canReply) may name: what this server serves.
    const profile: Profile = { serves: isServed, operation: () => undefined };
    return {
      listed: appOnly(tool),
      call: (args, toolCtx) => callTool(tool, args, toolCtx, { ...this.options, profile }),
    };
  }

  /** The ui:// resources; call once the other resources are registered (capabilities keep their order). */
  registerResources(): void {
    for (const view of VIEWS) {
      const resource = registerAppResource(
        this.server,
        `view-${view.id}`,
        view.uri,
        { title: view.title, description: view.description, _meta: { ui: UI_META } },
        async () => ({
          contents: [
            { uri: view.uri, mimeType: RESOURCE_MIME_TYPE, text: await viewHtml(view.id), _meta: { ui: UI_META } },
          ],
        }),
      );
      // McpServer lists and reads only enabled resources and gives their handlers no say per request:
      // enabled is asked of the client behind this instance each time, and never changes by notification.
      Object.defineProperty(resource, "enabled", { get: () => this.ui.connection(), set: () => {} });
    }
  }
}

/** Whether a view is offered where `isServed` tells what is served: some tool whose results it shows is. */
function offers(view: View, isServed: (name: string) => boolean): boolean {
  return view.tools.some(isServed);
}

/** A tools/list entry that names its view, in both forms hosts read (ext-apps' registerAppTool writes both). */
function withView(tool: ListedTool, view: View): ListedTool {
  return { ...tool, _meta: { ...tool._meta, ui: { resourceUri: view.uri }, [RESOURCE_URI_META_KEY]: view.uri } };
}

function appOnly(tool: Tool): ListedTool {
  return { ...listedTool(tool), _meta: { ui: { visibility: ["app"] } } };
}
