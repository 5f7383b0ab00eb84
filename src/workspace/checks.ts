// Checks made before sending, from the workspace's own definitions: an event's
// payload against its type's payloadSchema, a date field's value as YYYY-MM-DD.
// A failed check is a ToolInputError: nothing reaches the API.

import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { isIsoDate } from "../formats.js";
import { ToolInputError } from "../refusal.js";
import type { Tool } from "../tools/types.js";
import { fieldByKey, lookup, unknownName } from "./names.js";
import type { Workspace } from "./workspace.js";

// The argument holding the event type's name, per tool that records events.
const EVENT_NAME_ARG: Readonly<Record<string, string>> = {
  create_event: "eventTypeName",
  create_contact_event: "name",
};

let ajv: Promise<Ajv> | undefined;

/** Ajv, loaded with the first payload to check rather than at start-up, which rarely needs it. */
function loadAjv(): Promise<Ajv> {
  // Schemas come from the API: unknown keywords and formats are the API's business, not a reason to refuse.
  // `default` is module.exports (ajv is CommonJS), under Node and in the bundle alike.
  ajv ??= import("ajv").then(
    ({ default: { Ajv } }) => new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false }),
  );
  return ajv;
}

const compiled = new WeakMap<object, ValidateFunction | null>();

/** A registrar preparer; runs after names are resolved. */
export function checkBeforeSending(workspace: Workspace) {
  return async (tool: Tool, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const nameArg = EVENT_NAME_ARG[tool.name];
    if (nameArg && typeof args[nameArg] === "string") return checkEvent(workspace, args, nameArg);
    if (tool.path?.endsWith("/custom-fields/{customFieldId}") && typeof args.value === "string") {
      await checkFieldValue(workspace, tool, args, args.value);
    }
    // create_contact's values, keyed by the API's field keys once names are resolved.
    if (
      tool.method === "POST" &&
      tool.path === "/contacts" &&
      args.customFields &&
      typeof args.customFields === "object"
    ) {
      await checkFieldValues(workspace, args.customFields as Record<string, unknown>);
    }
    return args;
  };
}

async function checkEvent(workspace: Workspace, args: Record<string, unknown>, nameArg: string) {
  const wanted = String(args[nameArg]);
  const { found: type, items } = await lookup(workspace, "eventTypes", wanted);
  if (!items) return args; // Event types cannot be listed (e.g. no event_type:list scope): the API checks alone.
  if (!type) throw unknownName("eventTypes", wanted, nameArg, items);
  const schema = type.payloadSchema;
  if (schema && typeof schema === "object") {
    const validate = await validatorFor(schema);
    const payload = args.payload ?? {};
    if (validate && !validate(payload)) {
      const problems = (validate.errors ?? []).slice(0, 5).map(describe).join("; ");
      throw new ToolInputError(
        `Invalid payload for ${type.name} — ${problems}. Nothing was sent; the payloadSchema is in flownally://event-types.`,
      );
    }
  }
  // The API takes the name as defined; an id or another case is turned into it.
  return type.name === wanted ? args : { ...args, [nameArg]: type.name };
}

async function validatorFor(schema: object): Promise<ValidateFunction | undefined> {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    const compiler = await loadAjv();
    try {
      validate = compiler.compile(schema);
    } catch {
      validate = null; // A schema we cannot compile is left to the API.
    }
    compiled.set(schema, validate);
  }
  return validate ?? undefined;
}

function describe(error: ErrorObject): string {
  const path = ["payload", ...error.instancePath.split("/").slice(1)].join(".");
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "required") return `${path}.${String(params.missingProperty)}: required`;
  if (error.keyword === "additionalProperties") return `${path}.${String(params.additionalProperty)}: not allowed`;
  return `${path}: ${error.message ?? "invalid"}`;
}

async function checkFieldValues(workspace: Workspace, values: Readonly<Record<string, unknown>>) {
  const suspect = Object.entries(values).filter(([, v]) => typeof v === "string" && v !== "" && !isIsoDate(v));
  if (suspect.length === 0) return;
  // get() answers from the cache when it is fresh; a failed listing leaves the values to the API.
  const fields = await workspace.get("contactFields").catch(() => undefined);
  for (const [key, value] of suspect) {
    const field = fields && fieldByKey(fields.items, key);
    if (field?.type === "date") throw notADate(`customFields.${key}`, String(value), field.name);
  }
}

function notADate(arg: string, value: string, field: string): ToolInputError {
  return new ToolInputError(
    `${arg}: ${JSON.stringify(value)} is not a date as YYYY-MM-DD, which ${field} (a date field) needs, e.g. 1990-05-12. Nothing was sent.`,
  );
}

// Only a value that is not already a date (or "" to clear) needs the field's type.
async function checkFieldValue(workspace: Workspace, tool: Tool, args: Record<string, unknown>, value: string) {
  if (value === "" || isIsoDate(value) || typeof args.customFieldId !== "string") return;
  const kind = tool.path?.includes("/properties/") ? "propertyFields" : "contactFields";
  const { found: field } = await lookup(workspace, kind, args.customFieldId);
  if (field?.type === "date") throw notADate("value", value, field.name);
}
