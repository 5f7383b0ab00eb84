// Custom field definitions for contacts and for property records: the same
// five operations twice, built by one function with the entity type as its
// parameter. Also the helpers contacts and imports use to resolve and check values.

import {
  ALL_ROLES,
  asciiWords,
  bodyObject,
  conflict,
  type FieldViolation,
  found,
  invalid,
  noContent,
  ok,
  type Route,
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
        const { name, type } = readDefinition(bodyObject(ctx));
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
        const { name, type } = readDefinition(bodyObject(ctx));
        if (name.toLowerCase() !== field.name.toLowerCase()) assertNameFree(fields, name);
        // The id, and so the key contact values are stored under, stays: a rename must not orphan them.
        field.name = name;
        field.type = type;
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
          const key = fieldKey(field.id);
          for (const contact of store.contacts.values()) delete contact.customFields[key];
        }
        return noContent();
      },
    },
  ];
}

function fieldMap(store: Store, entityType: EntityType): Map<string, CustomFieldDefinition> {
  return entityType === "contact" ? store.contactFields : store.propertyFields;
}

function fieldView(field: CustomFieldDefinition) {
  return {
    id: field.id,
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
  const field: CustomFieldDefinition = {
    id: newFieldId(store, init.name),
    name: init.name,
    type: init.type,
    createdAt: init.createdAt ?? store.now(),
    createdBy: init.createdBy,
    predefined: init.predefined ?? false,
    entityType,
  };
  fieldMap(store, entityType).set(field.id, field);
  return field;
}

/**
 * The key a contact's `customFields` holds a field's value under: the field id without `cf_`, snake_case
 * turned to lowerCamelCase, as the reference pairs `cf_lifecycle_stage` with `lifecycleStage`.
 * (The product derives it the same way in src/workspace/names.ts; the sandbox imports no product code.)
 */
export function fieldKey(id: string): string {
  return id.replace(/^cf_/, "").replace(/_([a-z0-9])/gi, (_, first: string) => first.toUpperCase());
}

/**
 * A new field's id: `cf_` and the name in snake_case ("Lifecycle stage" → `cf_lifecycle_stage`, as in the
 * reference), with a numeric suffix (`cf_region_2`) when that id, or the key it derives, is taken.
 */
function newFieldId(store: Store, name: string): string {
  const base = `cf_${asciiWords(name).join("_") || "field"}`;
  const taken = [...store.contactFields.values(), ...store.propertyFields.values()];
  for (let n = 1; ; n += 1) {
    const id = n === 1 ? base : `${base}_${n}`;
    if (!taken.some((f) => f.id === id || fieldKey(f.id) === fieldKey(id))) return id;
  }
}

/** A field by id, key or name (key and name in any case), the three ways a caller may name it. */
export function findField(
  fields: ReadonlyMap<string, CustomFieldDefinition>,
  ref: string,
): CustomFieldDefinition | undefined {
  const direct = fields.get(ref);
  if (direct) return direct;
  const lower = ref.trim().toLowerCase();
  for (const field of fields.values()) {
    if (fieldKey(field.id).toLowerCase() === lower || field.name.toLowerCase() === lower) return field;
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

/** The body of a create or an update: the reference requires both `name` and `type` in each. */
function readDefinition(body: Record<string, unknown>): { name: string; type: FieldType } {
  const violations: FieldViolation[] = [];
  const name = typeof body.name === "string" ? body.name.trim() : "";
  if (name === "") violations.push({ field: "name", message: "is required: the field's label" });
  const type = FIELD_TYPES.find((t) => t === body.type);
  if (type === undefined) violations.push({ field: "type", message: `is required: one of ${FIELD_TYPES.join(", ")}` });
  if (violations.length > 0 || type === undefined) throw invalid(violations);
  return { name, type };
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
