// What every view shares: building elements (text only ever as text nodes),
// the host's theme, CSS variables and fonts, a header with the fullscreen
// switch, and starting the bridge.

import type { CallToolResult } from "@modelcontextprotocol/client";
import type { McpUiHostContext } from "@modelcontextprotocol/ext-apps";
import { Bridge, isRecord, type ViewHandlers } from "./bridge.js";

type Child = Node | string | number | false | null | undefined | readonly Child[];
type Props = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** An element with attributes, listeners (`onclick`…) and children; strings become text nodes, never markup. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else if (value !== false && value !== undefined) el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else if (child !== false && child !== null && child !== undefined)
      el.appendChild(document.createTextNode(String(child)));
  }
}

/** A table: one header cell for each of `headings`, and `rows` as its body. */
export function table(props: Props, headings: readonly Child[], rows: Child): HTMLTableElement {
  return h(
    "table",
    props,
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headings.map((heading) => h("th", {}, heading)),
      ),
    ),
    h("tbody", {}, rows),
  );
}

/** Replaces what `el` shows. */
export function show(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** Applies the host's theme, CSS variables and fonts, as ext-apps' style helpers do. */
export function applyHostContext(context: McpUiHostContext): void {
  const root = document.documentElement;
  if (context.theme) {
    root.setAttribute("data-theme", context.theme);
    root.style.colorScheme = context.theme;
  }
  for (const [name, value] of Object.entries(context.styles?.variables ?? {})) {
    if (value !== undefined) root.style.setProperty(name, value);
  }
  const fonts = context.styles?.css?.fonts;
  if (fonts && !document.getElementById("host-fonts"))
    document.head.appendChild(h("style", { id: "host-fonts" }, fonts));
  if (context.displayMode) root.setAttribute("data-display-mode", context.displayMode);
}

/** What the views' content depends on in the host context: dates, numbers, the fullscreen switch. */
const RENDERED = ["locale", "timeZone", "availableDisplayModes"];

/** Starts a view: connects to the host and follows its context; `start` returns the view's handlers. */
export function startView(name: string, start: (bridge: Bridge) => ViewHandlers): void {
  let handlers: ViewHandlers = {};
  const bridge = new Bridge(name, {
    toolInput: (args) => handlers.toolInput?.(args),
    toolResult: (result) => handlers.toolResult?.(result),
    toolCancelled: (reason) => handlers.toolCancelled?.(reason),
    hostContext: (changed) => {
      applyHostContext(changed);
      // Theme and styles need no new content; a re-render would lose what is being typed.
      if (RENDERED.some((key) => key in changed)) handlers.hostContext?.(changed);
    },
  });
  handlers = start(bridge);
  bridge.connect().then(applyHostContext, (err: unknown) => {
    document.body.append(h("p", { class: "banner error" }, `Could not connect to the host: ${String(err)}`));
  });
}

/** The view's header: a title, a line under it, and the fullscreen switch where the host offers it. */
export function header(bridge: Bridge, title: Child, subtitle: Child, ...actions: Child[]): HTMLElement {
  const fullscreen = bridge.offers("fullscreen")
    ? h(
        "button",
        {
          class: "ghost",
          title: "Fullscreen",
          "aria-label": "Toggle fullscreen",
          onclick: () => {
            const next = bridge.context.displayMode === "fullscreen" ? "inline" : "fullscreen";
            bridge
              .requestDisplayMode(next)
              .then((mode) => document.documentElement.setAttribute("data-display-mode", mode));
          },
        },
        "⤢",
      )
    : null;
  return h(
    "header",
    {},
    h("div", {}, h("h1", {}, title), h("p", { class: "muted" }, subtitle)),
    h("div", { class: "actions" }, ...actions, fullscreen),
  );
}

/** A result's structuredContent (an object), or an empty one. */
export function structured(result: CallToolResult): Record<string, unknown> {
  return isRecord(result.structuredContent) ? result.structuredContent : {};
}

/** A failed result's text. */
export function errorText(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join(" ") || "The call failed.";
}

/** Calls a tool and gives its structuredContent, or throws its error text. */
export async function call<T>(bridge: Bridge, tool: string, args: Record<string, unknown>): Promise<T> {
  const result = await bridge.callServerTool(tool, args);
  if (result.isError) throw new Error(errorText(result));
  return structured(result) as T;
}

/** A date and time in the host's locale and time zone. */
export function when(bridge: Bridge, iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const { locale, timeZone } = bridge.context;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    ...(timeZone && { timeZone }),
  }).format(date);
}

export function chip(text: string, kind = ""): HTMLElement {
  return h("span", { class: `chip ${kind}`.trim() }, text);
}

export function banner(kind: "error" | "info" | "warn" | "ok", ...children: Child[]): HTMLElement {
  return h("p", { class: `banner ${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function numberOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function recordsOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
