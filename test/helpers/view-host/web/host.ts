// The test host's page, built the way ext-apps' basic-host example is: an
// AppBridge per view, talking over PostMessageTransport to a sandbox proxy
// iframe served from another origin, which loads the view's HTML into an
// inner iframe. Server work goes to the Node side of the test (its MCP client),
// through functions the test exposes on the page.

import {
  AppBridge,
  type McpUiHostContext,
  type McpUiHostStyles,
  type McpUiStyles,
  type McpUiTheme,
  PostMessageTransport,
} from "@modelcontextprotocol/ext-apps/app-bridge";
import { type HostPage, type HostSide, THEMES } from "../mount.js";

declare global {
  interface Window extends HostPage, HostSide {}
}

let bridge: AppBridge | undefined;
let context: McpUiHostContext = {};
let variables = true;

/** The theme as the host says it: with its CSS variables, or alone. */
function themed(theme: McpUiTheme): McpUiHostContext {
  const styles: McpUiHostStyles = { variables: THEMES[theme] as McpUiStyles };
  return variables ? { theme, styles } : { theme };
}

window.viewHost = {
  async mount(m) {
    const frame = document.createElement("iframe");
    frame.id = "view";
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin");
    frame.style.width = `${m.width}px`;
    frame.style.height = "200px";
    frame.style.border = "0";
    document.getElementById("views")?.replaceChildren(frame);
    variables = m.variables;
    context = {
      ...themed(m.theme),
      displayMode: "inline",
      availableDisplayModes: ["inline", "fullscreen"],
      containerDimensions: { width: m.width, maxHeight: 4000 },
      locale: "en-GB",
      timeZone: "Europe/Warsaw",
      platform: "web",
      toolInfo: { tool: { name: m.toolName, inputSchema: { type: "object" } } },
    };
    const appBridge = new AppBridge(
      null,
      { name: "flownally-test-host", version: "1.0.0" },
      { serverTools: {}, updateModelContext: { text: {}, structuredContent: {} }, logging: {} },
      { hostContext: context },
    );
    bridge = appBridge;
    appBridge.oncalltool = async (params) => window.hostCallTool(params.name, params.arguments ?? {});
    appBridge.onupdatemodelcontext = async (params) => {
      await window.hostModelContext(params);
      return {};
    };
    appBridge.onrequestdisplaymode = async ({ mode }) => {
      const set = mode === "fullscreen" ? "fullscreen" : "inline";
      frame.style.width = set === "fullscreen" ? "100vw" : `${m.width}px`;
      frame.style.height = set === "fullscreen" ? "100vh" : frame.style.height;
      context = { ...context, displayMode: set };
      appBridge.setHostContext(context);
      return { mode: set };
    };
    appBridge.onsizechange = ({ height }) => {
      if (height !== undefined && context.displayMode !== "fullscreen") frame.style.height = `${height}px`;
    };
    const initialized = new Promise<void>((resolve) => {
      appBridge.oninitialized = () => resolve();
    });
    const ready = new Promise<void>((resolve) => {
      appBridge.onsandboxready = () => resolve();
    });
    // The frame's window stays the same object across its navigation: connect first, then load the proxy.
    const { contentWindow } = frame;
    if (!contentWindow) throw new Error("the sandbox proxy frame has no window");
    await appBridge.connect(new PostMessageTransport(contentWindow, contentWindow));
    frame.src = m.sandboxUrl;
    await ready;
    await appBridge.sendSandboxResourceReady({ html: m.html, ...(m.csp && { csp: m.csp }) });
    await initialized;
    await appBridge.sendToolInput({ arguments: m.toolInput });
    await appBridge.sendToolResult(m.toolResult);
  },
  async setTheme(theme) {
    context = { ...context, ...themed(theme) };
    bridge?.setHostContext(context);
  },
};
