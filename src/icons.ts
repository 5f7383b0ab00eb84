// The server's icon for clients that show one (MCP 2025-11-25 `icons`): a
// small inline SVG, so it needs no network and no file beside the bundle.

import type { Icon } from "@modelcontextprotocol/server";

const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#0f766e"/><path d="M14 18h36a4 4 0 0 1 4 4v18a4 4 0 0 1-4 4H30l-10 8v-8h-6a4 4 0 0 1-4-4V22a4 4 0 0 1 4-4z" fill="#fff"/><path d="M26 26h14M26 32h10M26 26v12" stroke="#0f766e" stroke-width="4" stroke-linecap="round"/></svg>';

export const ICONS: Icon[] = [
  {
    src: `data:image/svg+xml;base64,${Buffer.from(SVG).toString("base64")}`,
    mimeType: "image/svg+xml",
    sizes: ["any"],
  },
];
