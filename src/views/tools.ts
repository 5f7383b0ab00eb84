// The views' app-only tools (visibility ["app"]): what a view needs in bulk,
// display-ready and named, for the view alone; the model never sees them, nor
// their answers. Loaded on a view's first call, like the catalogue.

import * as z from "zod";
import { apiPath } from "../client/path.js";
import { type Contact, contactShape, importStatusShape, readPage } from "../client/shapes.js";
import { contactFilters, contactTools } from "../tools/contacts/index.js";
import { contactId, conversationId, pageToken } from "../tools/params.js";
import { lookUpContacts } from "../tools/present.js";
import { buildRequest } from "../tools/request.js";
import { defineTool, READ, type Tool, type ToolContext } from "../tools/types.js";
import { walkSegment } from "../tools/workflows/segment.js";
import { fieldKey } from "../workspace/names.js";
import { type Definition, workspaceFor } from "../workspace/workspace.js";
import type {
  BulkView,
  ContactCard,
  ContactRow,
  ContactsPage,
  FieldDef,
  Identity,
  ImportView,
  JobState,
  Named,
  ReplyWindow,
  RowError,
  Template,
  Thread,
  ThreadMessage,
  TimelineEvent,
} from "./shapes.js";

const TIMELINE = 50;
/** Contacts view_bulk names at most: a preview's sample, a job's first failures. */
const NAMED = 20;
const THREAD = 50;

const listContacts = contactTools.find((t) => t.name === "list_contacts");

export const viewContacts = defineTool({
  name: "view_contacts",
  toolset: "contacts",
  title: "Contacts table page",
  description: "One page of the contacts view's table: rows with tag names and field values, the tags and fields.",
  scopes: ["contact:list", "tag:list", "custom_field:list"],
  input: {
    ...contactFilters,
    pageSize: z.number().int().min(1).max(100).optional().describe("Rows (default 25)"),
    pageToken,
    count: z.boolean().optional().describe("Also count every matching contact"),
  },
  hints: READ,
  run: async (args, ctx) => {
    if (!listContacts) throw new Error("list_contacts is missing from the contacts tools");
    const { count, ...query } = args;
    const [answer, tags, fields, total] = await Promise.all([
      ctx.client.request({
        ...buildRequest(listContacts, { ...query, pageSize: query.pageSize ?? 25 }),
        signal: ctx.signal,
      }),
      definitions(ctx, "tags"),
      fieldDefs(ctx),
      count ? countSegment(query, ctx) : undefined,
    ]);
    const { items, next } = readPage(answer.data, "contacts", "GET /contacts answered without a contacts list");
    const names = byId(tags);
    const page: ContactsPage = {
      contacts: contactsOf(items).map((c) => row(c, names)),
      ...(next && { nextPageToken: next }),
      ...(total !== undefined && { total }),
      tags: tags.map(({ id, name }) => ({ id, name })),
      fields,
      canTag: ctx.profile.serves("tag_contacts"),
    };
    return { data: page };
  },
});

export const viewContact = defineTool({
  name: "view_contact",
  toolset: "contacts",
  title: "Contact card",
  description: "The contact view's card: the contact with tag and field names, and its newest events.",
  scopes: ["contact:read", "tag:list", "custom_field:list", "event:list"],
  input: { id: contactId },
  hints: READ,
  run: async (args, ctx) => {
    const [answer, tags, fields, timeline] = await Promise.all([
      ctx.client.request({ method: "GET", path: apiPath`/contacts/${args.id}`, signal: ctx.signal }),
      definitions(ctx, "tags"),
      fieldDefs(ctx),
      ctx.client.request({
        method: "GET",
        path: apiPath`/contacts/${args.id}/events`,
        query: { pageSize: TIMELINE },
        signal: ctx.signal,
      }),
    ]);
    const contact = contactShape.parse(answer.data);
    const events = readPage(timeline.data, "events", "GET /contacts/{id}/events answered without an events list");
    const archivedAt = stringOf(contact, "archivedAt");
    const updatedAt = stringOf(contact, "updatedAt");
    const card: ContactCard = {
      contact: {
        ...row(contact, byId(tags)),
        identities: identitiesOf(contact),
        ...(archivedAt && { archivedAt }),
        ...(updatedAt && { updatedAt }),
      },
      fields,
      events: events.items.flatMap(timelineEvent),
      moreEvents: events.next !== undefined,
    };
    return { data: card };
  },
});

export const viewConversation = defineTool({
  name: "view_conversation",
  toolset: "messaging",
  title: "Conversation thread",
  description: "The conversation view's thread: messages as text, the reply window, the contact, and templates.",
  scopes: ["conversation:read", "contact:read", "inbox:list", "inbox:read"],
  input: { id: conversationId, pageToken },
  hints: READ,
  run: async (args, ctx) => {
    const [answer, page, inboxes] = await Promise.all([
      ctx.client.request({ method: "GET", path: apiPath`/conversations/${args.id}`, signal: ctx.signal }),
      ctx.client.request({
        method: "GET",
        path: apiPath`/conversations/${args.id}/messages`,
        query: { pageSize: THREAD, ...(args.pageToken && { pageToken: args.pageToken }) },
        signal: ctx.signal,
      }),
      definitions(ctx, "inboxes"),
    ]);
    const conversation = conversationShape.parse(answer.data);
    const messages = readPage(page.data, "messages", "GET /conversations/{id}/messages answered without messages");
    const inbox = inboxes.find((i) => i.id === conversation.inboxId);
    const { canSend, reason, expiresAt } = conversation.window ?? { canSend: true };
    const window: ReplyWindow = { canSend, ...(reason && { reason }), ...(expiresAt && { expiresAt }) };
    const [contact, templates] = await Promise.all([
      conversation.contactId ? contactSummary(conversation.contactId, ctx) : undefined,
      window.canSend || conversation.channel !== "whatsapp" || !conversation.inboxId
        ? []
        : approvedTemplates(conversation.inboxId, ctx),
    ]);
    const thread: Thread = {
      conversation: { id: conversation.id, status: conversation.status ?? "open", channel: conversation.channel ?? "" },
      ...(contact && { contact }),
      ...(inbox && { inbox: { id: inbox.id, name: inbox.name, channel: stringOf(inbox, "channel") ?? "" } }),
      window,
      // The API pages newest first; a thread reads oldest first.
      messages: messages.items.flatMap(threadMessage).reverse(),
      ...(messages.next && { olderPageToken: messages.next }),
      templates,
      canReply: ctx.profile.serves("send_conversation_message"),
    };
    return { data: thread };
  },
});

export const viewImport = defineTool({
  name: "view_import",
  toolset: "contacts",
  title: "Import report",
  description: "The import view's data: the contact fields columns map to, and an import's progress and row errors.",
  scopes: ["custom_field:list", "contact:list"],
  input: { importId: z.string().min(1).optional().describe("From import_contacts") },
  hints: READ,
  run: async (args, ctx) => {
    const [fields, status] = await Promise.all([
      fieldDefs(ctx),
      args.importId === undefined
        ? undefined
        : ctx.client.request({ method: "GET", path: apiPath`/contacts/imports/${args.importId}`, signal: ctx.signal }),
    ]);
    const state = status && importStatusShape.parse(status.data ?? {});
    const data: ImportView = {
      fields,
      ...(state &&
        args.importId && {
          import: {
            importId: state.importId ?? args.importId,
            status: state.status ?? "pending",
            totalRows: state.totalRows ?? 0,
            successCount: state.successCount ?? 0,
            failedCount: state.failedCount ?? 0,
            errors: (state.errors ?? []).flatMap(rowError),
          },
        }),
    };
    return { data };
  },
});

export const viewBulk = defineTool({
  name: "view_bulk",
  toolset: "workflows",
  title: "Bulk change",
  description:
    "The bulk change view's data: a job's progress and outcome with failing contacts named, and contact names.",
  scopes: ["contact:read"],
  input: {
    jobId: z.string().min(1).optional().describe("From tag_contacts or manage_job"),
    contactIds: z.array(contactId).max(NAMED).optional().describe("Contacts to name (a preview's sample)"),
  },
  hints: READ,
  run: async (args, ctx) => {
    const [job, contacts] = await Promise.all([
      args.jobId === undefined ? undefined : ctx.jobs.status(args.jobId),
      namesOf(args.contactIds ?? [], ctx),
    ]);
    const state = job && jobStateShape.parse(job);
    const named = state
      ? await namesOf(
          state.failures.slice(0, NAMED).map((f) => f.contactId),
          ctx,
        )
      : [];
    const names = byId(named);
    const data: BulkView = {
      ...(state && {
        job: {
          ...state,
          failures: state.failures.map((f) => ({ ...f, name: names.get(f.contactId) ?? f.contactId })),
        } satisfies JobState,
      }),
      contacts,
      canManage: ctx.profile.serves("manage_job"),
    };
    return { data };
  },
});

export const appTools: readonly Tool[] = [viewContacts, viewContact, viewConversation, viewImport, viewBulk];

// ---- Reading answers ----

const windowShape = z.looseObject({
  canSend: z.boolean().catch(true),
  reason: z.string().optional().catch(undefined),
  expiresAt: z.string().optional().catch(undefined),
});

const conversationShape = z.looseObject({
  id: z.string(),
  contactId: z.string().optional().catch(undefined),
  inboxId: z.string().optional().catch(undefined),
  channel: z.string().optional().catch(undefined),
  status: z.string().optional().catch(undefined),
  window: windowShape.optional().catch(undefined),
});

const messageShape = z.looseObject({
  id: z.string(),
  direction: z.enum(["inbound", "outbound"]).catch("inbound"),
  status: z.string().catch(""),
  createdAt: z.string().catch(""),
  content: z.record(z.string(), z.unknown()).catch({}),
});

const eventShape = z.looseObject({
  id: z.string(),
  eventTypeId: z.string().optional().catch(undefined),
  eventTypeName: z.string().optional().catch(undefined),
  createdAt: z.string().catch(""),
  payload: z.record(z.string(), z.unknown()).catch({}),
});

const rowErrorShape = z.looseObject({
  row: z.number(),
  column: z.string().optional().catch(undefined),
  message: z.string().catch(""),
});

/** What manage_job's status gives (src/jobs), as the bulk view reads it. */
const jobStateShape = z
  .object({
    job: z.string(),
    tool: z.string().catch(""),
    tag: z.object({ id: z.string(), name: z.string() }).optional().catch(undefined),
    action: z.enum(["add", "remove"]).optional().catch(undefined),
    status: z.string().catch("running"),
    reason: z.string().optional().catch(undefined),
    total: z.number().catch(0),
    done: z.number().optional().catch(undefined),
    applied: z.number().catch(0),
    unchanged: z.number().catch(0),
    failed: z.number().catch(0),
    failures: z.array(z.object({ contactId: z.string(), error: z.string().catch("") })).catch([]),
    undoOf: z.string().optional().catch(undefined),
    undoneBy: z.string().optional().catch(undefined),
  })
  .transform(({ job, done, tag, action, reason, undoOf, undoneBy, ...rest }) => ({
    id: job,
    ...rest,
    ...(tag && { tag }),
    ...(action && { action }),
    ...(reason !== undefined && { reason }),
    ...(undoOf && { undoOf }),
    ...(undoneBy && { undoneBy }),
    // The journal's account of an ended job has no done: all of it was gone through.
    done: done ?? (rest.status === "running" ? rest.applied + rest.failed : rest.total),
  }));

const templateShape = z.looseObject({
  name: z.string(),
  language: z.string(),
  status: z.string().optional().catch(undefined),
  components: z
    .array(
      z.looseObject({ type: z.string().catch(""), text: z.string().optional().catch(undefined) }).catch({ type: "" }),
    )
    .catch([]),
});

function contactsOf(items: readonly unknown[]): Contact[] {
  return items.flatMap((item) => {
    const parsed = contactShape.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

function row(contact: Contact, tagNames: ReadonlyMap<string, string>): ContactRow {
  const identities = identitiesOf(contact);
  const phone = identities.find((i) => i.address.startsWith("+"))?.address;
  const email = identities.find((i) => i.channel === "email")?.address;
  const createdAt = stringOf(contact, "createdAt");
  return {
    id: contact.id,
    name: contact.name ?? "",
    ...(phone && { phone }),
    ...(email && { email }),
    tags: (contact.tagIds ?? []).map((id) => ({ id, name: tagNames.get(id) ?? id })),
    fields: stringValues(contact.customFields),
    archived: typeof contact.archivedAt === "string",
    ...(createdAt && { createdAt }),
  };
}

function identitiesOf(contact: Contact): Identity[] {
  const list = Array.isArray(contact.identities) ? contact.identities : [];
  return list.flatMap((identity) => {
    const channel = stringOf(identity, "channel") ?? "";
    const metadata = stringValues(identity.metadata);
    const address = metadata.phoneNumber ?? metadata.email ?? Object.values(metadata)[0];
    return address ? [{ channel, address }] : [];
  });
}

function threadMessage(item: unknown): ThreadMessage[] {
  const parsed = messageShape.safeParse(item);
  if (!parsed.success) return [];
  const { id, direction, status, createdAt, content } = parsed.data;
  const kind = typeof content.type === "string" ? content.type : "text";
  return [{ id, direction, kind, text: messageText(kind, content), status, at: createdAt }];
}

/** What a message says: its text, its template's name, or its media's caption. */
function messageText(kind: string, content: Readonly<Record<string, unknown>>): string {
  if (kind === "text") return typeof content.text === "string" ? content.text : "";
  const inner = stringValues(content[kind]);
  if (kind === "template") return `Template ${inner.name ?? ""}`.trim();
  return inner.caption ?? `[${kind}]`;
}

function timelineEvent(item: unknown): TimelineEvent[] {
  const parsed = eventShape.safeParse(item);
  if (!parsed.success) return [];
  const { id, eventTypeName, eventTypeId, createdAt, payload } = parsed.data;
  const details = Object.entries(payload).map(
    ([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`,
  );
  return [{ id, type: eventTypeName ?? eventTypeId ?? "event", at: createdAt, details }];
}

function rowError(item: unknown): RowError[] {
  const parsed = rowErrorShape.safeParse(item);
  if (!parsed.success) return [];
  const { row, column, message } = parsed.data;
  return [{ row, ...(column && { column }), message }];
}

// ---- Further reads ----

async function definitions(
  ctx: ToolContext,
  kind: "tags" | "contactFields" | "inboxes",
): Promise<readonly Definition[]> {
  return (await workspaceFor(ctx.client).withSignal(ctx.signal).get(kind)).items;
}

async function fieldDefs(ctx: ToolContext): Promise<FieldDef[]> {
  return (await definitions(ctx, "contactFields")).map((f) => ({
    id: f.id,
    name: f.name,
    key: fieldKey(f.id),
    ...(typeof f.type === "string" && { type: f.type }),
  }));
}

async function countSegment(args: Readonly<Record<string, unknown>>, ctx: ToolContext): Promise<number> {
  let total = 0;
  for await (const _ of walkSegment(args, ctx)) total += 1;
  return total;
}

/** The names of `ids` (the id where a contact has none, or cannot be read), in their order. */
async function namesOf(ids: readonly string[], ctx: ToolContext): Promise<Named[]> {
  const people = await lookUpContacts(ids, ctx);
  return ids.map((id) => ({ id, name: people.get(id)?.name ?? id }));
}

async function contactSummary(id: string, ctx: ToolContext): Promise<Thread["contact"]> {
  const { data } = await ctx.client.request({ method: "GET", path: apiPath`/contacts/${id}`, signal: ctx.signal });
  const contact = contactShape.safeParse(data);
  if (!contact.success) return { id, name: id };
  const phone = identitiesOf(contact.data).find((i) => i.address.startsWith("+"))?.address;
  return { id, name: contact.data.name ?? id, ...(phone && { phone }) };
}

async function approvedTemplates(inboxId: string, ctx: ToolContext): Promise<Template[]> {
  const { data } = await ctx.client.request({
    method: "GET",
    path: apiPath`/inboxes/${inboxId}/whatsapp/templates`,
    signal: ctx.signal,
  });
  const list = (data as { templates?: unknown } | undefined)?.templates;
  return (Array.isArray(list) ? list : []).flatMap((item: unknown) => {
    const t = templateShape.safeParse(item);
    if (!t.success || (t.data.status !== undefined && t.data.status.toLowerCase() !== "approved")) return [];
    const { name, language, components } = t.data;
    const body = components.find((c) => c.type.toUpperCase() === "BODY")?.text;
    return [{ name, language, ...(body && { body }) }];
  });
}

// ---- Small readers ----

function byId(items: readonly Named[]): Map<string, string> {
  return new Map(items.map((d) => [d.id, d.name]));
}

function stringOf(value: object, key: string): string | undefined {
  const v: unknown = (value as Record<string, unknown>)[key];
  return typeof v === "string" ? v : undefined;
}

function stringValues(value: unknown): Record<string, string> {
  if (!value || typeof value !== "object") return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  );
}
