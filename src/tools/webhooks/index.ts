// Webhooks: the workspace's single webhook configuration, its delivery log and
// the keys that sign deliveries (Standard Webhooks signatures).

import * as z from "zod";
import { httpsUrl, pageToken } from "../params.js";
import { DESTRUCTIVE, defineTool, OVERWRITE, READ, SEND } from "../types.js";

/** WebhookEventName: get_webhook_settings' availableEventTypes. */
const WEBHOOK_EVENTS = [
  "contact.created",
  "contact.updated",
  "contact.archived",
  "conversation.started",
  "conversation.updated",
  "conversation.closed",
  "message.created",
  "message.updated",
] as const;

export const webhookTools = [
  defineTool({
    name: "get_webhook_settings",
    toolset: "webhooks",
    title: "Get webhook settings",
    description: "Get the webhook URL, subscribed and available event types.",
    scopes: ["webhook:read"],
    method: "GET",
    path: "/webhooks",
    input: {},
    hints: READ,
  }),
  defineTool({
    name: "update_webhook_settings",
    toolset: "webhooks",
    title: "Update webhook settings",
    description: "Change the webhook URL, subscribed event types or enabled state.",
    scopes: ["webhook:update"],
    method: "PATCH",
    path: "/webhooks",
    // UpdateWebhookSettingsRequest is not listed; these are the attributes the reference's prose names.
    input: {
      url: httpsUrl("Receiver https URL").optional(),
      enabled: z.boolean().optional().describe("Send deliveries"),
      eventTypes: z.array(z.enum(WEBHOOK_EVENTS)).optional().describe("Events to deliver"),
    },
    hints: OVERWRITE,
    confirm: "hard-to-undo",
  }),
  defineTool({
    name: "delete_webhook_settings",
    toolset: "webhooks",
    title: "Delete webhook settings",
    description: "Disable and remove the webhook; attempt logs remain.",
    scopes: ["webhook:delete"],
    method: "DELETE",
    path: "/webhooks",
    input: {},
    hints: DESTRUCTIVE,
    confirm: "hard-to-undo",
  }),
  defineTool({
    name: "verify_webhook",
    toolset: "webhooks",
    title: "Verify webhook",
    description: "Send a signed test event to a URL or the saved one.",
    scopes: ["webhook:update"],
    method: "POST",
    path: "/webhooks/verify",
    input: { url: httpsUrl("Target https URL; default: saved URL").optional() },
    hints: SEND,
  }),
  defineTool({
    name: "list_webhook_attempts",
    toolset: "webhooks",
    title: "List webhook attempts",
    description: "List the last 7 days' delivery attempts, newest first.",
    scopes: ["webhook:read"],
    method: "GET",
    path: "/webhooks/attempts",
    input: {
      limit: z.number().int().min(1).max(100).optional().describe("Page size"),
      pageToken,
      eventType: z.enum(WEBHOOK_EVENTS).optional().describe("Filter by event"),
      // WebhookAttemptStatus is named but not enumerated by the reference.
      status: z.enum(["succeeded", "failed", "pending"]).optional().describe("Filter by status"),
    },
    query: ["limit", "pageToken", "eventType", "status"],
    hints: READ,
  }),
  defineTool({
    name: "list_webhook_signing_keys",
    toolset: "webhooks",
    title: "List webhook signing keys",
    description: "List signing keys; the first call creates one and shows its secret once.",
    scopes: ["webhook:read"],
    method: "GET",
    path: "/webhooks/signing-keys",
    input: {},
    hints: READ,
  }),
  defineTool({
    name: "rotate_webhook_signing_key",
    toolset: "webhooks",
    title: "Rotate webhook signing key",
    description: "Rotate to a new signing key, shown once; the old one stays valid 24h.",
    scopes: ["webhook:update"],
    method: "POST",
    path: "/webhooks/signing-keys/rotate",
    input: {},
    hints: OVERWRITE,
    confirm: "hard-to-undo",
  }),
];
