// Property test over the whole catalogue: for every tool, arguments valid by its
// zod schema and arguments that are not, called through a real MCP client
// against an API that answers random statuses and bodies. Every call ends in a
// result, nothing crashes, and every request that reached the API has a path
// from the catalogue with each {param} exactly one non-empty, non-dot segment.

import type { ServerResponse } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { allTools } from "../src/tools/index.js";
import type { Tool } from "../src/tools/types.js";
import { type Loopback, type Recorded, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";

/** Runs per tool and property; the whole file stays well under a minute. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

// ---------------------------------------------------------------------------
// Arbitraries from zod schemas

type Schema = z.core.$ZodType;
interface Def {
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

function stringArb(def: Def): fc.Arbitrary<string> {
  let minLength = 0;
  let maxLength = 40;
  let pattern: RegExp | undefined;
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === "min_length" && d.minimum !== undefined) minLength = d.minimum;
    if (d.check === "max_length" && d.maximum !== undefined) maxLength = Math.min(maxLength, d.maximum);
    if (d.check === "length_equals" && d.value !== undefined) minLength = maxLength = Number(d.value);
    if (d.check === "string_format" && d.format === "url") return fc.webUrl();
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

const validArgs = (tool: Tool) => objectArb(tool.input);

/** Random objects; valid ones missing a key, with an extra key, or with one value replaced. */
function invalidArgs(tool: Tool): fc.Arbitrary<Record<string, unknown>> {
  const valid = validArgs(tool);
  const anyValue = fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
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
  );
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

// ---------------------------------------------------------------------------
// Path templates

const TEMPLATES = [...new Set(allTools.flatMap((t) => (t.path ? [t.path] : [])))].map((template) =>
  template.split("/").map((part) => (/^\{\w+\}$/.test(part) ? undefined : part)),
);

/** Whether a raw (still percent-encoded) path is some catalogue template with each {param} one safe segment. */
function matchesCatalogue(rawPath: string): boolean {
  const segments = rawPath.split("/");
  return TEMPLATES.some(
    (template) =>
      template.length === segments.length &&
      template.every((fixed, i) => {
        const seg = segments[i] ?? "";
        if (fixed !== undefined) return seg === fixed;
        let decoded: string;
        try {
          decoded = decodeURIComponent(seg);
        } catch {
          return false;
        }
        // An encoded slash is fine: it is still one segment to the server.
        return seg !== "" && decoded !== "." && decoded !== "..";
      }),
  );
}

// ---------------------------------------------------------------------------

let api: Loopback;
let mcp: Connected;
let replies: Reply[] = [];
let next = 0;

beforeAll(async () => {
  api = await startLoopback();
  api.respond((_req: Recorded, res) => {
    const reply = replies[next++ % Math.max(1, replies.length)];
    if (reply) send(reply, res);
    else res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  mcp = await connect(testConfig({ baseUrl: api.baseUrl, timeoutMs: 2_000, fileRoots: [process.cwd()] }));
});
afterAll(async () => {
  await mcp.close();
  await api.close();
});

async function check(tool: Tool, args: Record<string, unknown>, script: Reply[]): Promise<void> {
  replies = script;
  next = 0;
  const before = api.requests.length;
  let result: Awaited<ReturnType<Connected["call"]>>;
  try {
    result = await mcp.call(tool.name, args);
  } catch (err) {
    throw new Error(`${tool.name} threw instead of answering: ${err instanceof Error ? err.message : String(err)}`);
  }
  expect(Array.isArray(result.content), tool.name).toBe(true);
  if (result.isError) {
    expect(textOf(result).length).toBeGreaterThan(0);
    expect(textOf(result).length).toBeLessThan(300);
  }
  for (const req of api.requests.slice(before)) {
    expect(matchesCatalogue(req.rawPath), `${tool.name} sent ${req.method} ${req.rawPath}`).toBe(true);
  }
}

describe.each(allTools.map((t) => [t.name, t] as const))("%s", (_name, tool) => {
  it("answers every valid-by-schema call with a result, against any API answer", async () => {
    await fc.assert(
      fc.asyncProperty(validArgs(tool), fc.array(replyArb, { minLength: 1, maxLength: 4 }), (args, script) =>
        check(tool, args, script),
      ),
      { numRuns: RUNS },
    );
  });

  it("refuses or answers every invalid call, never throwing", async () => {
    await fc.assert(
      fc.asyncProperty(invalidArgs(tool), fc.array(replyArb, { minLength: 1, maxLength: 2 }), (args, script) =>
        check(tool, args, script),
      ),
      { numRuns: Math.ceil(RUNS / 2) },
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
