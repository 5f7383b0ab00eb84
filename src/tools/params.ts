// Argument schemas shared across tools, described once so every tool says the
// same thing in the fewest words. An id argument is a `ref`: it says what it
// refers to (src/refs.ts), and its description, the hint after a 404 and name
// resolution follow from that.

import * as z from "zod";
import { E164 } from "../formats.js";
import { EVERY_TOOL, render, type Text } from "../pointers.js";
import { type ArgRef, type RefKind, refDescription } from "../refs.js";

// What a schema refers to, and its description as written (with pointers), by schema instance.
// `.optional()` wraps an instance and keeps both; `.describe()` would copy it without them.
const refs = new WeakMap<z.core.$ZodType, Omit<ArgRef, "arg">>();
const texts = new WeakMap<z.core.$ZodType, Text>();

/** `schema` described by `text`; a text that names tools is rendered per profile when listed. */
export function described<T extends z.ZodType>(schema: T, text: Text): T {
  const out = schema.describe(render(text, EVERY_TOOL));
  texts.set(out, text);
  return out;
}

/** An id of `kind`: "From list_contacts", or "<what> (from list_inboxes)"; names work for definitions. */
export function ref(kind: RefKind, what?: string) {
  const schema = described(z.string().min(1), refDescription(kind, what));
  refs.set(schema, { kind, shape: "one" });
  return schema;
}

/** A list of ids of `kind`, described by `what`; `min` items at least. */
export function refList(kind: RefKind, what: Text, min = 0) {
  const items = z.array(z.string().min(1));
  const schema = described(min > 0 ? items.min(min) : items, what);
  refs.set(schema, { kind, shape: "many" });
  return schema;
}

/** An object keyed by `kind` (contact fields: key, id or name) with string values. */
export function refKeys(kind: RefKind, what: Text) {
  const schema = described(z.record(z.string(), z.string()), what);
  refs.set(schema, { kind, shape: "keys" });
  return schema;
}

/** What an argument's schema refers to, looking through optional/nullable/default wrappers. */
export function refOf(schema: z.core.$ZodType): Omit<ArgRef, "arg"> | undefined {
  return refs.get(unwrapped(schema, (s) => refs.has(s)));
}

/** An argument's description as written, pointers included. */
export function textOf(schema: z.core.$ZodType): Text | undefined {
  return texts.get(unwrapped(schema, (s) => texts.has(s)));
}

function unwrapped(schema: z.core.$ZodType, found: (s: z.core.$ZodType) => boolean): z.core.$ZodType {
  let s = schema;
  while (!found(s)) {
    const inner = (s._zod.def as { innerType?: z.core.$ZodType }).innerType;
    if (!inner) break;
    s = inner;
  }
  return s;
}

export const pageSize = z.number().int().min(1).max(100).optional().describe("Page size");
export const pageToken = z.string().optional().describe("From nextPageToken");
export const paging = { pageSize, pageToken };

export const phone = z
  .string()
  .regex(E164, "must be an E.164 phone number such as +48123456789")
  .describe("E.164 phone, e.g. +48123456789");

/**
 * RFC 3339 date-time (the schema's `format: date-time` says so); a plain
 * YYYY-MM-DD is taken as 00:00 UTC (see arguments.ts).
 */
export const rfc3339 = (what: string) => z.iso.datetime({ offset: true }).describe(what);

/** A name that must say something when given: "" or spaces would blank it. */
export const nonBlank = (what: string) =>
  z
    .string()
    .refine((s) => s.trim() !== "", "must not be blank")
    .describe(what);

export const contactId = ref("contacts");
export const tagId = ref("tags");
export const eventTypeId = ref("eventTypes");
export const userId = ref("users");
export const teamId = ref("teams");
export const inboxId = ref("inboxes");
export const conversationId = ref("conversations");

/** An open JSON object whose attributes the reference does not list. */
export const openObject = (description: string) => z.record(z.string(), z.unknown()).describe(description);
