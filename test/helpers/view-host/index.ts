// A real host for the MCP App views, in headless Chromium: the host page
// (web/host.ts, on ext-apps' AppBridge) and the sandbox proxy (web/sandbox.ts)
// are served from two loopback origins, as ext-apps' basic-host serves them;
// the host's MCP client is here in Node, a real v2 client of either protocol
// era that declares the UI extension, connected to the server in process.
// The page reaches it through functions the test exposes, and every call a
// view makes through the host is recorded.

import { existsSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  type CallToolResult,
  Client,
  type ClientCapabilities,
  InMemoryTransport,
  StreamableHTTPClientTransport,
  type Tool,
} from "@modelcontextprotocol/client";
import { EXTENSION_ID, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import { build } from "esbuild";
import { type Browser, chromium, type Frame, type FrameLocator, type Page } from "playwright-core";
import { FlownallyClient } from "../../../src/client/http.js";
import type { Config } from "../../../src/config.js";
import { createServer } from "../../../src/server.js";
import { Tenants } from "../../../src/transports/http/tenants.js";
import type { EraName } from "../eras.js";
import type { HostPage, Mount } from "./mount.js";

/** Debian's chromium (apt-get install chromium), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** What a client declares to be shown views (ext-apps' getUiCapability reads it). */
export const UI_CAPABILITIES: ClientCapabilities = {
  extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } },
};

export interface McpConnection {
  client: Client;
  /** Every message the server sent, as JSON text (2025: each message; 2026: each HTTP response body). */
  raw: string[];
  close(): Promise<void>;
}

/** A real v2 client of `era`, with or without the UI extension, to an in-process server with `config`. */
export async function connectMcp(era: EraName, config: Config, ui: boolean): Promise<McpConnection> {
  const api = new FlownallyClient({ baseUrl: config.baseUrl, apiKey: config.apiKey ?? "", userAgent: "view-host" });
  const capabilities = ui ? UI_CAPABILITIES : {};
  const raw: string[] = [];
  if (era === "2025-11-25") {
    const server = createServer(config, { client: api });
    const client = new Client({ name: "view-host", version: "1.0.0" }, { capabilities });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const send = serverSide.send.bind(serverSide);
    serverSide.send = (message, options) => {
      raw.push(JSON.stringify(message));
      return send(message, options);
    };
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    return {
      client,
      raw,
      close: async () => {
        await client.close();
        await server.close();
        await api.close();
      },
    };
  }
  const tenants = new Tenants({ config, newClient: () => api, stateless: true, max: 1 });
  const tenant = tenants.acquire(Buffer.from("view-host"), "view-host");
  if (!tenant) throw new Error("no tenant");
  const client = new Client(
    { name: "view-host", version: "1.0.0" },
    { capabilities, versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  const fetch = async (url: string | URL, init?: RequestInit) => {
    const response = await tenant.handler.fetch(new Request(url, init));
    raw.push(await response.clone().text());
    return response;
  };
  await client.connect(new StreamableHTTPClientTransport(new URL("http://view-host.test/mcp"), { fetch }));
  return {
    client,
    raw,
    close: async () => {
      await client.close();
      await tenants.closeAll();
    },
  };
}

export interface ShowOptions {
  theme?: "light" | "dark";
  /** false: the host sends its theme without CSS variables. */
  variables?: boolean;
  width?: number;
  height?: number;
}

/** A view on screen, and what it asked of the host. */
export interface Shown {
  page: Page;
  /** The view's document, for locators. */
  view: FrameLocator;
  /** tools/call requests the view made through the host, in order. */
  calls: { name: string; arguments: Record<string, unknown> }[];
  /** ui/update-model-context requests, in order. */
  contexts: { content?: unknown[]; structuredContent?: Record<string, unknown> }[];
  /** Console errors and uncaught exceptions of the page and its frames. */
  errors: string[];
  /** The view's frame, for evaluating in it. */
  frame(): Frame;
  setTheme(theme: "light" | "dark"): Promise<void>;
  close(): Promise<void>;
}

export class ViewHost {
  private tools: Promise<Tool[]> | undefined;

  private constructor(
    readonly mcp: McpConnection,
    private readonly browser: Browser,
    private readonly servers: { host: HttpServer; sandbox: HttpServer },
    readonly origins: { host: string; sandbox: string },
  ) {}

  static async start(era: EraName, config: Config): Promise<ViewHost> {
    const [pages, mcp, browser] = await Promise.all([
      bundles(),
      connectMcp(era, config, true),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    const host = await serve({
      "/": ["text/html", PAGE("<div id=views></div>", "/host.js")],
      "/host.js": ["text/javascript", pages.host],
    });
    const sandbox = await serve({
      "/sandbox.html": ["text/html", PAGE("", "/sandbox.js")],
      "/sandbox.js": ["text/javascript", pages.sandbox],
    });
    return new ViewHost(
      mcp,
      browser,
      { host: host.server, sandbox: sandbox.server },
      { host: host.origin, sandbox: sandbox.origin },
    );
  }

  /** The tools/list entry of `name` as this host's client sees it. */
  async tool(name: string): Promise<Tool> {
    this.tools ??= this.mcp.client.listTools().then((r) => r.tools);
    const tool = (await this.tools).find((t) => t.name === name);
    if (!tool) throw new Error(`${name} is not listed`);
    return tool;
  }

  /** A blank page of the same browser. */
  page(): Promise<Page> {
    return this.browser.newPage();
  }

  /** Calls `tool` with `args`, then shows the view its tools/list entry names, with that call and result. */
  async show(tool: string, args: Record<string, unknown>, options: ShowOptions = {}): Promise<Shown> {
    const result = (await this.mcp.client.callTool({ name: tool, arguments: args })) as CallToolResult;
    return this.mount(tool, args, result, options);
  }

  /** Shows `tool`'s view for a call already made. */
  async mount(
    tool: string,
    args: Record<string, unknown>,
    result: CallToolResult,
    options: ShowOptions = {},
  ): Promise<Shown> {
    const uri = uiOf(await this.tool(tool));
    const { contents } = await this.mcp.client.readResource({ uri });
    const [content] = contents;
    if (!content || !("text" in content)) throw new Error(`${uri} has no text`);
    const meta = content._meta as { ui?: { csp?: Mount["csp"] } } | undefined;
    const width = options.width ?? 760;
    const page = await this.browser.newPage({ viewport: { width: width + 40, height: options.height ?? 900 } });
    const shown: Shown = {
      page,
      view: page.frameLocator("#view").frameLocator("iframe"),
      calls: [],
      contexts: [],
      errors: [],
      frame: () => {
        const inner = page.frames().find((f) => f.parentFrame()?.parentFrame() === page.mainFrame());
        if (!inner) throw new Error("the view's frame is not there");
        return inner;
      },
      setTheme: (theme) => page.evaluate((t) => (globalThis as unknown as HostPage).viewHost.setTheme(t), theme),
      close: () => page.close(),
    };
    page.on("console", (m) => {
      if (m.type() === "error") shown.errors.push(m.text());
    });
    page.on("pageerror", (e) => shown.errors.push(e.message));
    await page.exposeFunction("hostCallTool", async (name: string, callArgs: Record<string, unknown>) => {
      shown.calls.push({ name, arguments: callArgs });
      return this.mcp.client.callTool({ name, arguments: callArgs });
    });
    await page.exposeFunction("hostModelContext", async (params: Shown["contexts"][number]) => {
      shown.contexts.push(params);
    });
    await page.goto(`${this.origins.host}/`);
    const mount: Mount = {
      html: content.text,
      csp: meta?.ui?.csp,
      sandboxUrl: `${this.origins.sandbox}/sandbox.html`,
      toolName: tool,
      toolInput: args,
      toolResult: result,
      theme: options.theme ?? "light",
      variables: options.variables ?? true,
      width,
    };
    await page.evaluate((m) => (globalThis as unknown as HostPage).viewHost.mount(m), mount);
    return shown;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.mcp.close();
    await Promise.all([close(this.servers.host), close(this.servers.sandbox)]);
  }
}

/** The ui:// resource a tools/list entry names. */
export function uiOf(tool: Tool): string {
  const ui = (tool._meta as { ui?: { resourceUri?: unknown } } | undefined)?.ui;
  if (typeof ui?.resourceUri !== "string") throw new Error(`${tool.name} names no view`);
  return ui.resourceUri;
}

/** A page of the host or the proxy: no favicon request, full height for the frames inside. */
const PAGE = (body: string, script: string) =>
  `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><style>html,body{margin:0;height:100%}</style>${body}<script src="${script}"></script>`;

let built: Promise<{ host: string; sandbox: string }> | undefined;

/** The host page's and the proxy's scripts, bundled once per process. */
function bundles(): Promise<{ host: string; sandbox: string }> {
  built ??= Promise.all(
    ["host", "sandbox"].map(async (name) => {
      const { outputFiles } = await build({
        entryPoints: [fileURLToPath(new URL(`./web/${name}.ts`, import.meta.url))],
        bundle: true,
        write: false,
        format: "iife",
        platform: "browser",
        target: "chrome120",
        logLevel: "warning",
      });
      return outputFiles[0]?.text ?? "";
    }),
  ).then(([host = "", sandbox = ""]) => ({ host, sandbox }));
  return built;
}

/** A loopback HTTP server answering `routes` (path → [content type, body]) and 404 elsewhere. */
export async function serve(
  routes: Record<string, [string, string]>,
): Promise<{ server: HttpServer; origin: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createHttpServer((req, res) => {
    requests.push(req.url ?? "");
    const route = routes[new URL(req.url ?? "/", "http://x").pathname];
    res.writeHead(route ? 200 : 404, { "content-type": route?.[0] ?? "text/plain" });
    res.end(route?.[1] ?? "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, requests };
}

function close(server: HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
