// Contacts: list with the reference's filters, count, CRUD with soft delete,
// archive state, custom field values, tags, and CSV import (processed by ../csv-import.ts).

import { type ContactInput, createContact, E164_MESSAGE, isE164 } from "../contact-model.js";
import { startImport } from "../csv-import.js";
import {
  ALL_ROLES,
  bodyObject,
  type Ctx,
  conflict,
  type FieldViolation,
  found,
  invalid,
  isRecord,
  noContent,
  notFound,
  ok,
  optionalString,
  page,
  queryBool,
  queryEnum,
  queryList,
  queryObject,
  type Route,
} from "../framework.js";
import { CHANNELS, type Channel, type Contact, type Store } from "../store.js";
import { checkFieldValue, fieldKey, findField } from "./custom-fields.js";

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const ORDER_BY = ["createdAt", "updatedAt", "name"] as const;
const DIRECTIONS = ["asc", "desc"] as const;

export function routes(store: Store): Route[] {
  const live = (id: string | undefined): Contact => {
    const contact = store.liveContact(id ?? "");
    if (!contact) throw notFound("contact", id ?? "");
    return contact;
  };

  return [
    { method: "GET", path: "/contacts", roles: ALL_ROLES, handle: (ctx) => listContacts(store, ctx) },
    {
      method: "GET",
      path: "/contacts/count",
      roles: ALL_ROLES,
      handle: (ctx) => {
        // Independent of list filters by design: `archived` only picks the bucket.
        const archived = queryBool(ctx.query, "archived") ?? false;
        let totalSize = 0;
        for (const c of store.contacts.values()) {
          if (c.deletedAt === null && (c.archivedAt !== null) === archived) totalSize += 1;
        }
        return ok({ totalSize });
      },
    },
    {
      method: "POST",
      path: "/contacts",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const body = bodyObject(ctx);
        const contact = createContact(store, readContactInput(store, body));
        return ok(contactView(store, contact), 201);
      },
    },
    {
      method: "GET",
      path: "/contacts/{id}",
      roles: ALL_ROLES,
      handle: (ctx) => ok(contactView(store, live(ctx.params.id))),
    },
    {
      method: "PATCH",
      path: "/contacts/{id}",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const contact = live(ctx.params.id);
        const name = optionalString(bodyObject(ctx), "name");
        if (name !== undefined) {
          contact.name = name.trim();
          contact.updatedAt = store.now();
        }
        return ok(contactView(store, contact));
      },
    },
    {
      method: "DELETE",
      path: "/contacts/{id}",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const contact = live(ctx.params.id);
        contact.deletedAt = store.now();
        return noContent();
      },
    },
    {
      method: "POST",
      path: "/contacts/import",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const file = ctx.multipart?.files.file;
        if (!file) {
          throw invalid([{ field: "file", message: "is required: send the CSV as multipart/form-data field `file`" }]);
        }
        return ok({ importId: startImport(store, file.data) }, 202);
      },
    },
    {
      method: "GET",
      path: "/contacts/imports/{id}",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const id = ctx.params.id ?? "";
        const job = found(store.imports, "import", id);
        const { status, totalRows, successCount, failedCount, errors } = job;
        return ok({ importId: job.id, status, totalRows, successCount, failedCount, errors });
      },
    },
    {
      method: "POST",
      path: "/contacts/{id}/archive",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const contact = live(ctx.params.id);
        if (contact.archivedAt !== null) {
          throw conflict("contact_already_archived", `Contact ${contact.id} is already archived.`);
        }
        contact.archivedAt = store.now();
        contact.updatedAt = contact.archivedAt;
        return noContent();
      },
    },
    {
      method: "POST",
      path: "/contacts/{id}/unarchive",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const contact = live(ctx.params.id);
        if (contact.archivedAt === null)
          throw conflict("contact_not_archived", `Contact ${contact.id} is not archived.`);
        contact.archivedAt = null;
        contact.updatedAt = store.now();
        return noContent();
      },
    },
    {
      method: "PUT",
      path: "/contacts/{contactId}/custom-fields/{customFieldId}",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const contact = live(ctx.params.contactId);
        const fieldId = ctx.params.customFieldId ?? "";
        const field = findField(store.contactFields, fieldId);
        if (!field) throw notFound("custom_field", fieldId);
        const value = bodyObject(ctx).value;
        if (typeof value !== "string") throw invalid([{ field: "value", message: "is required and must be a string" }]);
        const violation = checkFieldValue(field, value, "value");
        if (violation) throw invalid([violation]);
        // An empty string clears the value; the definition itself stays.
        const key = fieldKey(field.id);
        if (value === "") delete contact.customFields[key];
        else contact.customFields[key] = value;
        contact.updatedAt = store.now();
        return noContent();
      },
    },
    {
      method: "POST",
      path: "/contacts/{contactId}/tags/{tagId}",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const contact = live(ctx.params.contactId);
        const tagId = knownTag(store, ctx.params.tagId);
        if (!contact.tagIds.includes(tagId)) {
          contact.tagIds.push(tagId);
          contact.updatedAt = store.now();
        }
        return noContent();
      },
    },
    {
      method: "DELETE",
      path: "/contacts/{contactId}/tags/{tagId}",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const contact = live(ctx.params.contactId);
        const tagId = knownTag(store, ctx.params.tagId);
        if (contact.tagIds.includes(tagId)) {
          contact.tagIds = contact.tagIds.filter((id) => id !== tagId);
          contact.updatedAt = store.now();
        }
        return noContent();
      },
    },
  ];
}

function knownTag(store: Store, tagId: string | undefined): string {
  if (tagId === undefined || !store.tags.has(tagId)) throw notFound("tag", tagId ?? "");
  return tagId;
}

// ---- Views and creation ----

function contactView(store: Store, contact: Contact) {
  return {
    id: contact.id,
    tenantId: store.tenantId,
    name: contact.name,
    createdAt: contact.createdAt,
    updatedAt: contact.updatedAt,
    identities: contact.identities,
    tagIds: contact.tagIds,
    customFields: contact.customFields,
    archivedAt: contact.archivedAt,
  };
}

/** Validates a create-contact body, collecting every violation so the caller can fix them in one go. */
function readContactInput(store: Store, body: Record<string, unknown>): ContactInput {
  const violations: FieldViolation[] = [];
  const input: ContactInput = { name: "" };
  const name = body.name;
  if (name !== undefined && name !== null) {
    if (typeof name === "string") input.name = name.trim();
    else violations.push({ field: "name", message: "must be a string" });
  }
  const phone = body.phone;
  if (phone !== undefined && phone !== null) {
    if (typeof phone === "string" && isE164(phone)) input.phone = phone;
    else violations.push({ field: "phone", message: E164_MESSAGE });
  }
  const customFields = body.customFields;
  if (customFields !== undefined && customFields !== null) {
    if (isRecord(customFields)) input.customFields = readCustomValues(store, customFields, violations);
    else violations.push({ field: "customFields", message: "must be an object of field key to value" });
  }
  if (violations.length > 0) throw invalid(violations);
  return input;
}

function readCustomValues(
  store: Store,
  values: Record<string, unknown>,
  violations: FieldViolation[],
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [ref, value] of Object.entries(values)) {
    const path = `customFields.${ref}`;
    const field = findField(store.contactFields, ref);
    if (!field) {
      violations.push({ field: path, message: "unknown custom field: see GET /contacts/custom-fields" });
    } else if (typeof value !== "string") {
      violations.push({ field: path, message: "must be a string" });
    } else {
      const violation = checkFieldValue(field, value, path);
      if (violation) violations.push(violation);
      else if (value !== "") result[fieldKey(field.id)] = value;
    }
  }
  return result;
}

// ---- Listing ----

interface ContactFilter {
  archived: boolean | undefined;
  search: string | undefined;
  /** field key → lower-cased wanted value */
  customFields: Array<[string, string]>;
  tagIds: Set<string>;
  channels: Set<Channel>;
  createdAfter: number | undefined;
  createdBefore: number | undefined;
}

function listContacts(store: Store, ctx: Ctx) {
  const filter = readFilter(store, ctx.query);
  const orderBy = queryEnum(ctx.query, "orderBy", ORDER_BY, "createdAt");
  const direction = queryEnum(ctx.query, "orderDirection", DIRECTIONS, "asc");
  const matches = [...store.contacts.values()].filter((c) => matchesFilter(store, c, filter));
  matches.sort((a, b) => {
    const primary = orderBy === "name" ? a.name.localeCompare(b.name, "pl") : a[orderBy].localeCompare(b[orderBy]);
    // Ids break ties so pages never overlap or skip when sort keys are equal.
    const order = primary !== 0 ? primary : a.id.localeCompare(b.id);
    return direction === "asc" ? order : -order;
  });
  // The reference's list shows no totalSize here (GET /contacts/count counts).
  const result = page(matches, ctx.query);
  return ok({ contacts: result.items.map((c) => contactView(store, c)), nextPageToken: result.nextPageToken });
}

function readFilter(store: Store, query: URLSearchParams): ContactFilter {
  const channels = new Set<Channel>();
  for (const value of queryList(query, "channels")) {
    const channel = CHANNELS.find((c) => c === value);
    if (!channel)
      throw invalid([{ field: "channels", message: `unknown channel ${value}: use ${CHANNELS.join(", ")}` }]);
    channels.add(channel);
  }
  const customFields: Array<[string, string]> = [];
  for (const [ref, value] of Object.entries(queryObject(query, "customFields"))) {
    const field = findField(store.contactFields, ref);
    if (!field) throw invalid([{ field: `customFields.${ref}`, message: "unknown custom field" }]);
    customFields.push([fieldKey(field.id), value.toLowerCase()]);
  }
  const search = query.get("search")?.trim().toLowerCase();
  return {
    archived: queryBool(query, "archived"),
    search: search === "" ? undefined : search,
    customFields,
    tagIds: new Set(queryList(query, "tagIds")),
    channels,
    createdAfter: queryTime(query, "createdAfter"),
    createdBefore: queryTime(query, "createdBefore"),
  };
}

function queryTime(query: URLSearchParams, key: string): number | undefined {
  const value = query.get(key);
  if (value === null || value === "") return undefined;
  const time = Date.parse(value);
  if (!RFC3339.test(value) || Number.isNaN(time)) {
    throw invalid([{ field: key, message: "must be an RFC 3339 timestamp such as 2026-03-01T00:00:00Z" }]);
  }
  return time;
}

function matchesFilter(store: Store, contact: Contact, filter: ContactFilter): boolean {
  if (contact.deletedAt !== null) return false;
  // Tri-state: omitted hides archived contacts, true shows only them, false only the others.
  const wantArchived = filter.archived ?? false;
  if ((contact.archivedAt !== null) !== wantArchived) return false;
  const created = Date.parse(contact.createdAt);
  if (filter.createdAfter !== undefined && created < filter.createdAfter) return false;
  if (filter.createdBefore !== undefined && created >= filter.createdBefore) return false;
  for (const [key, wanted] of filter.customFields) {
    if ((contact.customFields[key] ?? "").toLowerCase() !== wanted) return false;
  }
  if (filter.tagIds.size > 0 && !contact.tagIds.some((id) => filter.tagIds.has(id))) return false;
  if (filter.channels.size > 0 && !contact.identities.some((i) => filter.channels.has(i.channel))) return false;
  if (filter.search !== undefined && !searchText(store, contact).includes(filter.search)) return false;
  return true;
}

/** Everything `search` looks in, lower-cased: name, email/phone field values, identity phones, tag names. */
function searchText(store: Store, contact: Contact): string {
  const parts = [contact.name, contact.customFields.email ?? "", contact.customFields.phone ?? ""];
  for (const identity of contact.identities) parts.push(identity.metadata.phoneNumber ?? "");
  for (const id of contact.tagIds) parts.push(store.tags.get(id)?.name ?? "");
  return parts.join("\n").toLowerCase();
}
