// Prompts for the main jobs: short plans, with completions for the arguments
// that name workspace things. They name no tools: a prompt is offered whatever
// is served, and the model finds the served tool for each step.

import { completable, type GetPromptResult, type McpServer } from "@modelcontextprotocol/server";
import * as z from "zod";
import { kept } from "../memo.js";
import { completeContacts, completeNames, contactIdOf, type Workspace } from "../workspace/index.js";

function say(text: string): GetPromptResult {
  return { messages: [{ role: "user", content: { type: "text", text } }] };
}

export function registerPrompts(server: McpServer, workspace: Workspace): void {
  const args = argsFor(workspace);
  server.registerPrompt(
    "segment-and-tag",
    {
      title: "Segment and tag",
      description: "Find the contacts matching a description and tag them all.",
      argsSchema: args.segmentAndTag,
    },
    ({ segment, tag }) =>
      say(
        [
          `Tag the contacts who match: ${segment} — with the tag "${tag}".`,
          `1. Tag names work wherever a tag id is asked, and custom field names as customFields keys; a wrong name is answered with the nearest ones. If the tag "${tag}" does not exist, create it, or ask me to.`,
          "2. Express the segment as contact filters (search, customFields, tagIds, channels, createdAfter/createdBefore) and count it with a sample (a dry run of the bulk tagging gives both). Tell me the count and a few names, and wait for my go-ahead.",
          "3. Tag them all in one bulk call, then report how many were tagged and any failures.",
        ].join("\n"),
      ),
  );

  server.registerPrompt(
    "record-an-event",
    {
      title: "Record an event",
      description: "Record something a contact did (order paid, signup) as an event that journeys can react to.",
      argsSchema: args.recordAnEvent,
    },
    ({ contact, eventType, details }) => {
      const id = contactIdOf(contact);
      return say(
        [
          `Record the event "${eventType}" for contact ${contact}: ${details}`,
          `1. Build the payload to match the payloadSchema of the event type ${eventType} (a payload that does not fit is refused, naming each failing property); ask me for any required property the details do not give.`,
          id.startsWith("con_")
            ? `2. The contact's id is ${id}.`
            : "2. Search the contacts for it and confirm which one if several match.",
          `3. Record the event for that contact with the name "${eventType}", the payload, and an idempotencyKey derived from the details (e.g. order-4827-paid) so a retry never records it twice.`,
        ].join("\n"),
      );
    },
  );

  server.registerPrompt(
    "triage-open-conversations",
    {
      title: "Triage open conversations",
      description: "Summarise the open conversations by urgency and draft replies for approval.",
      argsSchema: args.triageOpenConversations,
    },
    ({ inbox }) =>
      say(
        [
          `Triage the open conversations${inbox ? ` in inbox ${inbox} (see flownally://inboxes)` : ""}.`,
          "1. List the open conversations; for each, read the conversation (its reply window) and its latest few messages.",
          "2. Give me one line each: who, what they want, how urgent, whether the reply window is open.",
          "3. Draft a reply for each; send one only after I approve it (a closed window needs a template).",
        ].join("\n"),
      ),
  );
}

// Zod schemas are costly to build, and an HTTP server builds an instance per 2026-era request:
// the arguments, whose completions read the workspace, are built once per workspace.
const argsByWorkspace = new WeakMap<Workspace, ReturnType<typeof promptArgs>>();

function argsFor(workspace: Workspace): ReturnType<typeof promptArgs> {
  return kept(argsByWorkspace, workspace, () => promptArgs(workspace));
}

function promptArgs(workspace: Workspace) {
  return {
    segmentAndTag: z.object({
      segment: z.string().describe("Who, e.g. customers in Krakow who signed up in March"),
      tag: completable(z.string().describe("Tag name (existing or new)"), completeNames(workspace, "tags")),
    }),
    recordAnEvent: z.object({
      contact: completable(
        z.string().describe("Contact id (a completion: id — name), or a name/phone/email to search"),
        completeContacts(workspace),
      ),
      eventType: completable(
        z.string().describe("Event type name, e.g. order.paid"),
        completeNames(workspace, "eventTypes"),
      ),
      details: z.string().describe("What happened, e.g. paid order 4827, 199.99 PLN"),
    }),
    triageOpenConversations: z.object({
      // Optional outside completable(): the SDK finds completion metadata on the unwrapped schema.
      inbox: completable(
        z.string().describe("Only this inbox (name or id); omit for all"),
        completeNames(workspace, "inboxes"),
      ).optional(),
    }),
  };
}
