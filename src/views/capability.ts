// Whether a client renders MCP App views: it declares the UI extension
// (io.modelcontextprotocol/ui) with the MCP App HTML type among its mimeTypes.
// Nothing here loads the SDK: the stdio front door asks it too.

import { EXTENSION_ID, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";

/** Whether client capabilities (as sent: any JSON) declare the UI extension with MCP App HTML. */
export function declaresUi(capabilities: unknown): boolean {
  const types = member(member(member(capabilities, "extensions"), EXTENSION_ID), "mimeTypes");
  return Array.isArray(types) && types.includes(RESOURCE_MIME_TYPE);
}

function member(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
