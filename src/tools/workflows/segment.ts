// segment_contacts, and the segment walk tag_contacts shares: every contact
// matching the list_contacts filters, across all pages.

import * as z from "zod";
import type { ApiClient } from "../../client/http.js";
import { type Contact, contactShape, definitionShape, phoneOf } from "../../client/shapes.js";
import { DEFINITION_LIMITS } from "../../workspace/workspace.js";
import { contactFilters } from "../contacts/index.js";
import { segment } from "../present.js";
import { defineTool, READ, type ToolContext } from "../types.js";

/** The list_contacts filters, without the sort order that a whole segment does not need. */
const { orderBy: _orderBy, orderDirection: _orderDirection, ...filters } = contactFilters;
export const segmentFilters = filters;
export const segmentFilterNames = Object.keys(filters) as (keyof typeof filters)[];

/** The filter arguments that were given, as the GET /contacts query. */
export function filterQuery(args: Readonly<Record<string, unknown>>) {
  const query: Record<string, string | number | boolean | string[] | Record<string, string>> = {};
  for (const name of segmentFilterNames) {
    const value = args[name];
    if (value !== undefined) query[name] = value as string | boolean | string[] | Record<string, string>;
  }
  return query;
}

/**
 * Every contact of the segment, page by page (100 a page), within the client's
 * paging bounds (100,000 contacts, 1,000 pages, 5 minutes): past them the walk
 * stops with a PagingLimitError rather than run on.
 */
export async function* walkSegment(args: Readonly<Record<string, unknown>>, ctx: ToolContext): AsyncGenerator<Contact> {
  const pages = ctx.client.paginate(
    { method: "GET", path: "/contacts", query: { ...filterQuery(args), pageSize: 100 }, signal: ctx.signal },
    "contacts",
  );
  for await (const item of pages) {
    const contact = contactShape.safeParse(item);
    if (contact.success) yield contact.data;
  }
}

export function tagIdsOf(contact: Contact): string[] {
  return contact.tagIds ?? [];
}

export interface TagInfo {
  name: string;
  /** Contacts with the tag, archived ones included, when the API says. */
  labeledCount: number | undefined;
}

const tagShape = definitionShape
  .partial({ name: true })
  .extend({ labeledCount: z.number().optional().catch(undefined) });

/** Every tag of the workspace by id (GET /tags, once, bounded as definitions are). */
export async function tagIndex(client: ApiClient, signal: AbortSignal): Promise<Map<string, TagInfo>> {
  const index = new Map<string, TagInfo>();
  const tags = client.paginate({ method: "GET", path: "/tags", signal }, "tags", DEFINITION_LIMITS);
  for await (const item of tags) {
    // A tag without a name is still a tag: it goes by its id.
    const tag = tagShape.safeParse(item);
    if (tag.success)
      index.set(tag.data.id, { name: tag.data.name ?? tag.data.id, labeledCount: tag.data.labeledCount });
  }
  return index;
}

/** Tag id → name for the whole workspace. */
export async function tagNames(ctx: ToolContext): Promise<Map<string, string>> {
  const index = await tagIndex(ctx.client, ctx.signal);
  return new Map([...index].map(([id, tag]) => [id, tag.name]));
}

export function sampleRow(contact: Contact, tags: ReadonlyMap<string, string>) {
  const phone = phoneOf(contact);
  return {
    id: contact.id,
    name: contact.name ?? "",
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
  output: segment,
  hints: READ,
  run: async (args, ctx) => {
    const limit = args.limit ?? 10;
    const tags = limit > 0 ? tagNames(ctx) : Promise.resolve(new Map<string, string>());
    // Catch now so a failing GET /tags cannot go unhandled while the walk runs; rethrown below.
    tags.catch(() => {});
    let total = 0;
    const sample: Contact[] = [];
    for await (const contact of walkSegment(args, ctx)) {
      total += 1;
      if (sample.length < limit) sample.push(contact);
      if (total % 500 === 0) await ctx.progress(total, undefined, `${total} contacts so far`);
    }
    const names = await tags;
    return { data: { total, sample: sample.map((c) => sampleRow(c, names)) } };
  },
});
