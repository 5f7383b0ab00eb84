// Event types and recorded events. An event type's payloadSchema (JSON Schema)
// is enforced with Ajv whenever an event is recorded; idempotency keys are
// unique per workspace, so a retried recording answers 409 instead of duplicating.

import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
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
  type Route,
  requiredString,
} from "../framework.js";
import type { EventRecord, EventType, Store } from "../store.js";

export function routes(store: Store): Route[] {
  const schemas = new SchemaCache();
  const findType = (id: string | undefined): EventType => found(store.eventTypes, "event_type", id ?? "");

  return [
    {
      method: "GET",
      path: "/event-types",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const result = page([...store.eventTypes.values()], ctx.query);
        return ok({
          eventTypes: result.items.map((t) => eventTypeView(store, t)),
          nextPageToken: result.nextPageToken,
          totalSize: result.totalSize,
        });
      },
    },
    {
      method: "POST",
      path: "/event-types",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const body = bodyObject(ctx);
        const name = requiredString(body, "name");
        assertTypeNameFree(store, name);
        const description = optionalString(body, "description");
        const payloadSchema = readSchema(schemas, body);
        const type = createEventType(store, {
          name,
          ...(description === undefined ? {} : { description }),
          ...(payloadSchema === undefined ? {} : { payloadSchema }),
        });
        return ok(eventTypeView(store, type), 201);
      },
    },
    {
      method: "GET",
      path: "/event-types/{id}",
      roles: ALL_ROLES,
      handle: (ctx) => ok(eventTypeView(store, findType(ctx.params.id))),
    },
    {
      method: "PATCH",
      path: "/event-types/{id}",
      roles: ALL_ROLES,
      handle: (ctx) => updateEventType(store, schemas, findType(ctx.params.id), bodyObject(ctx)),
    },
    {
      method: "DELETE",
      path: "/event-types/{id}",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const type = findType(ctx.params.id);
        if (type.predefined) throw conflict("event_type_predefined", `Event type ${type.name} is predefined.`);
        const recorded = eventsOfType(store, type.id).length;
        if (recorded > 0) {
          throw conflict("event_type_in_use", `Event type ${type.name} has ${recorded} recorded events.`);
        }
        store.eventTypes.delete(type.id);
        return noContent();
      },
    },
    {
      method: "GET",
      path: "/events",
      roles: ALL_ROLES,
      handle: (ctx) => listEvents(store, ctx, () => true),
    },
    {
      method: "POST",
      path: "/events",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const body = bodyObject(ctx);
        const contactId = requiredString(body, "contactId");
        if (!store.liveContact(contactId)) throw invalid([{ field: "contactId", message: "no such contact" }]);
        return recordEvent(store, schemas, contactId, body, "eventTypeName");
      },
    },
    {
      method: "GET",
      path: "/events/{id}",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const event = store.events.get(ctx.params.id ?? "");
        // Events of a deleted contact go with it.
        if (!event || !store.liveContact(event.contactId)) throw notFound("event", ctx.params.id ?? "");
        return ok(eventView(store, event));
      },
    },
    {
      method: "GET",
      path: "/contacts/{contactId}/events",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const contactId = ctx.params.contactId ?? "";
        if (!store.liveContact(contactId)) throw notFound("contact", contactId);
        return listEvents(store, ctx, (e) => e.contactId === contactId);
      },
    },
    {
      method: "POST",
      path: "/contacts/{contactId}/events",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const contactId = ctx.params.contactId ?? "";
        if (!store.liveContact(contactId)) throw notFound("contact", contactId);
        return recordEvent(store, schemas, contactId, bodyObject(ctx), "name");
      },
    },
  ];
}

// ---- Event types ----

export function createEventType(
  store: Store,
  init: {
    name: string;
    description?: string;
    payloadSchema?: Record<string, unknown>;
    predefined?: boolean;
    createdAt?: string;
    id?: string;
  },
): EventType {
  const createdAt = init.createdAt ?? store.now();
  const type: EventType = {
    id: init.id ?? store.id("evt-type"),
    name: init.name,
    ...(init.description === undefined ? {} : { description: init.description }),
    ...(init.payloadSchema === undefined ? {} : { payloadSchema: init.payloadSchema }),
    predefined: init.predefined ?? false,
    createdAt,
    updatedAt: createdAt,
  };
  store.eventTypes.set(type.id, type);
  return type;
}

function eventTypeView(store: Store, type: EventType) {
  return {
    id: type.id,
    tenantId: store.tenantId,
    name: type.name,
    description: type.description ?? null,
    payloadSchema: type.payloadSchema ?? null,
    createdAt: type.createdAt,
    updatedAt: type.updatedAt,
  };
}

function updateEventType(store: Store, schemas: SchemaCache, type: EventType, body: Record<string, unknown>) {
  const name = optionalString(body, "name")?.trim();
  if (name === "") throw invalid([{ field: "name", message: "must not be empty" }]);
  if (name !== undefined && name !== type.name) assertTypeNameFree(store, name);
  const description = optionalString(body, "description");
  const payloadSchema = readSchema(schemas, body);
  if (payloadSchema !== undefined) {
    // Stored events must stay valid: the reference requires backward-compatible schema changes.
    const validate = schemas.compile(payloadSchema);
    const broken = eventsOfType(store, type.id).filter((e) => !validate(e.payload)).length;
    if (broken > 0) {
      throw invalid([{ field: "payloadSchema", message: `is not compatible with ${broken} recorded events` }]);
    }
    type.payloadSchema = payloadSchema;
  }
  if (name !== undefined) type.name = name;
  if (description !== undefined) type.description = description;
  type.updatedAt = store.now();
  return ok(eventTypeView(store, type));
}

function assertTypeNameFree(store: Store, name: string): void {
  for (const type of store.eventTypes.values()) {
    if (type.name === name)
      throw conflict("event_type_already_exists", `Event type ${name} already exists (${type.id}).`);
  }
}

function readSchema(schemas: SchemaCache, body: Record<string, unknown>): Record<string, unknown> | undefined {
  const schema = body.payloadSchema;
  if (schema === undefined || schema === null) return undefined;
  if (!isRecord(schema)) throw invalid([{ field: "payloadSchema", message: "must be a JSON Schema object" }]);
  const problem = schemas.check(schema);
  if (problem) throw invalid([{ field: "payloadSchema", message: `is not a valid JSON Schema: ${problem}` }]);
  return schema;
}

// ---- Events ----

function recordEvent(
  store: Store,
  schemas: SchemaCache,
  contactId: string,
  body: Record<string, unknown>,
  nameField: "name" | "eventTypeName",
) {
  const typeName = requiredString(body, nameField);
  const type = [...store.eventTypes.values()].find((t) => t.name === typeName);
  if (!type) {
    throw invalid([{ field: nameField, message: `unknown event type ${typeName}: see GET /event-types` }]);
  }
  const payload = body.payload ?? {};
  if (!isRecord(payload)) throw invalid([{ field: "payload", message: "must be an object" }]);
  if (type.payloadSchema) {
    const validate = schemas.compile(type.payloadSchema);
    if (!validate(payload)) throw invalid(violations(validate.errors ?? []), `payload does not match ${type.name}`);
  }
  const idempotencyKey = optionalString(body, "idempotencyKey");
  if (idempotencyKey !== undefined) {
    const existing = [...store.events.values()].find((e) => e.idempotencyKey === idempotencyKey);
    if (existing) {
      throw conflict("event_already_exists", `Event ${existing.id} was already recorded with key ${idempotencyKey}.`);
    }
  }
  const event = addEvent(store, {
    contactId,
    type,
    payload,
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  });
  return ok(eventView(store, event), 201);
}

export function addEvent(
  store: Store,
  init: {
    contactId: string;
    type: EventType;
    payload: Record<string, unknown>;
    idempotencyKey?: string;
    createdAt?: string;
    id?: string;
  },
): EventRecord {
  const event: EventRecord = {
    id: init.id ?? store.id("evt"),
    contactId: init.contactId,
    eventTypeId: init.type.id,
    eventTypeName: init.type.name,
    payload: init.payload,
    ...(init.idempotencyKey === undefined ? {} : { idempotencyKey: init.idempotencyKey }),
    createdAt: init.createdAt ?? store.now(),
  };
  store.events.set(event.id, event);
  return event;
}

function eventView(store: Store, event: EventRecord) {
  return {
    id: event.id,
    tenantId: store.tenantId,
    contactId: event.contactId,
    eventTypeId: event.eventTypeId,
    // The type may have been renamed since; show its current name.
    eventTypeName: store.eventTypes.get(event.eventTypeId)?.name ?? event.eventTypeName,
    payload: event.payload,
    idempotencyKey: event.idempotencyKey ?? null,
    createdAt: event.createdAt,
  };
}

/** Newest first; insertion order breaks ties, so events recorded in the same millisecond stay in order. */
function listEvents(store: Store, ctx: Ctx, keep: (event: EventRecord) => boolean) {
  const typeId = ctx.query.get("eventTypeId");
  const all = [...store.events.values()];
  const position = new Map(all.map((e, i) => [e.id, i]));
  const matches = all
    .filter((e) => keep(e) && (!typeId || e.eventTypeId === typeId) && store.liveContact(e.contactId))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (position.get(b.id) ?? 0) - (position.get(a.id) ?? 0));
  const result = page(matches, ctx.query);
  return ok({
    events: result.items.map((e) => eventView(store, e)),
    nextPageToken: result.nextPageToken,
    totalSize: result.totalSize,
  });
}

function eventsOfType(store: Store, typeId: string): EventRecord[] {
  return [...store.events.values()].filter((e) => e.eventTypeId === typeId);
}

/** Ajv errors as field violations under `payload`: `payload.orderId: is required`. */
function violations(errors: readonly ErrorObject[]): FieldViolation[] {
  return errors.map((error) => {
    const segments = error.instancePath.split("/").slice(1).map(unescapePointer);
    let message = error.message ?? "is invalid";
    if (error.keyword === "required" && typeof error.params.missingProperty === "string") {
      segments.push(error.params.missingProperty);
      message = "is required";
    } else if (error.keyword === "additionalProperties" && typeof error.params.additionalProperty === "string") {
      segments.push(error.params.additionalProperty);
      message = "is not allowed by the event type's payloadSchema";
    }
    return { field: ["payload", ...segments].join("."), message };
  });
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** One Ajv per sandbox, created on first use (it costs milliseconds), with compiled schemas cached by identity. */
class SchemaCache {
  private ajv: Ajv | undefined;
  private readonly compiled = new WeakMap<object, ValidateFunction>();

  private instance(): Ajv {
    this.ajv ??= new Ajv({ allErrors: true, strict: false, addUsedSchema: false });
    return this.ajv;
  }

  /** An error text when the schema itself is invalid, else undefined. */
  check(schema: Record<string, unknown>): string | undefined {
    const ajv = this.instance();
    if (ajv.validateSchema(schema) === true) {
      try {
        this.compile(schema);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    }
    return ajv.errorsText(ajv.errors);
  }

  compile(schema: Record<string, unknown>): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.instance().compile(schema);
      this.compiled.set(schema, validate);
    }
    return validate;
  }
}
