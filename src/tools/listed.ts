// What a tool lists as: its tools/list entry (name, title, description, input
// and output JSON Schemas, annotations), built once per definition and then
// rendered for the profile served. The built server has these entries
// precomputed (listing.ts, generated from listedTool() itself).

import type { Tool as ListedTool } from "@modelcontextprotocol/server";
import * as z from "zod";
import { EVERY_TOOL, type Profile } from "../pointers.js";
import { PRECOMPUTED } from "./listing.js";
import { listedAs } from "./params.js";
import { forProfile } from "./selection.js";
import type { Hints, Tool } from "./types.js";

/** What tools/list shows of a definition (discovery's own tools are listed the same way). */
export type Listable = Pick<Tool, "name" | "title" | "description" | "input" | "hints" | "output">;

const schemaCache = new WeakMap<Listable, ListedTool>();

/**
 * The tools/list entry of a definition for a profile: built once with every
 * tool served (at build time, for the bundled server), then its texts that
 * name tools rendered for `profile`.
 */
export function listedTool(tool: Listable & Pick<Tool, "texts">, profile: Profile = EVERY_TOOL): ListedTool {
  return forProfile(baseListing(tool), tool.texts, profile);
}

function baseListing(tool: Listable): ListedTool {
  let listed = schemaCache.get(tool);
  if (!listed) listed = PRECOMPUTED?.listing[tool.name];
  if (!listed) {
    const { $schema: _, additionalProperties: __, ...inputSchema } = jsonSchema(z.object(tool.input), "input");
    listed = {
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: { ...slim(inputSchema), type: "object", ...(Object.keys(tool.input).length === 0 && CLOSED) },
      // A read's, and a write's that no get tool describes (manage_job): another write answers with the
      // item its get tool describes, and every schema listed costs Gemini tokens on every turn (mcpToTool
      // sends it as responseJsonSchema).
      ...(tool.output &&
        (tool.hints.readOnlyHint || tool.output.listed) && { outputSchema: outputSchema(tool.output.schema) }),
      annotations: listedHints(tool.hints),
    };
    schemaCache.set(tool, listed);
  }
  return listed;
}

/**
 * The hints as listed: idempotentHint only where it says something, since MCP
 * gives it meaning only beside readOnlyHint false and defaults it to false. The
 * other three stay explicit even where they are MCP's defaults: ChatGPT's app
 * review refuses a tool that leaves destructiveHint or openWorldHint out.
 */
function listedHints({ readOnlyHint, destructiveHint, idempotentHint, openWorldHint }: Hints): Partial<Hints> {
  // In the order of MCP's schema, which the SDK's listing keeps.
  return idempotentHint && !readOnlyHint
    ? { readOnlyHint, destructiveHint, idempotentHint, openWorldHint }
    : { readOnlyHint, destructiveHint, openWorldHint };
}

// A tool without arguments says so: OpenAI strict mode (openai-agents' convertSchemasToStrict)
// refuses an object schema that does not close itself.
const CLOSED = { additionalProperties: false } as const;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: "draft-7", io, unrepresentable: "any", override: listedAs }) as Record<
    string,
    unknown
  >;
}

/**
 * The outputSchema of an answer: what it holds when present, nothing required.
 * Clients refuse a result that does not match it, and the API may leave out
 * what its reference shows; a missing attribute must not cost the whole answer.
 * Without descriptions: Gemini reads it (as responseJsonSchema), within the
 * token budget, and the answer itself says what its attributes hold.
 */
function outputSchema(schema: z.ZodType): ListedTool["inputSchema"] {
  const { $schema: _, ...rest } = jsonSchema(schema, "output");
  return { ...without(["required", "description"], slim(rest)), type: "object" };
}

/** `node` without the keywords `keys`, at any depth (property names are kept). */
function without<T>(keys: readonly string[], node: T): T {
  if (Array.isArray(node)) return node.map((n) => without(keys, n)) as T;
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).flatMap(([key, value]) =>
      key === "properties"
        ? [[key, Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, without(keys, v)]))]]
        : keys.includes(key)
          ? []
          : [[key, without(keys, value)]],
    ),
  ) as T;
}

/**
 * Drops what costs the model tokens but tells it nothing the description does
 * not: regexes behind a `format`, `minLength: 1`, string property names.
 * Validation still uses the full zod schema.
 */
function slim<T>(node: T): T {
  if (Array.isArray(node)) return node.map(slim) as T;
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  const record = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (key === "pattern" && "format" in record) continue;
    if (key === "minLength" && value === 1) continue;
    if (key === "propertyNames") continue;
    // `{}` allows anything, which is what an absent keyword means too.
    if ((key === "additionalProperties" || key === "items") && isEmptyObject(value)) continue;
    out[key] =
      key === "properties"
        ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, slim(v)]))
        : slim(value);
  }
  return out as T;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
