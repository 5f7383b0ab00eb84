// Every tool's inputSchema converted the way two strict consumers need it, as
// listed by a real client: OpenAI strict function calling (what openai-agents'
// convertSchemasToStrict makes of it: every object closed, every property
// required, optional ones nullable, only the supported keywords and formats)
// and Gemini's `parameters` (an OpenAPI 3.0 subset; LangChain's Google binding
// drops additionalProperties first). A conversion that is refused, or that
// empties an argument (an open map, an object without properties, an array
// without items), fails. What the client libraries really send: clients/.

import type { Tool as ListedTool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, connect, testConfig } from "./helpers/mcp.js";
import { geminiAsSent, geminiParameters, openAIStrict, type Schema, strictAsSent } from "./helpers/schema-rules.js";

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

  it("on a schema as a library sent it: strict mode unconverted, additionalProperties to Gemini", () => {
    const optional = { type: "object", properties: { a: { type: "string" } } };
    expect(strictAsSent(optional)).toEqual([": object not closed", ".a: not required"]);
    const converted = openAIStrict(optional).schema;
    expect(strictAsSent(converted)).toEqual([]);
    expect(
      geminiAsSent({ type: "object", properties: { m: { type: "object", additionalProperties: false } } }),
    ).toEqual([".m: keyword additionalProperties", ".m: object without properties emptied"]);
  });
});
