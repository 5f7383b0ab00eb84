// What two strict consumers of a tool's inputSchema refuse or empty: OpenAI
// strict function calling (every object closed, every property required,
// optional ones nullable, only the supported keywords and formats) and Gemini's
// `parameters` (an OpenAPI 3.0 subset). Used on our own listing
// (test/client-schemas.test.ts) and on what real client libraries send
// (clients/).

export type Schema = Record<string, unknown>;

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
export function openAIStrict(schema: Schema, at = "", root = true): { schema: Schema; problems: string[] } {
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
export function geminiParameters(schema: Schema, at = "", root = true): string[] {
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

/**
 * What OpenAI refuses in a schema sent with `strict: true` as it stands (a
 * library that does not convert sends ours unchanged): an object not closed or
 * with a property not required, an unsupported keyword or format, an array without items.
 */
export function strictAsSent(schema: Schema, at = ""): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(schema)) if (!OPENAI_KEYWORDS.has(key)) problems.push(`${at}: keyword ${key}`);
  if (typeof schema.format === "string" && !OPENAI_FORMATS.has(schema.format)) {
    problems.push(`${at}: format ${schema.format}`);
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes("object")) {
    const properties = isSchema(schema.properties) ? schema.properties : {};
    if (schema.additionalProperties !== false) problems.push(`${at}: object not closed`);
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    for (const [name, property] of Object.entries(properties)) {
      if (!required.has(name)) problems.push(`${at}.${name}: not required`);
      if (isSchema(property)) problems.push(...strictAsSent(property, `${at}.${name}`));
    }
  }
  if (types.includes("array")) {
    if (!isSchema(schema.items)) problems.push(`${at}: array without items`);
    else problems.push(...strictAsSent(schema.items, `${at}[]`));
  }
  for (const [i, option] of (Array.isArray(schema.anyOf) ? schema.anyOf : []).entries()) {
    if (isSchema(option)) problems.push(...strictAsSent(option, `${at}|${i}`));
  }
  return problems;
}

/** What Gemini refuses or empties in `parameters` as sent: additionalProperties too, wherever it stands. */
export function geminiAsSent(schema: Schema): string[] {
  const stray = whereKeyword(schema, "additionalProperties").map((at) => `${at}: keyword additionalProperties`);
  return [...stray, ...geminiParameters(schema)];
}

/** Where `keyword` stands in a schema (as a keyword, not as a property's name). */
function whereKeyword(schema: Schema, keyword: string, at = ""): string[] {
  const children: [string, unknown][] = [
    ...Object.entries(isSchema(schema.properties) ? schema.properties : {}).map(([k, v]): [string, unknown] => [
      `${at}.${k}`,
      v,
    ]),
    ...(isSchema(schema.items) ? [[`${at}[]`, schema.items] as [string, unknown]] : []),
    ...(Array.isArray(schema.anyOf) ? schema.anyOf : []).map((v, i): [string, unknown] => [`${at}|${i}`, v]),
  ];
  const inner = children.flatMap(([where, v]) => (isSchema(v) ? whereKeyword(v, keyword, where) : []));
  return [...(keyword in schema ? [at] : []), ...inner];
}
