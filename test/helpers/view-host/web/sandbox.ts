// The sandbox proxy, served from an origin other than the host's (as in ext-apps'
// basic-host): it tells the host it is ready, receives the view's HTML, loads it
// into an inner iframe (scripts only: an opaque origin) under a Content-Security-Policy
// built from the resource's declared domains, and relays messages both ways.

import type {
  McpUiResourceCsp,
  McpUiSandboxResourceReadyNotification,
} from "@modelcontextprotocol/ext-apps/app-bridge";

const inner = document.createElement("iframe");
inner.style.cssText = "width:100%;height:100%;border:0;display:block";

window.addEventListener("message", (event) => {
  if (event.source === window.parent) {
    const message = event.data as { method?: string; params?: unknown };
    if (message.method === "ui/notifications/sandbox-resource-ready") {
      load(message.params as McpUiSandboxResourceReadyNotification["params"]);
    } else {
      inner.contentWindow?.postMessage(event.data, "*");
    }
  } else if (event.source === inner.contentWindow) {
    window.parent.postMessage(event.data, "*");
  }
});

window.parent.postMessage({ jsonrpc: "2.0", method: "ui/notifications/sandbox-proxy-ready", params: {} }, "*");

function load({ html, csp, sandbox }: McpUiSandboxResourceReadyNotification["params"]): void {
  inner.setAttribute("sandbox", sandbox ?? "allow-scripts");
  inner.srcdoc = html.replace(/<head>/i, `<head><meta http-equiv="Content-Security-Policy" content="${policy(csp)}">`);
  document.body.appendChild(inner);
}

/** The policy a host builds from the domains a resource declares: nothing beyond them. */
function policy(csp: McpUiResourceCsp | undefined): string {
  const resources = (csp?.resourceDomains ?? []).join(" ");
  const connect = csp?.connectDomains?.length ? csp.connectDomains.join(" ") : "'none'";
  const frames = csp?.frameDomains?.length ? csp.frameDomains.join(" ") : "'none'";
  return [
    "default-src 'none'",
    `script-src 'unsafe-inline' ${resources}`,
    `style-src 'unsafe-inline' ${resources}`,
    `img-src data: ${resources}`,
    `font-src data: ${resources}`,
    `connect-src ${connect}`,
    `frame-src ${frames}`,
  ].join("; ");
}
