// Events: customer moments (order paid, signup) recorded against contacts,
// and the event types that name and validate them. Journeys react to events.

import * as z from "zod";
import { point } from "../../pointers.js";
import { fromSource } from "../../refs.js";
import { eventPayload } from "../../workspace/index.js";
import { contactId, described, eventTypeId, openObject, paging, ref } from "../params.js";
import { contactEvents, eventPage, oneEvent } from "../present.js";
import { CREATE, DESTRUCTIVE, defineTool, OVERWRITE, READ } from "../types.js";

// A name, not an id: the API takes the type's name. The eventPayload check resolves an id or another case to it.
const eventTypeName = described(z.string().min(1), ["Event type name", fromSource("eventTypes")]);
const payload = openObject("Event data").optional();
// Both create tools send this as the Idempotency-Key header too (see registry), which carries printable
// ASCII only: anything else is refused here, not left to fail in the HTTP client as a "network error". A
// refinement, not a regex: the model is told by the refusal, and the listing keeps its tokens.
const idempotencyKey = z
  .string()
  .refine(
    (key) => /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(key),
    "printable ASCII only, no space at either end",
  )
  .optional()
  .describe("New key to record a repeat");
// The rule both create tools state (tools/idempotency.ts): without a key of the caller's, the same
// contact, type and payload on the same UTC day derive the same key, and the API writes it once.
const ONCE_A_DAY = ", once per UTC day if identical";
const payloadSchema = openObject("JSON Schema for payloads").optional();
const eventFilter = { eventTypeId: eventTypeId.optional() };

export const eventTools = [
  defineTool({
    name: "list_event_types",
    toolset: "events",
    title: "List event types",
    description: "List predefined and custom event types.",
    scopes: ["event_type:list"],
    method: "GET",
    path: "/event-types",
    input: { ...paging },
    query: ["pageSize", "pageToken"],
    hints: READ,
  }),
  defineTool({
    name: "create_event_type",
    toolset: "events",
    title: "Create event type",
    description: "Create a custom event type.",
    scopes: ["event_type:create"],
    method: "POST",
    path: "/event-types",
    input: {
      name: z.string().min(1).describe("Type name, e.g. order.paid"),
      description: z.string().optional().describe("Meaning"),
      payloadSchema,
    },
    changes: ["eventTypes"],
    hints: CREATE,
  }),
  defineTool({
    name: "get_event_type",
    toolset: "events",
    title: "Get event type",
    description: "Get one event type.",
    scopes: ["event_type:read"],
    method: "GET",
    path: "/event-types/{id}",
    input: { id: eventTypeId },
    hints: READ,
  }),
  defineTool({
    name: "update_event_type",
    toolset: "events",
    title: "Update event type",
    description: "Update an event type; schema changes must stay backward-compatible.",
    scopes: ["event_type:update"],
    method: "PATCH",
    path: "/event-types/{id}",
    input: {
      id: eventTypeId,
      name: z.string().min(1).optional().describe("New name"),
      description: z.string().optional().describe("New description"),
      payloadSchema,
    },
    changes: ["eventTypes"],
    hints: OVERWRITE,
    confirm: "reversible",
  }),
  defineTool({
    name: "delete_event_type",
    toolset: "events",
    title: "Delete event type",
    description: "Delete a custom event type that has no events.",
    scopes: ["event_type:delete"],
    method: "DELETE",
    path: "/event-types/{id}",
    input: { id: eventTypeId },
    changes: ["eventTypes"],
    hints: DESTRUCTIVE,
    // Only a type without recorded events can go: making it again undoes it, so no question by default.
    confirm: "reversible",
  }),
  defineTool({
    name: "list_events",
    toolset: "events",
    title: "List events",
    description: "List events across contacts.",
    scopes: ["event:list"],
    method: "GET",
    path: "/events",
    input: { ...paging, ...eventFilter },
    query: ["pageSize", "pageToken", "eventTypeId"],
    output: eventPage,
    hints: READ,
  }),
  defineTool({
    name: "create_event",
    toolset: "events",
    title: "Create event",
    description: [
      "Record an event by type name",
      ONCE_A_DAY,
      point("create_contact_event", "; prefer create_contact_event"),
      ".",
    ],
    scopes: ["event:create"],
    method: "POST",
    path: "/events",
    input: { contactId, eventTypeName, payload, idempotencyKey },
    checks: [eventPayload("eventTypeName")],
    output: oneEvent,
    hints: CREATE,
    idempotencyKey: { derivedFrom: ["contactId", "eventTypeName", "payload"] },
  }),
  defineTool({
    name: "get_event",
    toolset: "events",
    title: "Get event",
    description: "Get one recorded event.",
    scopes: ["event:read"],
    method: "GET",
    path: "/events/{id}",
    input: { id: ref("events") },
    output: oneEvent,
    hints: READ,
  }),
  defineTool({
    name: "list_contact_events",
    toolset: "events",
    title: "List contact events",
    description: "List a contact's event timeline.",
    scopes: ["event:list"],
    method: "GET",
    path: "/contacts/{contactId}/events",
    input: { contactId, ...paging, ...eventFilter },
    query: ["pageSize", "pageToken", "eventTypeId"],
    output: contactEvents,
    hints: READ,
  }),
  defineTool({
    name: "create_contact_event",
    toolset: "events",
    title: "Record contact event",
    description: `Record an event for a contact${ONCE_A_DAY}; journeys may react.`,
    scopes: ["event:create"],
    method: "POST",
    path: "/contacts/{contactId}/events",
    input: { contactId, name: eventTypeName, payload, idempotencyKey },
    checks: [eventPayload("name")],
    output: oneEvent,
    hints: CREATE,
    idempotencyKey: { derivedFrom: ["contactId", "name", "payload"] },
  }),
];
