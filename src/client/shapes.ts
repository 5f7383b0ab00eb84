// The few answers the server reads itself rather than passing them on: a page
// of a list, a contact of a segment, a definition, an import's status. Each is
// parsed by a small schema that keeps unknown attributes and tolerates odd
// optional ones, instead of being cast; an answer without what is needed is a
// BadResponseError.

import * as z from "zod";
import { BadResponseError } from "./errors.js";

const pageShape = z.object({
  items: z.array(z.unknown()),
  nextPageToken: z.string().nullish().catch(undefined),
});

/** A page of a list answer: its items (under `itemsKey` in the answer) and the next page's token, if any. */
export function readPage(
  data: unknown,
  itemsKey: string,
  what: string,
): { items: unknown[]; next: string | undefined } {
  const record = isRecord(data) ? data : {};
  const page = readShape(pageShape, { items: record[itemsKey], nextPageToken: record.nextPageToken }, what);
  return { items: page.items, next: page.nextPageToken || undefined };
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const strings = z.array(z.unknown()).transform((list) => list.filter((x): x is string => typeof x === "string"));

const identityShape = z.looseObject({
  metadata: z
    .looseObject({ phoneNumber: z.string().optional().catch(undefined) })
    .optional()
    .catch(undefined),
});

export const contactShape = z.looseObject({
  id: z.string(),
  name: z.string().optional().catch(undefined),
  identities: z.array(identityShape.catch({})).optional().catch(undefined),
  tagIds: strings.optional().catch(undefined),
});
export type Contact = z.infer<typeof contactShape>;

/** A contact's phone: its first identity with a phone number. */
export function phoneOf(contact: { identities?: unknown }): string | undefined {
  const identities = Array.isArray(contact.identities) ? contact.identities : [];
  for (const identity of identities) {
    const phone = isRecord(identity) && isRecord(identity.metadata) ? identity.metadata.phoneNumber : undefined;
    if (typeof phone === "string") return phone;
  }
  return undefined;
}

/** A tag, custom field, event type or inbox: `id` and `name` are what lookups rely on. */
export const definitionShape = z.looseObject({ id: z.string(), name: z.string() });
export type Definition = z.infer<typeof definitionShape>;

export const importStatusShape = z.looseObject({
  importId: z.string().optional().catch(undefined),
  status: z.string().optional().catch(undefined),
  totalRows: z.number().optional().catch(undefined),
  successCount: z.number().optional().catch(undefined),
  failedCount: z.number().optional().catch(undefined),
  errors: z.array(z.unknown()).optional().catch(undefined),
});
export type ImportStatus = z.infer<typeof importStatusShape>;

/** `data` as `shape` describes it; a BadResponseError with `complaint` when it is not. */
export function readShape<T>(shape: z.ZodType<T>, data: unknown, complaint: string): T {
  const parsed = shape.safeParse(data);
  if (!parsed.success) throw new BadResponseError(complaint);
  return parsed.data;
}
