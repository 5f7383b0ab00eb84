// The catalogue: every tool definition, grouped as the API reference groups them.

import { apiKeyTools } from "./api-keys/index.js";
import { billingTools } from "./billing/index.js";
import { chatbotTools } from "./chatbots/index.js";
import { importContacts } from "./contacts/import.js";
import { contactTools } from "./contacts/index.js";
import { customFieldTools } from "./custom-fields/index.js";
import { eventTools } from "./events/index.js";
import { inboxTools } from "./inboxes/index.js";
import { journeyTools } from "./journeys/index.js";
import { messagingTools } from "./messaging/index.js";
import { uploadMedia } from "./messaging/upload.js";
import { tagTools } from "./tags/index.js";
import { teamTools } from "./teams/index.js";
import type { Tool } from "./types.js";
import { userTools } from "./users/index.js";
import { webhookTools } from "./webhooks/index.js";
import { workflowTools } from "./workflows/index.js";

export const allTools: readonly Tool[] = [
  ...contactTools,
  importContacts,
  ...tagTools,
  ...customFieldTools,
  ...eventTools,
  ...messagingTools,
  uploadMedia,
  ...inboxTools,
  ...teamTools,
  ...userTools,
  ...webhookTools,
  ...journeyTools,
  ...chatbotTools,
  ...apiKeyTools,
  ...billingTools,
  ...workflowTools,
];
