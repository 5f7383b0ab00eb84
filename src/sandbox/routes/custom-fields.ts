// Custom field definitions for contacts and for property records: the same
// five operations twice, built by one function with the entity type as its
// parameter. Also the helpers contacts and imports use to resolve and check values.

import {
  ALL_ROLES,
  bodyObject,
  conflict,
  type FieldViolation,
  found,
  invalid,
  noContent,
  ok,
  optionalString,
  type Route,
  requiredString,
} from "../framework.js";
import type { CustomFieldDefinition, EntityType, FieldType, Store } from "../store.js";

const FIELD_TYPES: readonly FieldType[] = ["text", "date"];

export function routes(store: Store): Route[] {
  return [...definitionRoutes(store, "contact"), ...definitionRoutes(store, "property")];
}

function definitionRoutes(store: Store, entityType: EntityType): Route[] {
  const base = entityType === "contact" ? "/contacts/custom-fields" : "/properties/custom-fields";
  const fields = fieldMap(store, entityType);
  const find = (id: string): CustomFieldDefinition => found(fields, "custom_field", id);

  return [
    {
      method: "GET",
      path: base,
      roles: ALL_ROLES,
      handle: () => ok({ customFields: [...fields.values()].map(fieldView) }),
    },
    {
      method: "POST",
      path: base,
      roles: ALL_ROLES,
      handle: (ctx) => {
        const body = bodyObject(ctx);
        const name = requiredString(body, "name");
        const type = fieldType(body, true) ?? "text";
        assertNameFree(fields, name);
        const field = createField(store, entityType, { name, type, createdBy: ctx.caller.userId });
        return ok(fieldView(field), 201);
      },
    },
    {
      method: "PATCH",
      path: `${base}/{id}`,
      roles: ALL_ROLES,
      handle: (ctx) => {
        const field = find(ctx.params.id ?? "");
        const body = bodyObject(ctx);
        const name = optionalString(body, "name")?.trim();
        const type = fieldType(body, false);
        if (name === "") throw invalid([{ field: "name", message: "must not be empty" }]);
        if (name !== undefined && name.toLowerCase() !== field.name.toLowerCase()) assertNameFree(fields, name);
        // The storage key stays as it was: renaming a field must not orphan the values stored under it.
        if (name !== undefined) field.name = name;
        if (type !== undefined) field.type = type;
        return ok(fieldView(field));
      },
    },
    {
      method: "DELETE",
      path: `${base}/{id}`,
      roles: ALL_ROLES,
      handle: (ctx) => {
        const field = find(ctx.params.id ?? "");
        if (field.predefined) {
          throw conflict("custom_field_predefined", `Custom field ${field.id} is predefined and cannot be deleted.`);
        }
        fields.delete(field.id);
        if (entityType === "contact") {
          for (const contact of store.contacts.values()) delete contact.customFields[field.key];
        }
        return noContent();
      },
    },
  ];
}

function fieldMap(store: Store, entityType: EntityType): Map<string, CustomFieldDefinition> {
  return entityType === "contact" ? store.contactFields : store.propertyFields;
}

/** What the API shows: the reference's attributes plus `key`, the name values are stored under on contacts. */
function fieldView(field: CustomFieldDefinition) {
  return {
    id: field.id,
    key: field.key,
    name: field.name,
    type: field.type,
    createdAt: field.createdAt,
    createdBy: field.createdBy,
    predefined: field.predefined,
    entityType: field.entityType,
  };
}

export function createField(
  store: Store,
  entityType: EntityType,
  init: { name: string; type: FieldType; createdBy: string; predefined?: boolean; createdAt?: string },
): CustomFieldDefinition {
  const fields = fieldMap(store, entityType);
  const words = nameWords(init.name);
  // Readable ids like the reference (`cf_lifecycle_stage`) when free; a generated one otherwise.
  const readableId = `cf_${words.join("_")}`;
  const id = words.length > 0 && !idTaken(store, readableId) ? readableId : store.id("cf");
  const key = uniqueKey(fields, camelCase(words) || id);
  const field: CustomFieldDefinition = {
    id,
    key,
    name: init.name,
    type: init.type,
    createdAt: init.createdAt ?? store.now(),
    createdBy: init.createdBy,
    predefined: init.predefined ?? false,
    entityType,
  };
  fields.set(id, field);
  return field;
}

/** A field by id, key or (case-insensitive) name, the three ways a caller may name it. */
export function findField(
  fields: ReadonlyMap<string, CustomFieldDefinition>,
  ref: string,
): CustomFieldDefinition | undefined {
  const direct = fields.get(ref);
  if (direct) return direct;
  const lower = ref.trim().toLowerCase();
  for (const field of fields.values()) {
    if (field.key.toLowerCase() === lower || field.name.toLowerCase() === lower) return field;
  }
  return undefined;
}

/** The violation for a value that does not fit its field's type, or undefined when it fits. */
export function checkFieldValue(field: CustomFieldDefinition, value: string, path: string): FieldViolation | undefined {
  if (field.type === "date" && value !== "" && !isIsoDate(value)) {
    return { field: path, message: "must be a date in YYYY-MM-DD format" };
  }
  return undefined;
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  // Round-tripping rejects dates such as 2026-02-30 that Date silently rolls over.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function fieldType(body: Record<string, unknown>, required: boolean): FieldType | undefined {
  const value = body.type;
  if (value === undefined || value === null) {
    if (required) throw invalid([{ field: "type", message: "is required: text or date" }]);
    return undefined;
  }
  const match = FIELD_TYPES.find((t) => t === value);
  if (match === undefined) throw invalid([{ field: "type", message: "must be one of text, date" }]);
  return match;
}

function assertNameFree(fields: ReadonlyMap<string, CustomFieldDefinition>, name: string): void {
  const lower = name.toLowerCase();
  for (const field of fields.values()) {
    if (field.name.toLowerCase() === lower) {
      throw conflict(
        "custom_field_already_exists",
        `A custom field named "${field.name}" already exists (${field.id}).`,
      );
    }
  }
}

function idTaken(store: Store, id: string): boolean {
  return store.contactFields.has(id) || store.propertyFields.has(id);
}

function nameWords(name: string): string[] {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
}

function camelCase(words: readonly string[]): string {
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join("");
}

function uniqueKey(fields: ReadonlyMap<string, CustomFieldDefinition>, base: string): string {
  const taken = new Set([...fields.values()].map((f) => f.key));
  let key = base;
  for (let n = 2; taken.has(key); n += 1) key = `${base}${n}`;
  return key;
}
