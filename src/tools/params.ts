// Argument schemas shared across tools, described once so every tool says the
// same thing in the fewest words.

import { z } from "zod";

export const id = (what: string, from: string) => z.string().min(1).describe(`${what} id (from ${from})`);

export const pageSize = z.number().int().min(1).max(100).optional().describe("Items per page, 1-100");
export const pageToken = z.string().optional().describe("nextPageToken of the previous page");
export const paging = { pageSize, pageToken };

export const phone = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 phone number such as +48123456789")
  .describe("E.164 phone, e.g. +48123456789");
export const rfc3339 = (what: string) => z.string().datetime({ offset: true }).describe(`${what}, RFC 3339`);

export const contactId = id("Contact", "list_contacts");
// Names work too: the workspace preparer resolves them from the cached definitions.
export const tagId = z.string().min(1).describe("Tag id or name");
export const eventTypeId = z.string().min(1).describe("Event type id or name");
export const userId = id("User", "list_users");
export const teamId = id("Team", "list_teams");
export const inboxId = id("Inbox", "list_inboxes");
export const conversationId = id("Conversation", "list_conversations");

/** An open JSON object whose attributes the reference does not list. */
export const openObject = (description: string) => z.record(z.string(), z.unknown()).describe(description);
