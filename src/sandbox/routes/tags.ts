// Tags: workspace labels for contacts. labeledCount is computed live so it can
// never drift from the contacts that actually carry the tag.

import { ALL_ROLES, bodyObject, conflict, invalid, noContent, notFound, ok, type Route } from "../framework.js";
import type { Store, Tag } from "../store.js";

const MAX_TAG_NAME = 64;

export function routes(store: Store): Route[] {
  return [
    {
      method: "GET",
      path: "/tags",
      roles: ALL_ROLES,
      handle: () => ok({ tags: [...store.tags.values()].map((tag) => tagView(store, tag)) }),
    },
    {
      method: "POST",
      path: "/tags",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const name = tagName(bodyObject(ctx).name);
        const tag = createTag(store, name, ctx.caller.userId);
        return ok(tagView(store, tag), 201);
      },
    },
    {
      method: "DELETE",
      path: "/tags/{id}",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const id = ctx.params.id ?? "";
        if (!store.tags.delete(id)) throw notFound("tag", id);
        for (const contact of store.contacts.values()) {
          contact.tagIds = contact.tagIds.filter((tagId) => tagId !== id);
        }
        return noContent();
      },
    },
  ];
}

/** Creates a tag; names are unique regardless of case, as the workspace UI shows them. */
export function createTag(store: Store, name: string, createdBy: string, createdAt?: string, id?: string): Tag {
  const lower = name.toLowerCase();
  for (const existing of store.tags.values()) {
    if (existing.name.toLowerCase() === lower) {
      throw conflict("tag_already_exists", `A tag named "${existing.name}" already exists (${existing.id}).`);
    }
  }
  const tag: Tag = { id: id ?? store.id("tag"), name, createdAt: createdAt ?? store.now(), createdBy };
  store.tags.set(tag.id, tag);
  return tag;
}

function tagView(store: Store, tag: Tag) {
  let labeledCount = 0;
  for (const contact of store.contacts.values()) {
    if (contact.deletedAt === null && contact.tagIds.includes(tag.id)) labeledCount += 1;
  }
  return { id: tag.id, name: tag.name, createdAt: tag.createdAt, createdBy: tag.createdBy, labeledCount };
}

function tagName(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw invalid([{ field: "name", message: "is required" }]);
  const name = value.trim();
  if (name.length > MAX_TAG_NAME) {
    throw invalid([{ field: "name", message: `must be at most ${MAX_TAG_NAME} characters` }]);
  }
  return name;
}
