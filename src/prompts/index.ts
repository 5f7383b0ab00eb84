// Prompts for the main jobs: short plans that name the tools and resources to
// use, with completions for the arguments that name workspace things.

import { completable, type GetPromptResult, type McpServer } from "@modelcontextprotocol/server";
import * as z from "zod";
import { completeContactIds, completeNames, type Workspace } from "../workspace/index.js";

function say(text: string): GetPromptResult {
  return { messages: [{ role: "user", content: { type: "text", text } }] };
}

export function registerPrompts(server: McpServer, workspace: Workspace): void {
  server.registerPrompt(
    "segment-and-tag",
    {
      title: "Segment and tag",
      description: "Find the contacts matching a description and tag them all.",
      argsSchema: z.object({
        segment: z.string().describe("Who, e.g. customers in Krakow who signed up in March"),
        tag: completable(z.string().describe("Tag name (existing or new)"), completeNames(workspace, "tags")),
      }),
    },
    ({ segment, tag }) =>
      say(
        [
          `Tag the contacts who match: ${segment} — with the tag "${tag}".`,
          "1. Read flownally://contacts/custom-fields and flownally://tags. If the tag does not exist, create it with create_tag.",
          "2. Express the segment as filters (search, customFields, tagIds, channels, createdAfter/createdBefore) and check it with segment_contacts (or list_contacts). Tell me the count and a few names, and wait for my go-ahead.",
          `3. Tag them with tag_contacts (tagId "${tag}" — names work), then report how many were tagged and any failures.`,
        ].join("\n"),
      ),
  );

  server.registerPrompt(
    "record-an-event",
    {
      title: "Record an event",
      description: "Record something a contact did (order paid, signup) as an event that journeys can react to.",
      argsSchema: z.object({
        contact: completable(
          z.string().describe("Contact id, or a name/phone/email to search"),
          completeContactIds(workspace),
        ),
        eventType: completable(
          z.string().describe("Event type name, e.g. order.paid"),
          completeNames(workspace, "eventTypes"),
        ),
        details: z.string().describe("What happened, e.g. paid order 4827, 199.99 PLN"),
      }),
    },
    ({ contact, eventType, details }) =>
      say(
        [
          `Record the event "${eventType}" for contact ${contact}: ${details}`,
          `1. Read flownally://event-types and build the payload to match ${eventType}'s payloadSchema; ask me for any required property the details do not give.`,
          "2. If the contact is not a con_ id, find it with list_contacts (search) and confirm which one if several match.",
          `3. Call create_contact_event with contactId, name "${eventType}", the payload, and an idempotencyKey derived from the details (e.g. order-4827-paid) so a retry never records it twice.`,
        ].join("\n"),
      ),
  );

  server.registerPrompt(
    "triage-open-conversations",
    {
      title: "Triage open conversations",
      description: "Summarise the open conversations by urgency and draft replies for approval.",
      argsSchema: z.object({
        // Optional outside completable(): the SDK finds completion metadata on the unwrapped schema.
        inbox: completable(
          z.string().describe("Only this inbox (name or id); omit for all"),
          completeNames(workspace, "inboxes"),
        ).optional(),
      }),
    },
    ({ inbox }) =>
      say(
        [
          `Triage the open conversations${inbox ? ` in inbox ${inbox} (see flownally://inboxes)` : ""}.`,
          "1. list_conversations with status open; for each, get_conversation and list_conversation_messages (the latest few).",
          "2. Give me one line each: who, what they want, how urgent, whether the reply window is open.",
          "3. Draft a reply for each; send one with send_conversation_message only after I approve it.",
        ].join("\n"),
      ),
  );
}
