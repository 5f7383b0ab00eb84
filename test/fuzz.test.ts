// Property tests over the whole catalogue, through a real MCP client against a
// scripted loopback API. For every tool: arguments its schema refuses get an
// isError and send nothing; valid arguments get a short result whatever the API
// answers (random statuses and bodies, dropped connections); and an operation
// whose API accepts with 2xx JSON succeeds, sending its request once. Every
// request that reaches the API has a catalogue path with each {param} exactly
// one non-empty, non-dot segment.

import type { ServerResponse } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { pathParams } from "../src/client/path.js";
import { allTools } from "../src/tools/index.js";
import { parseArguments } from "../src/tools/registry.js";
import type { Tool } from "../src/tools/types.js";
import { DEFINITION_KINDS, DEFINITIONS } from "../src/workspace/index.js";
import { type Loopback, type Recorded, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";

// ---------------------------------------------------------------------------
// Arbitraries from zod schemas

type Schema = z.core.$ZodType;
/** A schema's def; a string format (z.url()) is its own check, so the def carries a check's fields too. */
interface Def extends Partial<CheckDef> {
  type: string;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  innerType?: Schema;
  element?: Schema;
  keyType?: Schema;
  valueType?: Schema;
  shape?: Record<string, Schema>;
  options?: Schema[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  in?: Schema;
  out?: Schema;
}
interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  value?: number | bigint;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
}

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;

/** Ids and strings that try to leave their path segment or the query. */
const TRICKY = [
  "..",
  ".",
  "a/b",
  "../users/me",
  "..%2F",
  "%2e%2e",
  "a?b=c",
  "#top",
  " ",
  "con_1/../../x",
  "\u0000",
  "é/ü",
];

const URL_LIKE = /^https?:\/\/[a-z][a-z0-9-]{0,10}\.[a-z]{2,4}(\/[\w.~%-]{0,12}){0,3}$/;

function stringArb(def: Def): fc.Arbitrary<string> {
  let minLength = 0;
  let maxLength = 40;
  let pattern: RegExp | undefined;
  for (const d of [def, ...(def.checks ?? []).map((c) => c._zod.def)]) {
    if (d.check === "min_length" && d.minimum !== undefined) minLength = d.minimum;
    if (d.check === "max_length" && d.maximum !== undefined) maxLength = Math.min(maxLength, d.maximum);
    if (d.check === "length_equals" && d.value !== undefined) minLength = maxLength = Number(d.value);
    // fc.webUrl() costs ~90 ms a value; this covers what the URL arguments take.
    if (d.check === "string_format" && d.format === "url") return fc.stringMatching(URL_LIKE);
    if (d.check === "string_format" && d.pattern) pattern = d.pattern;
  }
  if (pattern) {
    try {
      return fc.stringMatching(pattern);
    } catch {
      // A regex fast-check cannot invert: plain strings, mostly refused; still a fair input.
    }
  }
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength: Math.max(minLength, maxLength) }) },
    { weight: 1, arbitrary: fc.constantFrom(...TRICKY).filter((s) => s.length >= minLength && s.length <= maxLength) },
  );
}

function numberArb(def: Def): fc.Arbitrary<number> {
  let min = -1e6;
  let max = 1e6;
  let int = false;
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === "number_format" && /int/.test(d.format ?? "")) int = true;
    if (d.check === "greater_than" && d.value !== undefined) min = Number(d.value) + (d.inclusive ? 0 : int ? 1 : 1e-6);
    if (d.check === "less_than" && d.value !== undefined) max = Number(d.value) - (d.inclusive ? 0 : int ? 1 : 1e-6);
  }
  return int
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function arbitraryOf(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const inner = (s: Schema | undefined) => (s ? arbitraryOf(s, depth + 1) : fc.jsonValue({ maxDepth: 1 }));
  switch (def.type) {
    case "string":
      return stringArb(def);
    case "number":
      return numberArb(def);
    case "boolean":
      return fc.boolean();
    case "enum":
      return fc.constantFrom(...Object.values(def.entries ?? { x: "x" }));
    case "literal":
      return fc.constantFrom(...(def.values ?? [null]));
    case "array": {
      let minLength = 0;
      let maxLength = 4;
      for (const c of def.checks ?? []) {
        const d = c._zod.def;
        if (d.check === "min_length" && d.minimum !== undefined) minLength = d.minimum;
        if (d.check === "max_length" && d.maximum !== undefined) maxLength = Math.min(maxLength, d.maximum);
      }
      return fc.array(inner(def.element), { minLength, maxLength: Math.max(minLength, maxLength) });
    }
    case "record":
      return fc.dictionary(
        def.keyType && defOf(def.keyType).type !== "string"
          ? (inner(def.keyType) as fc.Arbitrary<string>)
          : fc.string({ minLength: 1, maxLength: 12 }),
        inner(def.valueType),
        { maxKeys: 3 },
      );
    case "object":
      return objectArb(def.shape ?? {}, depth);
    case "optional":
    case "default":
    case "prefault":
      return fc.option(inner(def.innerType), { nil: undefined });
    case "nullable":
      return fc.option(inner(def.innerType), { nil: null });
    case "readonly":
    case "catch":
    case "nonoptional":
      return inner(def.innerType);
    case "union":
      return fc.oneof(...(def.options ?? []).map((o) => arbitraryOf(o, depth + 1)));
    case "pipe":
      // z.preprocess(fn, schema) is a pipe from a transform: generate what the schema after it accepts.
      return inner(def.in && defOf(def.in).type !== "transform" ? def.in : def.out);
    default:
      return fc.jsonValue({ maxDepth: depth > 2 ? 0 : 2 });
  }
}

function isOptional(schema: Schema): boolean {
  return ["optional", "default", "prefault"].includes(defOf(schema).type);
}

function objectArb(shape: Record<string, Schema>, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    const def = defOf(schema);
    model[key] =
      isOptional(schema) && def.innerType ? arbitraryOf(def.innerType, depth + 1) : arbitraryOf(schema, depth + 1);
    if (!isOptional(schema)) requiredKeys.push(key);
  }
  return fc.record(model, { requiredKeys });
}

/** Arguments as the server receives them: sent as JSON, so undefined values are gone. */
const wire = (args: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(args));

/** Whether the registrar takes the arguments (its zod schema, strict, after JSON-string coercion). */
const accepted = (tool: Tool, args: Record<string, unknown>): boolean => parseArguments(tool, args).ok;

/** Arguments the tool's schema accepts; a refinement the generator cannot see is filtered out. */
const validArgs = (tool: Tool) =>
  objectArb(tool.input)
    .map(wire)
    .filter((args) => accepted(tool, args));

/** Arguments the tool's schema refuses: random objects; valid ones missing a key, with an extra key, or with one value replaced. */
function invalidArgs(tool: Tool): fc.Arbitrary<Record<string, unknown>> {
  const valid = objectArb(tool.input);
  const anyValue = fc.jsonValue({ maxDepth: 2 });
  return fc
    .oneof(
      fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 4 }),
      fc.tuple(valid, fc.nat()).map(([args, n]) => {
        const keys = Object.keys(tool.input);
        const drop = keys[n % Math.max(1, keys.length)];
        const { [drop ?? ""]: _, ...rest } = args;
        return rest;
      }),
      fc
        .tuple(valid, fc.string({ minLength: 1, maxLength: 8 }), anyValue)
        .map(([args, k, v]) => ({ ...args, [`x${k}`]: v })),
      fc.tuple(valid, fc.nat(), anyValue).map(([args, n, v]) => {
        const keys = Object.keys(tool.input);
        return keys.length ? { ...args, [keys[n % keys.length] ?? ""]: v } : { ...args, extra: v };
      }),
    )
    .map(wire)
    .filter((args) => !accepted(tool, args));
}

// ---------------------------------------------------------------------------
// A random API

interface Reply {
  status: number;
  kind: "json" | "problem" | "html" | "text" | "empty" | "truncated" | "drop";
  body: unknown;
  retryAfter: string | undefined;
}

const replyArb: fc.Arbitrary<Reply> = fc.record({
  status: fc.constantFrom(200, 200, 200, 201, 202, 204, 301, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503),
  kind: fc.constantFrom("json", "json", "json", "problem", "html", "text", "empty", "truncated", "drop"),
  body: fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    // Shaped like the API's answers, so paging and result shaping get exercised.
    fc.record({
      id: fc.string(),
      contacts: fc.array(
        fc.record({ id: fc.string(), name: fc.string(), tagIds: fc.array(fc.string(), { maxLength: 2 }) }),
        {
          maxLength: 3,
        },
      ),
      tags: fc.array(fc.record({ id: fc.string(), name: fc.string() }), { maxLength: 3 }),
    }),
  ),
  retryAfter: fc.option(fc.constantFrom("0", "Thu, 01 Jan 1970 00:00:00 GMT", "soon"), { nil: undefined }),
});

function send(reply: Reply, res: ServerResponse): void {
  const headers: Record<string, string> = reply.retryAfter ? { "retry-after": reply.retryAfter } : {};
  const text = JSON.stringify(reply.body) ?? "null";
  switch (reply.kind) {
    case "drop":
      res.socket?.destroy();
      return;
    case "json":
      res.writeHead(reply.status, { ...headers, "content-type": "application/json" }).end(text);
      return;
    case "problem":
      res
        .writeHead(reply.status, { ...headers, "content-type": "application/problem+json" })
        .end(JSON.stringify({ status: reply.status, code: "x", detail: "d", errors: [{ field: "f", message: "m" }] }));
      return;
    case "html":
      res.writeHead(reply.status, { ...headers, "content-type": "text/html" }).end("<html><body>oops</body></html>");
      return;
    case "text":
      res.writeHead(reply.status, { ...headers, "content-type": "text/plain" }).end(text);
      return;
    case "empty":
      res.writeHead(reply.status, headers).end();
      return;
    case "truncated":
      res
        .writeHead(reply.status, { ...headers, "content-type": "application/json" })
        .end(text.slice(0, Math.max(1, text.length - 1)));
      return;
  }
}

/**
 * An API that accepts everything: 2xx with JSON (or no body where the status has none). It never lists
 * definitions, so names go to the API as given, as they do when definitions cannot be listed.
 */
const LIST_KEYS = new Set(DEFINITION_KINDS.map((kind) => DEFINITIONS[kind].itemsKey));
const acceptingReplyArb: fc.Arbitrary<Reply> = fc.record({
  status: fc.constantFrom(200, 200, 201, 202, 204),
  kind: fc.constant("json"),
  body: fc
    .jsonValue({ maxDepth: 3 })
    .filter((body) => !(body && typeof body === "object" && Object.keys(body).some((key) => LIST_KEYS.has(key)))),
  retryAfter: fc.constant(undefined),
});

// ---------------------------------------------------------------------------
// Path templates

const TEMPLATES = [...new Set(allTools.flatMap((t) => (t.path ? [t.path] : [])))];

/** Whether a raw (still percent-encoded) path is `template` with each {param} one safe segment. */
function matchesTemplate(template: string, rawPath: string): boolean {
  const fixed = template.split("/").map((part) => (/^\{\w+\}$/.test(part) ? undefined : part));
  const segments = rawPath.split("/");
  return (
    fixed.length === segments.length &&
    fixed.every((part, i) => {
      const seg = segments[i] ?? "";
      if (part !== undefined) return seg === part;
      let decoded: string;
      try {
        decoded = decodeURIComponent(seg);
      } catch {
        return false;
      }
      // An encoded slash is fine: it is still one segment to the server.
      return seg !== "" && decoded !== "." && decoded !== "..";
    })
  );
}

/** Whether a raw path is some catalogue template with each {param} one safe segment. */
const matchesCatalogue = (rawPath: string): boolean => TEMPLATES.some((t) => matchesTemplate(t, rawPath));

/** Whether a path argument is no id at all (blank, ".", ".."): the call must be refused, not sent. */
const hasUnsafeId = (tool: Tool, args: Record<string, unknown>): boolean =>
  pathParams(tool.path ?? "").some((name) => {
    const value = args[name];
    return typeof value === "string" && (value.trim() === "" || value === "." || value === "..");
  });

// ---------------------------------------------------------------------------

let api: Loopback;
/** Serves the any-answer and invalid-argument properties; its definitions cache fills as random answers allow. */
let mcp: Connected;
/** Serves the accepting-API property with a cache of its own, which that API never fills. */
let clean: Connected;
let replies: Reply[] = [];
let next = 0;

beforeAll(async () => {
  api = await startLoopback();
  api.respond((_req: Recorded, res) => {
    const reply = replies[next++ % Math.max(1, replies.length)];
    if (reply) send(reply, res);
    else res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  const config = testConfig({ baseUrl: api.baseUrl, timeoutMs: 2_000, fileRoots: [process.cwd()] });
  // Back-off waits are not what is tested here: skip them.
  const noWaits = { clock: { now: Date.now, sleep: async () => {} } };
  mcp = await connect(config, {}, noWaits);
  clean = await connect(config, {}, noWaits);
});
afterAll(async () => {
  await mcp.close();
  await clean.close();
  await api.close();
});

/** Calls a tool against the scripted API; returns the result and every request the call caused. */
async function call(via: Connected, tool: Tool, args: Record<string, unknown>, script: Reply[]) {
  replies = script;
  next = 0;
  const before = api.requests.length;
  let result: Awaited<ReturnType<Connected["call"]>>;
  try {
    result = await via.call(tool.name, args);
  } catch (err) {
    throw new Error(`${tool.name} threw instead of answering: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = textOf(result);
  const sent = api.requests.slice(before);
  expect(Array.isArray(result.content), tool.name).toBe(true);
  if (result.isError) {
    expect(text.length, tool.name).toBeGreaterThan(0);
    expect(text.length, `${tool.name}: ${text}`).toBeLessThan(300);
  }
  for (const req of sent) {
    expect(matchesCatalogue(req.rawPath), `${tool.name} sent ${req.method} ${req.rawPath}`).toBe(true);
  }
  return { result, text, sent };
}

/** Runs per tool of each property: few enough for every npm test; FUZZ_RUNS raises them. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 5);

describe.each(allTools.map((t) => [t.name, t] as const))("%s", (_name, tool) => {
  it("answers every valid call with a short result, against any API answer", async () => {
    await fc.assert(
      fc.asyncProperty(validArgs(tool), fc.array(replyArb, { minLength: 1, maxLength: 4 }), async (args, script) => {
        await call(mcp, tool, args, script);
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses every invalid call, sending nothing", async () => {
    await fc.assert(
      fc.asyncProperty(invalidArgs(tool), fc.array(replyArb, { minLength: 1, maxLength: 2 }), async (args, script) => {
        const { result, text, sent } = await call(mcp, tool, args, script);
        expect(result.isError, `${tool.name} took ${JSON.stringify(args)}`).toBe(true);
        expect(text).toMatch(/^Invalid arguments — .+ Nothing was sent\.$/s);
        expect(sent.map((r) => `${r.method} ${r.rawPath}`)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  // Tools with their own `run` need what random answers cannot give (a file under the roots, a tag
  // that exists, whole pages of contacts); bulk.test.ts holds their successes against the sandbox.
  const template = tool.run ? undefined : tool.path;
  if (template === undefined) return;
  it("succeeds, sending the operation once, whenever the API accepts with 2xx JSON", async () => {
    await fc.assert(
      fc.asyncProperty(
        validArgs(tool),
        fc.array(acceptingReplyArb, { minLength: 1, maxLength: 3 }),
        async (args, script) => {
          const { result, text, sent } = await call(clean, tool, args, script);
          const operation = sent.filter((r) => r.method === tool.method && matchesTemplate(template, r.rawPath));
          if (hasUnsafeId(tool, args)) {
            expect(text).toMatch(/^Invalid argument — /);
            expect(operation).toEqual([]);
          } else if (tool.oneOf && !tool.oneOf.args.some((name) => String(args[name] ?? "").trim())) {
            // Schema-valid, but none of the arguments the definition needs one of (create_contact: a name or a phone).
            expect(text).toMatch(/^Invalid arguments — arguments: give .+ Nothing was sent\.$/);
            expect(sent).toEqual([]);
          } else {
            expect(result.isError, `${tool.name} ${JSON.stringify(args)}: ${text}`).toBeFalsy();
            expect(operation).toHaveLength(1);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("the path check itself", () => {
  it("accepts catalogue paths and refuses escapes", () => {
    expect(matchesCatalogue("/contacts/con_1")).toBe(true);
    expect(matchesCatalogue("/contacts/..%2Fusers%2Fme")).toBe(true);
    expect(matchesCatalogue("/contacts/..")).toBe(false);
    expect(matchesCatalogue("/contacts/%2E%2E")).toBe(false);
    expect(matchesCatalogue("/contacts/")).toBe(false);
    expect(matchesCatalogue("/contacts/a/b")).toBe(false);
  });
});
