// Every tool's inputSchema converted the way two strict consumers need it, as
// listed by a real client: OpenAI strict function calling (what openai-agents'
// convertSchemasToStrict and `strict: true` in the AI SDK or LangChain send:
// every object closed, every property required, optional ones nullable, only
// the supported keywords and formats) and Gemini's `parameters` (an OpenAPI
// 3.0 subset; LangChain's Google binding drops additionalProperties first).
// A conversion that is refused, or that empties an argument (an open map, an
// object without properties, an array without items), fails.

import type { Tool as ListedTool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, connect, testConfig } from "./helpers/mcp.js";

type Schema = Record<string, unknown>;

const OPENAI_KEYWORDS = new Set([
  "type",
  "description",
  "title",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "const",
  "anyOf",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
]);
const OPENAI_FORMATS = new Set(["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"]);
const GEMINI_KEYWORDS = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "maxItems",
  "minItems",
  "properties",
  "required",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "example",
  "anyOf",
  "propertyOrdering",
  "default",
  "items",
  "minimum",
  "maximum",
]);
const GEMINI_FORMATS = new Set(["enum", "date-time"]);

const isSchema = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

/** The schema OpenAI strict mode is sent, and what it refuses or empties on the way. */
function openAIStrict(schema: Schema, at = "", root = true): { schema: Schema; problems: string[] } {
  const problems: string[] = [];
  for (const key of Object.keys(schema)) if (!OPENAI_KEYWORDS.has(key)) problems.push(`${at}: keyword ${key}`);
  if (typeof schema.format === "string" && !OPENAI_FORMATS.has(schema.format)) {
    problems.push(`${at}: format ${schema.format}`);
  }
  const out: Schema = { ...schema };
  if (schema.type === "object") {
    const properties = isSchema(schema.properties) ? schema.properties : {};
    if (isSchema(schema.additionalProperties) || schema.additionalProperties === true) {
      problems.push(`${at}: open map emptied (additionalProperties must be false)`);
    }
    if (Object.keys(properties).length === 0 && !(root && schema.additionalProperties === false)) {
      problems.push(`${at}: object without properties ${root ? "is not closed" : "emptied"}`);
    }
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const converted: Schema = {};
    for (const [name, property] of Object.entries(properties)) {
      if (!isSchema(property)) continue;
      const inner = openAIStrict(property, `${at}.${name}`, false);
      problems.push(...inner.problems);
      converted[name] = required.has(name) ? inner.schema : { anyOf: [inner.schema, { type: "null" }] };
    }
    Object.assign(out, { properties: converted, required: Object.keys(converted), additionalProperties: false });
  }
  if (schema.type === "array") {
    if (!isSchema(schema.items)) problems.push(`${at}: array without items`);
    else {
      const inner = openAIStrict(schema.items, `${at}[]`, false);
      problems.push(...inner.problems);
      out.items = inner.schema;
    }
  }
  for (const [i, option] of (Array.isArray(schema.anyOf) ? schema.anyOf : []).entries()) {
    if (isSchema(option)) problems.push(...openAIStrict(option, `${at}|${i}`, false).problems);
  }
  return { schema: out, problems };
}

/** What Gemini refuses or empties in a schema, once additionalProperties and $schema are dropped as LangChain does. */
function geminiParameters(schema: Schema, at = "", root = true): string[] {
  const problems: string[] = [];
  const { additionalProperties: _, $schema: __, ...rest } = schema;
  for (const key of Object.keys(rest)) if (!GEMINI_KEYWORDS.has(key)) problems.push(`${at}: keyword ${key}`);
  if (typeof rest.format === "string" && !GEMINI_FORMATS.has(rest.format)) {
    problems.push(`${at}: format ${rest.format}`);
  }
  if (rest.type === "object") {
    const properties = isSchema(rest.properties) ? rest.properties : {};
    if (!root && Object.keys(properties).length === 0) problems.push(`${at}: object without properties emptied`);
    for (const [name, property] of Object.entries(properties)) {
      if (isSchema(property)) problems.push(...geminiParameters(property, `${at}.${name}`, false));
    }
  }
  if (rest.type === "array") {
    if (!isSchema(rest.items)) problems.push(`${at}: array without items`);
    else problems.push(...geminiParameters(rest.items, `${at}[]`, false));
  }
  for (const [i, option] of (Array.isArray(rest.anyOf) ? rest.anyOf : []).entries()) {
    if (isSchema(option)) problems.push(...geminiParameters(option, `${at}|${i}`, false));
  }
  return problems;
}

let listed: ListedTool[];
let discovery: ListedTool[];
let mcp: Connected;
beforeAll(async () => {
  mcp = await connect(testConfig({ baseUrl: "http://127.0.0.1:9/v1" }));
  listed = (await mcp.client.listTools()).tools;
  const mode = await connect(testConfig({ baseUrl: "http://127.0.0.1:9/v1", toolMode: "discovery" }));
  discovery = (await mode.client.listTools()).tools;
  await mode.close();
});
afterAll(() => mcp.close());

describe("every tool converts without a refusal or an emptied argument", () => {
  it("for OpenAI strict function calling", () => {
    const problems = [...listed, ...discovery].flatMap((t) => openAIStrict(t.inputSchema as Schema, t.name).problems);
    expect(problems).toEqual([]);
  });

  it("for Gemini's parameters subset", () => {
    const problems = [...listed, ...discovery].flatMap((t) => geminiParameters(t.inputSchema as Schema, t.name));
    expect(problems).toEqual([]);
  });

  it("keeps the meaning: strict-mode nulls for optional arguments are taken as absent", async () => {
    // What a strict client sends for list_contacts when the model leaves every filter out.
    const strict = openAIStrict(listed.find((t) => t.name === "list_contacts")?.inputSchema as Schema).schema;
    const args = Object.fromEntries(Object.keys(strict.properties as Schema).map((name) => [name, null]));
    const result = await mcp.call("list_contacts", args);
    // Nothing listens at the base URL: the call got past argument checks to the network.
    expect(result.content).toEqual([expect.objectContaining({ text: expect.not.stringMatching(/Invalid arguments/) })]);
  });
});

describe("the conversions catch what they must", () => {
  it("refuse an open map, a uri format, an array without items and an open root", () => {
    const map = { type: "object", properties: { f: { type: "object", additionalProperties: { type: "string" } } } };
    expect(openAIStrict(map).problems).toEqual([
      ".f: open map emptied (additionalProperties must be false)",
      ".f: object without properties emptied",
    ]);
    expect(geminiParameters(map)).toEqual([".f: object without properties emptied"]);
    const url = { type: "object", properties: { u: { type: "string", format: "uri" } } };
    expect(openAIStrict(url).problems).toEqual([".u: format uri"]);
    expect(geminiParameters(url)).toEqual([".u: format uri"]);
    const list = { type: "object", properties: { l: { type: "array" } } };
    expect(openAIStrict(list).problems).toEqual([".l: array without items"]);
    expect(openAIStrict({ type: "object", properties: {} }).problems).toEqual([
      ": object without properties is not closed",
    ]);
  });
});
