// tools/list for a client that renders views, from the served entries: each
// tool whose results a view shows names it (`_meta.ui.resourceUri`, in both
// forms hosts read, as ext-apps' registerAppTool writes them), then the offered
// views' app-only tools (`visibility: ["app"]`). A view is offered where a tool
// it shows is served. No SDK and no schema here: the stdio front door lists
// with it too, from the build's precomputed entries.

import { RESOURCE_URI_META_KEY } from "@modelcontextprotocol/ext-apps/server";
import type { Tool as ListedTool } from "@modelcontextprotocol/server";
import { VIEWS, type View, viewOf } from "./catalog.js";

/** `served` with the views' links and app-only tools; `appTool` gives an app-only tool's plain entry by name. */
export function withViews(served: readonly ListedTool[], appTool: (name: string) => ListedTool): ListedTool[] {
  const names = new Set(served.map((t) => t.name));
  const offered = offeredViews((name) => names.has(name));
  const linked = served.map((t) => {
    const view = viewOf(t.name);
    return view && offered.includes(view) ? withView(t, view) : t;
  });
  return [...linked, ...offered.flatMap((v) => v.appTools.map((name) => appOnly(appTool(name))))];
}

/** The views offered where `isServed` tells what is served. */
export function offeredViews(isServed: (name: string) => boolean): View[] {
  return VIEWS.filter((v) => v.tools.some(isServed));
}

/** An app-only tool's entry: hosts give it to the view, not the model. */
export function appOnly(tool: ListedTool): ListedTool {
  return { ...tool, _meta: { ui: { visibility: ["app"] } } };
}

function withView(tool: ListedTool, view: View): ListedTool {
  return { ...tool, _meta: { ...tool._meta, ui: { resourceUri: view.uri }, [RESOURCE_URI_META_KEY]: view.uri } };
}
