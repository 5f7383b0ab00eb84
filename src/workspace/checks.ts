// Checks made before sending, which a definition lists by name (`checks`):
// an event's payload against its type's payloadSchema, a date field's value.
// A failed check is a ToolInputError: nothing reaches the API.

import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { DATE_RULE, dateProblem } from "../formats.js";
import { ToolInputError } from "../refusal.js";
import { fitting } from "../words.js";
import { fieldByKey, lookup, unknownName } from "./names.js";
import type { Workspace } from "./workspace.js";

/** A check on validated, name-resolved arguments; returns them, possibly normalised. */
export type Check = (args: Record<string, unknown>, workspace: Workspace) => Promise<Record<string, unknown>>;

/** Runs a definition's checks in order. */
export function runChecks(workspace: Workspace) {
  return async (checks: readonly Check[], args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    let out = args;
    for (const check of checks) out = await check(out, workspace);
    return out;
  };
}

/** The event type named by `nameArg` exists, and `payload` fits its payloadSchema; an id or another case becomes the name. */
export function eventPayload(nameArg: string): Check {
  return async (args, workspace) => (typeof args[nameArg] === "string" ? checkEvent(workspace, args, nameArg) : args);
}

/** `valueArg` is a real date when the contact field named by `fieldArg` is a date field ("" clears). */
export function dateFieldValue(fieldArg: string, valueArg: string): Check {
  return async (args, workspace) => {
    const value = args[valueArg];
    const field = args[fieldArg];
    // Only a value that is not already a date needs the field's type.
    if (typeof value !== "string" || value === "" || typeof field !== "string" || !dateProblem(value)) return args;
    const { found } = await lookup(workspace, "contactFields", field);
    if (found?.type === "date") throw notADate(valueArg, value, found.name);
    return args;
  };
}

/** Each value of the record `arg` (contact field key → value, keys resolved) is a real date where its field is a date field. */
export function dateFieldValues(arg: string): Check {
  return async (args, workspace) => {
    const values = args[arg];
    if (values && typeof values === "object") await checkFieldValues(workspace, arg, values as Record<string, unknown>);
    return args;
  };
}

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

/** Characters of payload problems told, so the whole refusal stays one uncut summary. */
const PROBLEMS_ROOM = 160;

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
      const problems =
        fitting((validate.errors ?? []).map(describe), PROBLEMS_ROOM) || "it does not fit the payloadSchema";
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

async function checkFieldValues(workspace: Workspace, arg: string, values: Readonly<Record<string, unknown>>) {
  const suspect = Object.entries(values).filter(([, v]) => typeof v === "string" && v !== "" && dateProblem(v));
  if (suspect.length === 0) return;
  // get() answers from the cache when it is fresh; a failed listing leaves the values to the API.
  const fields = await workspace.get("contactFields").catch(() => undefined);
  for (const [key, value] of suspect) {
    const field = fields && fieldByKey(fields.items, key);
    if (field?.type === "date") throw notADate(`${arg}.${key}`, String(value), field.name);
  }
}

// "1985-02-30" does not exist: February 1985 has 28 days; Birthday is a date field and takes …
function notADate(arg: string, value: string, field: string): ToolInputError {
  return new ToolInputError(
    `${arg}: ${JSON.stringify(value)} ${dateProblem(value)}; ${field} is a date field and takes ${DATE_RULE}. Nothing was sent.`,
  );
}
