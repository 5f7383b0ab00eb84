// Argument schemas shared across tools, described once so every tool says the
// same thing in the fewest words.

import * as z from "zod";
import { E164 } from "../formats.js";

/** An id argument; its name says what it is, the description where to find it. */
export const id = (from: string) => z.string().min(1).describe(`From ${from}`);

export const pageSize = z.number().int().min(1).max(100).optional().describe("Page size");
export const pageToken = z.string().optional().describe("From nextPageToken");
export const paging = { pageSize, pageToken };

export const phone = z
  .string()
  .regex(E164, "must be an E.164 phone number such as +48123456789")
  .describe("E.164 phone, e.g. +48123456789");
/** RFC 3339 date-time; the schema's `format: date-time` says so, so the description need not. */
export const rfc3339 = (what: string) => z.string().datetime({ offset: true }).describe(what);

export const contactId = id("list_contacts");
// Names work too: the workspace preparer resolves them from the cached definitions.
export const tagId = z.string().min(1).describe("Tag id or name");
export const eventTypeId = z.string().min(1).describe("Event type id or name");
export const userId = id("list_users");
export const teamId = id("list_teams");
export const inboxId = id("list_inboxes");
export const conversationId = id("list_conversations");

/** An open JSON object whose attributes the reference does not list. */
export const openObject = (description: string) => z.record(z.string(), z.unknown()).describe(description);
