// The toolsets, by the API reference's resource groups: the names --toolsets takes.

export const TOOLSETS = [
  "contacts",
  "tags",
  "custom_fields",
  "events",
  "messaging",
  "inboxes",
  "teams",
  "users",
  "journeys",
  "chatbots",
  "webhooks",
  "api_keys",
  "billing",
  "workflows",
] as const;
export type Toolset = (typeof TOOLSETS)[number];
