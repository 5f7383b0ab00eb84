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

/**
 * Values keyed by `kind` (contact fields: key, id or name). Shown to the model
 * as a list of "key=value" texts, which every client's schema conversion keeps
 * (OpenAI strict mode empties a map, Gemini refuses one); the object form is
 * taken too. Either becomes the object.
 */
export function refKeys(kind: RefKind, what: Text) {
  const pair = z.string().refine((s) => s.includes("="), "must be key=value");
  const schema = described(
    z
      .union([z.record(z.string(), z.string()), z.array(pair)])
      .transform((v) => (Array.isArray(v) ? Object.fromEntries(v.map(splitPair)) : v)),
    what,
  );
  refs.set(schema, { kind, shape: "keys" });
  return shownAs(schema, { type: "array", items: { type: "string" } });
}

/** "preferredStore=Krakow" → ["preferredStore", "Krakow"]; the value may hold "=" itself. */
function splitPair(pair: string): [string, string] {
  const at = pair.indexOf("=");
  return [pair.slice(0, at).trim(), pair.slice(at + 1)];
}

// What the model is shown of an argument where it differs from what is taken:
// a form that every client's conversion keeps (OpenAI strict mode, Gemini's
// schema subset). Applied by the registrar's listing (z.toJSONSchema override).
const shown = new WeakMap<z.core.$ZodType, Record<string, unknown>>();

function shownAs<T extends z.ZodType>(schema: T, json: Record<string, unknown>): T {
  shown.set(schema, json);
  return schema;
}

/** z.toJSONSchema's `override`: an argument shown as shownAs() says, its description kept. */
export function listedAs(ctx: { zodSchema: z.core.$ZodType; jsonSchema: Record<string, unknown> }): void {
  const json = shown.get(ctx.zodSchema);
  if (!json) return;
  const { description } = ctx.jsonSchema;
  for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
  Object.assign(ctx.jsonSchema, json, description === undefined ? {} : { description });
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

// The bounds are checked here and said in the description: cheaper for the model to read than minimum/maximum.
export const pageSize = shownAs(z.number().int().min(1).max(100).describe("Page size ≤100"), {
  type: "integer",
}).optional();
export const pageToken = z.string().optional().describe("nextPageToken");
export const paging = { pageSize, pageToken };

/** Taken by tools that answer concisely by default (present.ts). */
export const detail = z.boolean().optional().describe("All fields");

// The description says the form; the pattern is checked here, not listed.
export const phone = shownAs(
  z
    .string()
    .regex(E164, "must be an E.164 phone number such as +48123456789")
    .describe("E.164 phone, e.g. +48123456789"),
  { type: "string" },
);

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

/**
 * An open JSON object whose attributes the reference does not list. Shown as a
 * JSON text (OpenAI strict mode would empty an object without properties, and
 * Gemini may drop one); the registrar parses it (arguments.ts), and takes an object too.
 */
export const openObject = (description: string) =>
  shownAs(z.record(z.string(), z.unknown()).describe(`${description} as JSON`), { type: "string" });

/** A JSON value the reference leaves open, shown as JSON text (see openObject); taken as text or as the value. */
export const jsonText = <T extends z.ZodType>(schema: T, description: string) =>
  shownAs(z.preprocess(parseJsonText, schema).describe(description), { type: "string" });

function parseJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value; // The schema names what is wrong.
  }
}

/** A URL, shown without `format: "uri"`, which OpenAI strict mode refuses: the description says "https URL" instead. */
export const httpsUrl = (description: string) => shownAs(z.url().describe(description), { type: "string" });
