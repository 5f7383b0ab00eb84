// The view's side of the MCP Apps protocol (ext-apps, spec 2026-01-26): JSON-RPC
// over postMessage with the host, which alone talks to the server. It is what
// ext-apps' App class does for a view (initialize handshake, tool input and
// result, host context, tool calls through the host, model context, display
// modes, size changes), written small: App bundles zod and the SDK's Protocol,
// some 660 KB, against a budget of 100 KB a view. The message shapes are
// ext-apps' own types, and the tests run each view against ext-apps' AppBridge.

import type { CallToolResult } from "@modelcontextprotocol/client";
import type {
  LATEST_PROTOCOL_VERSION,
  McpUiDisplayMode,
  McpUiHostCapabilities,
  McpUiHostContext,
  McpUiInitializeRequest,
  McpUiInitializeResult,
  McpUiRequestDisplayModeResult,
  McpUiSizeChangedNotification,
  McpUiUpdateModelContextRequest,
} from "@modelcontextprotocol/ext-apps";

const PROTOCOL: typeof LATEST_PROTOCOL_VERSION = "2026-01-26";

type Params = Record<string, unknown>;
interface Message {
  jsonrpc: "2.0";
  id?: string | number;
  method?: string;
  params?: Params;
  result?: unknown;
  error?: { code: number; message: string };
}

export interface ViewHandlers {
  /** The arguments of the tool call the view shows. */
  toolInput?(args: Params): void;
  /** The result of that call. */
  toolResult?(result: CallToolResult): void;
  toolCancelled?(reason: string | undefined): void;
  /** Host context changed: the part that changed. */
  hostContext?(changed: McpUiHostContext): void;
}

export class Bridge {
  private nextId = 1;
  private readonly pending = new Map<string | number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private host: McpUiHostContext = {};
  private capabilities: McpUiHostCapabilities = {};

  constructor(
    private readonly name: string,
    private readonly handlers: ViewHandlers,
  ) {}

  get context(): McpUiHostContext {
    return this.host;
  }

  /** Handshake with the host (ui/initialize, then initialized), then report the view's size as it changes. */
  async connect(): Promise<McpUiHostContext> {
    window.addEventListener("message", (event) => {
      if (event.source === window.parent && isMessage(event.data)) this.receive(event.data);
    });
    const params: McpUiInitializeRequest["params"] = {
      appInfo: { name: this.name, version: "1" },
      appCapabilities: { availableDisplayModes: ["inline", "fullscreen"] },
      protocolVersion: PROTOCOL,
    };
    const result = (await this.request("ui/initialize", params)) as McpUiInitializeResult;
    this.capabilities = result.hostCapabilities ?? {};
    this.host = result.hostContext ?? {};
    this.notify("ui/notifications/initialized", {});
    this.followSize();
    return this.host;
  }

  /** Calls one of the server's tools through the host. */
  async callServerTool(name: string, args: Params): Promise<CallToolResult> {
    return (await this.request("tools/call", { name, arguments: args })) as CallToolResult;
  }

  /** Tells the model what the user did here, for its next turn; each update replaces the last. */
  async updateModelContext(text: string, structuredContent?: Params): Promise<void> {
    if (!this.capabilities.updateModelContext) return;
    const params: McpUiUpdateModelContextRequest["params"] = {
      content: [{ type: "text", text }],
      ...(structuredContent && { structuredContent }),
    };
    await this.request("ui/update-model-context", params);
  }

  /** Whether the host lets the view call the server's tools (its serverTools capability). */
  get callsTools(): boolean {
    return this.capabilities.serverTools !== undefined;
  }

  /** Whether the host can show the view in `mode`. */
  offers(mode: McpUiDisplayMode): boolean {
    return this.host.availableDisplayModes?.includes(mode) ?? false;
  }

  async requestDisplayMode(mode: McpUiDisplayMode): Promise<McpUiDisplayMode> {
    const { mode: set } = (await this.request("ui/request-display-mode", { mode })) as McpUiRequestDisplayModeResult;
    this.host = { ...this.host, displayMode: set };
    return set;
  }

  private request(method: string, params: Params): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ jsonrpc: "2.0", id, method, params });
    });
  }

  private notify(method: string, params: Params): void {
    this.post({ jsonrpc: "2.0", method, params });
  }

  private post(message: Message): void {
    window.parent.postMessage(message, "*");
  }

  private receive(message: Message): void {
    if (message.method === undefined) {
      const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiting || message.id === undefined) return;
      this.pending.delete(message.id);
      if (message.error) waiting.reject(new Error(message.error.message));
      else waiting.resolve(message.result);
      return;
    }
    if (message.id !== undefined) {
      this.answer(message.id, message.method);
      return;
    }
    const params = message.params ?? {};
    switch (message.method) {
      case "ui/notifications/tool-input":
        this.handlers.toolInput?.(isRecord(params.arguments) ? params.arguments : {});
        break;
      case "ui/notifications/tool-result":
        this.handlers.toolResult?.(params as CallToolResult);
        break;
      case "ui/notifications/tool-cancelled":
        this.handlers.toolCancelled?.(typeof params.reason === "string" ? params.reason : undefined);
        break;
      case "ui/notifications/host-context-changed":
        this.host = { ...this.host, ...params };
        this.handlers.hostContext?.(params);
        break;
    }
  }

  /** Requests from the host: ping and teardown are answered; the view offers no tools of its own. */
  private answer(id: string | number, method: string): void {
    if (method === "ping" || method === "ui/resource-teardown") this.post({ jsonrpc: "2.0", id, result: {} });
    else this.post({ jsonrpc: "2.0", id, error: { code: -32601, message: `Method not found: ${method}` } });
  }

  /** Reports the document's height whenever it changes, as ext-apps' App does with autoResize. */
  private followSize(): void {
    let last = { width: 0, height: 0 };
    let queued = false;
    const measure = () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        const root = document.documentElement;
        const saved = root.style.height;
        root.style.height = "max-content";
        const height = Math.ceil(root.getBoundingClientRect().height);
        root.style.height = saved;
        const width = Math.ceil(window.innerWidth);
        if (width === last.width && height === last.height) return;
        last = { width, height };
        const params: McpUiSizeChangedNotification["params"] = { width, height };
        this.notify("ui/notifications/size-changed", params);
      });
    };
    const observer = new ResizeObserver(measure);
    observer.observe(document.documentElement);
    observer.observe(document.body);
    measure();
  }
}

function isMessage(data: unknown): data is Message {
  return isRecord(data) && data.jsonrpc === "2.0";
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
