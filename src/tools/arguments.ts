// Tool arguments as models send them, made into what a definition's schema
// wants before it is checked: text that is plainly a number, a boolean, a JSON
// object or array, or a plain date where a date-time is asked. Strictly: "10abc"
// stays text and is refused by the schema. And a `__proto__` key, which an
// object parse would silently drop, is refused like any unknown key.

import * as z from "zod";
import { describeInvalidArguments } from "./errors.js";
import type { Tool } from "./types.js";

type Parsed = { ok: true; args: Record<string, unknown> } | { ok: false; message: string };

/** Validates arguments against a definition's zod schema, after coercing text to what the schema wants. */
export function parseArguments(tool: Pick<Tool, "input" | "oneOf">, rawArgs: Record<string, unknown>): Parsed {
  const proto = protoKeyIn(rawArgs, []);
  if (proto) return { ok: false, message: describeInvalidArguments(new z.ZodError([proto])) };
  const parsed = z.object(tool.input).strict().safeParse(coerceArguments(tool.input, rawArgs));
  if (!parsed.success) return { ok: false, message: describeInvalidArguments(parsed.error) };
  const missing = tool.oneOf && !tool.oneOf.args.some((name) => given(parsed.data[name]));
  if (!missing || !tool.oneOf) return { ok: true, args: parsed.data };
  const { args, why } = tool.oneOf;
  const issue = { code: "custom" as const, path: [], message: `give ${args.join(" or ")} (${why})`, input: rawArgs };
  return { ok: false, message: describeInvalidArguments(new z.ZodError([issue])) };
}

const given = (value: unknown): boolean => typeof value === "string" && value.trim() !== "";

/** Each top-level text argument whose schema wants something else, converted when it is plainly that. */
function coerceArguments(input: z.ZodRawShape, args: Record<string, unknown>): Record<string, unknown> {
  let out = args;
  for (const [key, value] of Object.entries(args)) {
    // Own keys only: an argument named "toString" is unknown, not Object.prototype's.
    const schema = Object.hasOwn(input, key) ? input[key] : undefined;
    // OpenAI strict mode makes optional arguments nullable and sends null for "left out".
    if (value === null && schema && z.safeParse(schema, undefined).success && !z.safeParse(schema, null).success) {
      const { [key]: _, ...rest } = out;
      out = rest;
      continue;
    }
    if (typeof value !== "string" || !schema) continue;
    const coerced = fromText(wanted(schema), value);
    if (coerced !== value) out = { ...out, [key]: coerced };
  }
  return out;
}

type Wanted = "structured" | "number" | "boolean" | "datetime" | undefined;

// JSON's own number syntax: "10", "-2.5", "1e3"; not "10abc", " 10", "0x10" or "".
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function fromText(want: Wanted, text: string): unknown {
  switch (want) {
    case "structured":
      // Several models send an object or array argument as a JSON string.
      if (!/^\s*[[{]/.test(text)) return text;
      try {
        return JSON.parse(text);
      } catch {
        return text; // Validation will name the argument.
      }
    case "number":
      return NUMBER.test(text) ? Number(text) : text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    case "datetime":
      // A plain date means that day's start in UTC, as the argument descriptions say.
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
    default:
      return text;
  }
}

/** What a schema takes instead of text, looking through optional/nullable/default/pipe wrappers; unions only when no option takes text. */
function wanted(schema: z.core.$ZodType): Wanted {
  const def = schema._zod.def as {
    type: string;
    format?: string;
    innerType?: z.core.$ZodType;
    in?: z.core.$ZodType;
    options?: readonly z.core.$ZodType[];
  };
  switch (def.type) {
    case "object":
    case "array":
    case "record":
    case "tuple":
    case "intersection":
      return "structured";
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "string":
      return def.format === "datetime" ? "datetime" : undefined;
    case "pipe":
      return def.in ? wanted(def.in) : undefined;
    case "union": {
      const options = (def.options ?? []).map(wanted);
      const takesText = (def.options ?? []).some((o) => o._zod.def.type === "string");
      return options.includes("structured") && !takesText ? "structured" : undefined;
    }
    default:
      return def.innerType ? wanted(def.innerType) : undefined;
  }
}

/**
 * The first own `__proto__` key in the arguments, as a zod issue. JSON.parse
 * keeps it as an own property; zod's object and record parsers drop it silently
 * instead of calling it unknown.
 */
function protoKeyIn(value: unknown, path: PropertyKey[]): z.core.$ZodIssue | undefined {
  if (!value || typeof value !== "object") return undefined;
  if (Object.hasOwn(value, "__proto__")) {
    return path.length === 0
      ? { code: "unrecognized_keys", keys: ["__proto__"], path, message: "unknown key" }
      : { code: "custom", path, message: "key __proto__ is not allowed" };
  }
  for (const [key, inner] of Object.entries(value)) {
    const found = protoKeyIn(inner, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
