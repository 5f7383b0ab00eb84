// segment_contacts, and the segment walk tag_contacts shares: every contact
// matching the list_contacts filters, across all pages.

import * as z from "zod";
import { contactFilters } from "../contacts/index.js";
import { defineTool, READ, type ToolContext } from "../types.js";

/** The list_contacts filters, without the sort order that a whole segment does not need. */
const { orderBy: _orderBy, orderDirection: _orderDirection, ...filters } = contactFilters;
export const segmentFilters = filters;
export const segmentFilterNames = Object.keys(filters) as (keyof typeof filters)[];

export interface ContactRow {
  id: string;
  name?: unknown;
  identities?: unknown;
  tagIds?: unknown;
}

/** The filter arguments that were given, as the GET /contacts query. */
export function filterQuery(args: Readonly<Record<string, unknown>>) {
  const query: Record<string, string | number | boolean | string[] | Record<string, string>> = {};
  for (const name of segmentFilterNames) {
    const value = args[name];
    if (value !== undefined) query[name] = value as string | boolean | string[] | Record<string, string>;
  }
  return query;
}

/** Every contact of the segment, page by page (100 a page). */
export async function* walkSegment(
  args: Readonly<Record<string, unknown>>,
  ctx: ToolContext,
): AsyncGenerator<ContactRow> {
  const pages = ctx.client.paginate(
    { method: "GET", path: "/contacts", query: { ...filterQuery(args), pageSize: 100 }, signal: ctx.signal },
    "contacts",
  );
  for await (const item of pages) {
    if (item && typeof item === "object" && typeof (item as { id?: unknown }).id === "string") yield item as ContactRow;
  }
}

export function tagIdsOf(contact: ContactRow): string[] {
  return Array.isArray(contact.tagIds) ? contact.tagIds.filter((t): t is string => typeof t === "string") : [];
}

/** Tag id → name for the whole workspace (GET /tags, once). */
export async function tagNames(ctx: ToolContext): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for await (const tag of ctx.client.paginate({ method: "GET", path: "/tags", signal: ctx.signal }, "tags")) {
    const { id, name } = (tag ?? {}) as { id?: unknown; name?: unknown };
    if (typeof id === "string") names.set(id, typeof name === "string" ? name : id);
  }
  return names;
}

function phoneOf(contact: ContactRow): string | undefined {
  if (!Array.isArray(contact.identities)) return undefined;
  for (const identity of contact.identities as unknown[]) {
    const phone = (identity as { metadata?: { phoneNumber?: unknown } } | null)?.metadata?.phoneNumber;
    if (typeof phone === "string") return phone;
  }
  return undefined;
}

export function sampleRow(contact: ContactRow, tags: ReadonlyMap<string, string>) {
  const phone = phoneOf(contact);
  return {
    id: contact.id,
    name: typeof contact.name === "string" ? contact.name : "",
    ...(phone && { phone }),
    tags: tagIdsOf(contact).map((id) => tags.get(id) ?? id),
  };
}

export const segmentContacts = defineTool({
  name: "segment_contacts",
  toolset: "workflows",
  title: "Count a segment",
  description: "Count the contacts matching filters (all pages), with a sample.",
  scopes: ["contact:list", "tag:list"],
  input: {
    ...segmentFilters,
    limit: z.number().int().min(0).max(100).optional().describe("Sample size (default 10)"),
  },
  hints: READ,
  run: async (args, ctx) => {
    const limit = args.limit ?? 10;
    const tags = limit > 0 ? tagNames(ctx) : Promise.resolve(new Map<string, string>());
    // Catch now so a failing GET /tags cannot go unhandled while the walk runs; rethrown below.
    tags.catch(() => {});
    let total = 0;
    const sample: ContactRow[] = [];
    for await (const contact of walkSegment(args, ctx)) {
      total += 1;
      if (sample.length < limit) sample.push(contact);
      if (total % 500 === 0) await ctx.progress(total, undefined, `${total} contacts so far`);
    }
    const names = await tags;
    return { data: { total, sample: sample.map((c) => sampleRow(c, names)) } };
  },
});
