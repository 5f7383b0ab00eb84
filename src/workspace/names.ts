// Names where ids are asked: an argument that refers to a tag, custom field or
// event type (its definition says so, see src/refs.ts) takes the id or the
// exact name (any case), resolved from the cached definitions. A miss is
// refused before anything is sent, naming the nearest names.

import { point } from "../pointers.js";
import { type ArgRef, REFS, whereNamed } from "../refs.js";
import { ToolInputError } from "../refusal.js";
import { nearest } from "./similarity.js";
import { type Definition, type DefinitionKind, isDefinitionKind, type Workspace } from "./workspace.js";

export interface Lookup {
  found: Definition | undefined;
  /** The definitions looked in; undefined when they could not be listed (no scope, API down). */
  items: readonly Definition[] | undefined;
}

/**
 * The definition an id or name stands for. A warm cache that misses may just be
 * stale (someone else added it), so it is listed once more before giving up.
 * When the definitions cannot be listed, the caller leaves the value to the API.
 */
export async function lookup(workspace: Workspace, kind: DefinitionKind, value: string): Promise<Lookup> {
  const cached = workspace.peek(kind);
  const hit = cached && match(cached.items, value);
  if (hit) return { found: hit, items: cached.items };
  try {
    const { items } = await workspace.get(kind, { refresh: cached !== undefined });
    return { found: match(items, value), items };
  } catch {
    return { found: undefined, items: undefined };
  }
}

/**
 * The id for an id-or-name argument. An id-shaped value passes through untouched
 * when nothing is cached (no request just to confirm it) or when the API, not
 * us, should say it is unknown; so does any value when the definitions cannot be listed.
 */
export async function resolveId(
  workspace: Workspace,
  kind: DefinitionKind,
  value: string,
  arg: string,
): Promise<string> {
  const idShaped = REFS[kind].names?.idPattern.test(value) ?? false;
  if (!workspace.peek(kind) && idShaped) return value;
  const { found, items } = await lookup(workspace, kind, value);
  if (found) return found.id;
  if (!items || idShaped) return value;
  throw unknownName(kind, value, arg, items);
}

export function unknownName(
  kind: DefinitionKind,
  value: string,
  arg: string,
  items: readonly Definition[],
): ToolInputError {
  const { noun, names } = REFS[kind];
  const close = nearest(
    value,
    items.map((d) => d.name),
  );
  const hint = close.length ? `did you mean ${close.map((n) => JSON.stringify(n)).join(", ")}?` : "no similar name.";
  const create = names?.create;
  return new ToolInputError([
    `${arg}: no ${noun} with id or name ${JSON.stringify(value)} — ${hint} Nothing was sent; see `,
    whereNamed(kind),
    ".",
    create ? point(create, ` To make a new one, call ${create} first.`) : "",
  ]);
}

/** By id, then by exact name, then by name in any case (an exact-case match wins over others). */
function match(items: readonly Definition[], value: string): Definition | undefined {
  const byId = items.find((d) => d.id === value);
  if (byId) return byId;
  const exact = items.find((d) => d.name === value);
  if (exact) return exact;
  const lower = value.trim().toLowerCase();
  return items.find((d) => d.name.toLowerCase() === lower);
}

/**
 * Resolves the arguments that refer to definitions by name: each id-or-name
 * becomes the id, `customFields` keys (refs at `keys`) become the API's keys.
 * `refs` come from the tool's definition.
 */
export function resolveRefs(workspace: Workspace) {
  return async (refs: readonly ArgRef[], args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    let out = args;
    for (const { arg, kind, shape } of refs) {
      const value = args[arg];
      if (!isDefinitionKind(kind) || !REFS[kind].names || value === undefined) continue;
      let resolved: unknown = value;
      if (shape === "one" && typeof value === "string") {
        resolved = await resolveId(workspace, kind, value, arg);
      } else if (shape === "many" && Array.isArray(value)) {
        resolved = await Promise.all(
          value.map((v, i) => (typeof v === "string" ? resolveId(workspace, kind, v, `${arg}[${i}]`) : v)),
        );
      } else if (shape === "keys" && kind === "contactFields" && isStringRecord(value)) {
        resolved = await fieldKeys(workspace, value);
      }
      if (resolved !== value) out = { ...out, [arg]: resolved };
    }
    return out;
  };
}

// A `customFields` key may be a field's key, its id, or its name in any case; it is
// sent as the key (see fieldKey). A key that matches no field is refused with the
// nearest names. When the fields cannot be listed, the keys go as given and the API judges them.
async function fieldKeys(workspace: Workspace, values: Record<string, string>): Promise<Record<string, string>> {
  if (Object.keys(values).length === 0) return values;
  let items: readonly Definition[];
  try {
    items = (await workspace.get("contactFields")).items;
  } catch {
    return values;
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    let field = fieldByKey(items, key) ?? match(items, key);
    if (!field) {
      // Maybe added since the cache was filled: lookup() lists once more.
      const again = await lookup(workspace, "contactFields", key);
      field = again.found;
      if (!field) throw unknownName("contactFields", key, `customFields.${key}`, again.items ?? items);
    }
    out[fieldKey(field.id)] = value;
  }
  return out;
}

/**
 * The key a contact's `customFields` holds a field's value under: the field id without its `cf_`
 * prefix, snake_case turned to lowerCamelCase (`cf_lifecycle_stage` → `lifecycleStage`, `cf_email` →
 * `email`), as the API reference pairs them. Ids never change on rename, so neither does the key.
 */
export function fieldKey(id: string): string {
  return id.replace(/^cf_/, "").replace(/_([a-z0-9])/gi, (_, first: string) => first.toUpperCase());
}

/** The field a `customFields` key stands for when it is already the field's key, or its id. */
export function fieldByKey(items: readonly Definition[], key: string): Definition | undefined {
  return items.find((d) => fieldKey(d.id) === key || d.id === key);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}
