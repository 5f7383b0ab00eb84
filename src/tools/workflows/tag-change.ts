// A bulk tag change as a job runs it (src/jobs/): one tag added to (or removed
// from) many contacts, each by its own request. Only contacts not yet in the
// wanted state are changed and journaled, so undo reverses exactly what the
// job did; when the caller does not know their state (a list of ids, an undo),
// the job reads it first: the tag's contacts page by page when that is fewer
// requests, else each contact before its write.

import type { ApiClient } from "../../client/http.js";
import { newIdempotencyKey } from "../../client/http.js";
import { apiPath } from "../../client/path.js";
import { contactShape } from "../../client/shapes.js";
import type { BulkChange } from "../../jobs/index.js";
import type { Profile } from "../../pointers.js";
import { ToolInputError } from "../../refusal.js";
import { contactTools } from "../contacts/index.js";
import { describeFailure } from "../errors.js";
import type { Tool } from "../types.js";
import { tagIdsOf, tagIndex } from "./segment.js";

export interface TagChange {
  tag: { id: string; name: string };
  /** Untag instead. */
  remove: boolean;
  contactIds: readonly string[];
  /**
   * Contacts of the segment found in the wanted state already, when the caller
   * read their state (and left them out of contactIds); undefined when it did not.
   */
  unchanged: number | undefined;
  concurrency: number;
  /** What the caller serves, so a failure names only tools it can call. */
  profile: Profile;
}

/** Contacts a page of GET /contacts holds. */
const PAGE = 100;

export function tagChange(spec: TagChange): BulkChange {
  const { tag, remove } = spec;
  const operation = contactOperation(remove ? "remove_tag_from_contact" : "add_tag_to_contact");
  /** Whether a contact with these tags needs no change. */
  const inWantedState = (tagIds: readonly string[]): boolean => tagIds.includes(tag.id) !== remove;
  let checkEach = false;
  return {
    record: { type: "tag", tag, action: remove ? "remove" : "add" },
    items: spec.contactIds,
    unchanged: spec.unchanged ?? 0,
    concurrency: spec.concurrency,
    prepare: async (items, read) => {
      if (spec.unchanged !== undefined || items.length === 0) return { items, unchanged: 0 };
      const known = (await tagIndex(read.client, read.signal)).get(tag.id);
      if (!known) throw new ToolInputError(`Tag ${tag.name} (${tag.id}) no longer exists. Nothing was sent.`);
      // Two walks (active and archived contacts) of the tag's pages, or one GET per contact: whichever is fewer.
      const pages = known.labeledCount === undefined ? 2 : Math.ceil(known.labeledCount / PAGE) + 2;
      if (pages > items.length) {
        checkEach = true;
        return { items, unchanged: 0 };
      }
      const tagged = await taggedAmong(items, tag.id, read.client, read.signal);
      // Adding: those without the tag; removing: those with it.
      const todo = items.filter((id) => tagged.has(id) === remove);
      return { items: todo, unchanged: items.length - todo.length };
    },
    apply: async (contactId, send) => {
      if (checkEach) {
        const { data } = await send({ method: "GET", path: apiPath`/contacts/${contactId}` });
        const contact = contactShape.safeParse(data);
        if (contact.success && inWantedState(tagIdsOf(contact.data))) return "unchanged";
      }
      await send({
        method: remove ? "DELETE" : "POST",
        path: apiPath`/contacts/${contactId}/tags/${tag.id}`,
        // A key makes the POST safe for the client to retry; the job sends it again, unchanged, after a 429.
        idempotencyKey: remove ? undefined : newIdempotencyKey(),
      });
      return "changed";
    },
    describe: (err, contactId) => describeFailure(err, operation, { contactId, tagId: tag.id }, spec.profile),
  };
}

/** Which of `ids` have the tag now, active or archived. */
async function taggedAmong(
  ids: readonly string[],
  tagId: string,
  client: ApiClient,
  signal: AbortSignal,
): Promise<Set<string>> {
  const wanted = new Set(ids);
  const tagged = new Set<string>();
  for (const archived of [false, true]) {
    const query = { tagIds: [tagId], archived, pageSize: PAGE };
    for await (const item of client.paginate({ method: "GET", path: "/contacts", query, signal }, "contacts")) {
      const contact = contactShape.safeParse(item);
      if (contact.success && wanted.has(contact.data.id)) tagged.add(contact.data.id);
    }
  }
  return tagged;
}

/** The operation each request is, so a failure reads as that tool's would (its scopes, its next step). */
function contactOperation(name: string): Tool {
  const operation = contactTools.find((t) => t.name === name);
  if (!operation) throw new Error(`${name} is missing from the contacts tools`);
  return operation;
}
