// What the model reads of an answer, the same in structuredContent and in the
// text: names beside the ids it carries (tags, inboxes, event types and field
// keys from the cached definitions; a conversation's contact from one lookup
// per page), and, for the list and get tools that declare it, a concise form by
// default that keeps every id an agent acts on; `detail: true` gives the API's
// whole answer with the names beside it. Each presented tool also declares the
// shape of its answer (`schema`, listed as a read's outputSchema): open objects
// that name what the server adds (names beside ids, legends, `canSend`) and the
// ids an agent acts on next, not every attribute the answer shows; Gemini reads
// them in every tools/list, so they stay within its token budget.

import * as z from "zod";
import { apiPath } from "../client/path.js";
import { isRecord, phoneOf } from "../client/shapes.js";
import { kept } from "../memo.js";
import { fieldByKey } from "../workspace/names.js";
import type { Definition, DefinitionKind, Workspace } from "../workspace/workspace.js";
import type { ToolContext } from "./types.js";

type Rec = Record<string, unknown>;

/** How a tool's answer is presented and what shape it has. */
export interface Output {
  /** What structuredContent holds, concise or detailed (a read's tools/list outputSchema). */
  schema: z.ZodObject;
  /** The tool answers concisely by default and takes `detail: true` for everything. */
  concise?: boolean;
  /** The tool always answers in full (a get: the detailed form of a list's item). */
  detailed?: boolean;
  /** The definitions whose names it shows beside their ids. */
  names?: readonly DefinitionKind[];
  /** The contacts whose name and phone it shows beside their ids, looked up once per page. */
  contacts?: (data: Rec) => readonly string[];
  present?: (data: Rec, view: View) => Rec;
  /** Its schema is listed though the tool writes: no get tool describes this answer. */
  listed?: boolean;
}

/** The same presentation for a write's answer: concise, without a `detail` argument. */
export function written(output: Output): Output {
  return { ...output, concise: false, detailed: false };
}

/** What a presentation knows besides the answer: the form asked for, and names. */
export interface View {
  detail: boolean;
  names: Names;
}

interface Person {
  name?: string;
  phone?: string;
}

/** Names for ids, from what was looked up for this answer; an id without one stays as it is. */
export class Names {
  constructor(
    private readonly definitions: Partial<Record<DefinitionKind, readonly Definition[]>> = {},
    private readonly people: ReadonlyMap<string, Person> = new Map(),
  ) {}

  of(kind: DefinitionKind, id: unknown): string | undefined {
    return typeof id === "string" ? this.definitions[kind]?.find((d) => d.id === id)?.name : undefined;
  }

  /** A tag as contacts show it: its name, with the id where another tag has the same name. */
  tagLabel(id: string): string {
    const name = this.of("tags", id);
    if (name === undefined) return id;
    const same = this.definitions.tags?.filter((d) => d.name === name).length ?? 0;
    return same > 1 ? `${name} (${id})` : name;
  }

  /** The names of the custom-field keys that do not say them already ("01hv…" → "Favourite colour"). */
  fieldNames(keys: Iterable<string>): Rec | undefined {
    const fields = this.definitions.contactFields ?? [];
    const out: Rec = {};
    for (const key of keys) {
      const name = fieldByKey(fields, key)?.name;
      if (name && plain(name) !== plain(key)) out[key] = name;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  person(id: unknown): Person | undefined {
    return typeof id === "string" ? this.people.get(id) : undefined;
  }
}

const plain = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

/**
 * Looks up the names an answer for `output` shows, then gives how to present
 * it (or any part of it, such as a page cut to fit the size cap) as `detail`
 * asks: the cached definitions (listed at most once per cache lifetime) and
 * the page's contacts, all at once. A lookup that fails (no scope, API down)
 * leaves those ids without names; the answer is never lost for a name.
 */
export function presenter(workspace: Workspace) {
  return async (output: Output, data: Rec, view: Omit<View, "names">, ctx: ToolContext): Promise<Presentation> => {
    const { present } = output;
    if (!present) return (part) => part;
    // Only the definitions this answer names: an answer without tag ids, field values, inbox or
    // event-type ids (or with the API's own names beside them) costs no listing.
    const kinds = (output.names ?? []).filter((kind) => mentions(data, IDS_OF[kind]));
    const [definitions, people] = await Promise.all([
      // The call's signal: cancelled, it stops waiting on a definitions listing.
      Promise.all(
        kinds.map((kind) =>
          workspace
            .withSignal(ctx.signal)
            .get(kind)
            .then(
              (s) => s.items,
              () => undefined,
            ),
        ),
      ),
      lookUpContacts(output.contacts?.(data) ?? [], ctx),
    ]);
    const names = new Names(
      Object.fromEntries(kinds.map((kind, i) => [kind, definitions[i]]).filter(([, items]) => items)),
      people,
    );
    const shown: View = { ...view, detail: view.detail || output.detailed === true, names };
    return (part) => present(part, shown);
  };
}

/** An answer, or part of one, as the model reads it. */
export type Presentation = (data: Rec) => Rec;

/** Where an answer carries a kind's ids, and the attribute that already names them, if the API gives one. */
const IDS_OF: Readonly<Record<DefinitionKind, { key: string; named?: string }>> = {
  tags: { key: "tagIds" },
  contactFields: { key: "customFields" },
  propertyFields: { key: "customFields" },
  inboxes: { key: "inboxId" },
  eventTypes: { key: "eventTypeId", named: "eventTypeName" },
};

/** Some record in `value` has a non-empty `key` without its `named` beside it. */
function mentions(value: unknown, ids: { key: string; named?: string }): boolean {
  if (Array.isArray(value)) return value.some((v) => mentions(v, ids));
  if (!isRecord(value)) return false;
  if (!empty(value[ids.key]) && (ids.named === undefined || value[ids.named] === undefined)) return true;
  return Object.values(value).some((v) => typeof v === "object" && mentions(v, ids));
}

/** Name and phone of each contact, one GET each, concurrently within the client's limits. */
export async function lookUpContacts(ids: readonly string[], ctx: ToolContext): Promise<Map<string, Person>> {
  const unique = [...new Set(ids)];
  const found = await Promise.all(
    unique.map((id) =>
      ctx.client.request({ method: "GET", path: apiPath`/contacts/${id}`, signal: ctx.signal }).then(
        ({ data }) => (isRecord(data) ? person(data) : undefined),
        () => undefined,
      ),
    ),
  );
  return new Map(unique.flatMap((id, i) => (found[i] ? [[id, found[i]] as const] : [])));
}

function person(contact: Rec): Person {
  return prune({ name: str(contact.name), phone: phoneOf(contact) }) as Person;
}

// ---- helpers

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** `record` with the names beside its ids that were found (none: nothing added); the API's own attributes all kept. */
function beside(record: Rec, names: Rec): Rec {
  return { ...record, ...prune(names) };
}

/** Says nothing: undefined, null, an empty array or object. */
function empty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

/** Without the attributes that say nothing. */
function prune<T extends Rec>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => !empty(value))) as T;
}

/** A date-time without its fractional seconds: "2026-12-01T17:44:15.206Z" → "2026-12-01T17:44:15Z". */
function when(value: unknown): string | undefined {
  return typeof value === "string" ? value.replace(/(T\d{2}:\d{2}:\d{2})\.\d+/, "$1") : undefined;
}

function items(data: Rec, key: string): Rec[] {
  const list = data[key];
  return Array.isArray(list) ? list.filter(isRecord) : [];
}

/** A list answer with its items presented one by one, and what the page adds (a legend left out when empty). */
function page(data: Rec, key: string, item: (r: Rec) => Rec, extra: Rec = {}): Rec {
  return beside({ ...data, [key]: items(data, key).map(item) }, extra);
}

// ---- contacts

function tagIdsOf(contact: Rec): string[] {
  return Array.isArray(contact.tagIds) ? contact.tagIds.filter((t): t is string => typeof t === "string") : [];
}

function customFieldsOf(contact: Rec): Rec {
  return isRecord(contact.customFields) ? contact.customFields : {};
}

/**
 * One contact: the API's with tag names beside tagIds, or concisely its id,
 * name, phone, tag names, archive date and field values under their keys (as
 * a person reads a card; a key that would shadow one of those stays under customFields).
 */
function contact(c: Rec, view: View): Rec {
  const tags = tagIdsOf(c).map((id) => view.names.tagLabel(id));
  if (view.detail) return beside(c, { tags });
  const card: Rec = { id: c.id, name: c.name, phone: phoneOf(c), tags, archivedAt: when(c.archivedAt) };
  const fields = Object.entries(customFieldsOf(c));
  const shadowing = fields.filter(([key]) => key in card || key === "customFields");
  return prune({
    ...card,
    ...Object.fromEntries(fields.filter(([key]) => !(key in card || key === "customFields"))),
    customFields: Object.fromEntries(shadowing),
  });
}

/** Tag label → id for the tags on these contacts: each id once per page, not once per contact. */
function tagLegend(contacts: readonly Rec[], view: View): Rec {
  const legend: Rec = {};
  for (const id of contacts.flatMap(tagIdsOf)) legend[view.names.tagLabel(id)] = id;
  return legend;
}

function fieldLegend(contacts: readonly Rec[], view: View): Rec | undefined {
  return view.names.fieldNames(new Set(contacts.flatMap((c) => Object.keys(customFieldsOf(c)))));
}

const contactItem = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  phone: z.string().optional().describe("First identity's phone"),
  tags: z.array(z.string()).optional().describe("Tag names"),
  tagIds: z.array(z.string()).optional(),
});

/**
 * A list's items, as listed: the family's get tool (get_contact,
 * get_conversation, ...) names their attributes, so a list does not spend
 * tokens of every tools/list repeating them; `pageToken` says how it pages.
 */
const listOf = () => z.array(z.unknown());

export const contactPage: Output = {
  schema: z.looseObject({
    contacts: listOf(),
    tagIds: z.record(z.string(), z.string()).optional().describe("Tag name → id"),
  }),
  concise: true,
  names: ["tags", "contactFields"],
  present: (data, view) => {
    const list = items(data, "contacts");
    return page(data, "contacts", (c) => contact(c, view), {
      ...(!view.detail && { tagIds: tagLegend(list, view) }),
      fieldNames: fieldLegend(list, view),
    });
  },
};

/**
 * One contact: get_contact is the detailed form of a list_contacts item, so it
 * answers in full (with tag names); a write's answer concisely.
 */
export const oneContact: Output = {
  schema: contactItem,
  detailed: true,
  names: ["tags", "contactFields"],
  present: (data, view) => beside(contact(data, view), { tagIds: data.tagIds, fieldNames: fieldLegend([data], view) }),
};

// ---- conversations and messages

/** A message: concise (id, direction, text or content, status, author, time) or the API's with the inbox's name. */
function message(m: Rec, view: View, keep: readonly string[] = []): Rec {
  const inboxName = view.names.of("inboxes", m.inboxId);
  if (view.detail) return beside(m, { inboxName });
  const content = isRecord(m.content) ? m.content : {};
  return prune({
    id: m.id,
    ...Object.fromEntries(keep.map((k) => [k, m[k]])),
    direction: m.direction,
    ...gist(content),
    status: m.status,
    authorId: m.authorId,
    reactions: m.reactions,
    createdAt: when(m.createdAt),
  });
}

/** A text message's text, else its content as sent. */
function gist(content: Rec): Rec {
  return content.type === "text" && typeof content.text === "string" ? { text: content.text } : { content };
}

function conversation(c: Rec, view: View): Rec {
  const who = view.names.person(c.contactId);
  const names = { contactName: who?.name, contactPhone: who?.phone, inboxName: view.names.of("inboxes", c.inboxId) };
  const last = isRecord(c.lastMessage) ? c.lastMessage : undefined;
  if (view.detail) return { ...beside(c, names), ...(last && { lastMessage: message(last, view) }) };
  // Concise: the inbox by name (send_conversation_message picks the sender), the last message's gist.
  const window = isRecord(c.window) ? c.window : {};
  const content = isRecord(last?.content) ? last.content : {};
  return prune({
    id: c.id,
    contactId: c.contactId,
    ...names,
    channel: c.channel,
    status: c.status,
    assigneeId: c.assigneeId,
    unreadCount: c.unreadCount,
    lastMessage: last && prune({ direction: last.direction, ...gist(content), createdAt: when(last.createdAt) }),
    canSend: window.canSend,
  });
}

const messageItem = z.looseObject({
  id: z.string(),
  text: z.string().optional().describe("A text message's text"),
  status: z.string().optional(),
  inboxName: z.string().optional(),
});
const conversationItem = z.looseObject({
  id: z.string(),
  contactId: z.string().optional(),
  contactName: z.string().optional(),
  contactPhone: z.string().optional(),
  inboxId: z.string().optional(),
  inboxName: z.string().optional(),
  canSend: z.boolean().optional().describe("A reply can go out now"),
});

const conversationContacts = (data: Rec): string[] =>
  (Array.isArray(data.conversations) ? items(data, "conversations") : [data])
    .map((c) => c.contactId)
    .filter((id): id is string => typeof id === "string");

export const conversationPage: Output = {
  schema: z.looseObject({ conversations: listOf() }),
  concise: true,
  names: ["inboxes"],
  contacts: conversationContacts,
  present: (data, view) => page(data, "conversations", (c) => conversation(c, view)),
};

/** get_conversation: the detailed form of a list_conversations item. */
export const oneConversation: Output = {
  schema: conversationItem,
  detailed: true,
  names: ["inboxes"],
  contacts: conversationContacts,
  present: (data, view) => conversation(data, view),
};

export const messagePage: Output = {
  schema: z.looseObject({ messages: listOf() }),
  concise: true,
  names: ["inboxes"],
  present: (data, view) => page(data, "messages", (m) => message(m, view)),
};

export const oneMessage: Output = {
  schema: messageItem,
  detailed: true,
  names: ["inboxes"],
  // One message on its own says which conversation and contact it belongs to.
  present: (data, view) => message(data, view, ["conversationId", "contactId"]),
};

// ---- events

/** An event in full: the API's, with the type's name beside its id. */
function event(e: Rec, view: View): Rec {
  return beside(e, { eventTypeName: typeName(e, view) });
}

const typeName = (e: Rec, view: View): string | undefined =>
  str(e.eventTypeName) ?? view.names.of("eventTypes", e.eventTypeId);

/** Where a concise event says who and when; a payload key of the same name stays under `payload`. */
const EVENT_KEYS = ["contactId", "createdAt", "payload"];

/**
 * A page of events, concisely: grouped by type name (in the order the page
 * first shows each type), the payload values every event of a group shares
 * said once as the group's `payload`, and each event as its contact, its time
 * and the rest of its payload beside them. No event id: only get_event takes
 * one, and it says nothing `detail: true` does not.
 */
function eventGroups(events: readonly Rec[], view: View): Rec[] {
  const groups = new Map<string, Rec[]>();
  for (const e of events) {
    const name = typeName(e, view) ?? str(e.eventTypeId) ?? "";
    kept(groups, name, () => []).push(e);
  }
  return [...groups].map(([eventTypeName, group]) => {
    const payloads = group.map((e) => (isRecord(e.payload) ? e.payload : {}));
    const shared = group.length > 1 ? common(payloads) : {};
    return prune({
      eventTypeName,
      payload: shared,
      events: group.map((e, i) => {
        const own = Object.entries(payloads[i] ?? {}).filter(([key]) => !(key in shared));
        return prune({
          contactId: e.contactId,
          createdAt: minute(e.createdAt),
          ...Object.fromEntries(own.filter(([key]) => !EVENT_KEYS.includes(key))),
          payload: Object.fromEntries(own.filter(([key]) => EVENT_KEYS.includes(key))),
        });
      }),
    });
  });
}

/** The attributes every record has with the same value. */
function common(records: readonly Rec[]): Rec {
  const [first = {}, ...others] = records;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => others.every((r) => k in r && same(r[k], v))));
}

/** A date-time without what says nothing: "2026-10-31T16:57:00.000Z" → "2026-10-31T16:57Z"; other seconds stay. */
function minute(value: unknown): string | undefined {
  return typeof value === "string" ? value.replace(/\.0+Z$/, "Z").replace(/(T\d{2}:\d{2}):00Z$/, "$1Z") : undefined;
}

// How a concise page reads, and how to get what it leaves out.
const EVENTS_NOTE = "An event's payload: its group's payload and its own values. Event ids: detail: true.";

const eventItem = z.looseObject({
  id: z.string().optional(),
  contactId: z.string().optional(),
  eventTypeName: z.string().optional(),
});

export const eventPage: Output = {
  schema: z.looseObject({ events: listOf() }),
  concise: true,
  names: ["eventTypes"],
  present: (data, view) => {
    if (view.detail) return page(data, "events", (e) => event(e, view));
    const events = eventGroups(items(data, "events"), view);
    return beside({ ...data, events }, { note: events.length > 0 ? EVENTS_NOTE : undefined });
  },
};

/** One contact's timeline is short: it answers in full, with the type names. */
export const contactEvents: Output = { ...eventPage, concise: false, detailed: true };

export const oneEvent: Output = {
  schema: eventItem,
  detailed: true,
  names: ["eventTypes"],
  present: (data, view) => event(data, view),
};

// ---- shapes only: answers already compact, declared so clients can rely on them

/** Each tag's id and name (and how many contacts carry it), as a list item says them. */
export const tagList: Output = { schema: z.looseObject({ tags: listOf() }) };

export const importStatus: Output = {
  schema: z.looseObject({
    status: z.string().optional(),
    successCount: z.number().optional(),
    failedCount: z.number().optional(),
    errors: z.array(z.unknown()).optional(),
  }),
};

/** manage_job: a job's id, status and counts, or without a jobId the recent writes and jobs. */
export const jobStatus: Output = {
  schema: z.looseObject({ job: z.string(), status: z.string(), recent: listOf() }),
  listed: true,
};

export const segment: Output = {
  schema: z.looseObject({
    total: z.number(),
    sample: listOf(),
  }),
};
