// Request cases for the webhooks toolset (see types.ts), collected in index.ts.

import type { RequestCase } from "./types.js";

export const webhookCases: RequestCase[] = [
  { tool: "get_webhook_settings", args: {}, method: "GET", path: "/webhooks" },
  {
    tool: "update_webhook_settings",
    args: {
      url: "https://example.com/hooks/flownally",
      enabled: true,
      eventTypes: ["contact.created", "message.created"],
    },
    method: "PATCH",
    path: "/webhooks",
    body: {
      url: "https://example.com/hooks/flownally",
      enabled: true,
      eventTypes: ["contact.created", "message.created"],
    },
  },
  { tool: "delete_webhook_settings", args: {}, method: "DELETE", path: "/webhooks", reply: { status: 204 } },
  {
    tool: "verify_webhook",
    args: { url: "https://example.com/hooks/test" },
    method: "POST",
    path: "/webhooks/verify",
    body: { url: "https://example.com/hooks/test" },
  },
  {
    tool: "list_webhook_attempts",
    args: { limit: 50, pageToken: "tok", eventType: "message.created", status: "failed" },
    method: "GET",
    path: "/webhooks/attempts",
    query: { limit: "50", pageToken: "tok", eventType: "message.created", status: "failed" },
  },
  { tool: "list_webhook_signing_keys", args: {}, method: "GET", path: "/webhooks/signing-keys" },
  { tool: "rotate_webhook_signing_key", args: {}, method: "POST", path: "/webhooks/signing-keys/rotate" },
];
