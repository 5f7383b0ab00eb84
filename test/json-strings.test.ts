// Several models send object and array arguments as JSON strings. Through a
// real MCP client, such strings are parsed wherever the schema wants an object
// or array, also behind optional, pipe and union wrappers.

import { afterAll, beforeAll, expect, it } from "vitest";
import { json, type Loopback, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";

let api: Loopback;
let mcp: Connected;
beforeAll(async () => {
  api = await startLoopback();
  api.respond((_req, res) => json(res, 200, { ok: true }));
  mcp = await connect(testConfig({ baseUrl: api.baseUrl }));
});
afterAll(async () => {
  await mcp.close();
  await api.close();
});

it("parses optional array and record arguments sent as JSON strings", async () => {
  const result = await mcp.call("list_contacts", {
    channels: '["whatsapp","sms"]',
    customFields: '{"preferredStore":"Krakow"}',
  });
  expect(result.isError, textOf(result)).toBeFalsy();
  const query = api.requests.find((r) => r.path === "/contacts")?.query;
  expect(query?.getAll("channels").flatMap((v) => v.split(","))).toEqual(["whatsapp", "sms"]);
  expect(query?.toString()).toContain("Krakow");
});

it("parses a piped discriminated-union object sent as a JSON string", async () => {
  const result = await mcp.call("send_conversation_message", {
    id: "conv_1",
    content: '{"type":"text","text":"Hello"}',
  });
  expect(result.isError, textOf(result)).toBeFalsy();
  expect(api.requests.at(-1)?.json).toMatchObject({ content: { type: "text", text: "Hello" } });
});

it("leaves a string argument that merely looks like JSON alone", async () => {
  const result = await mcp.call("create_tag", { name: "[VIP]" });
  expect(result.isError, textOf(result)).toBeFalsy();
  expect(api.requests.at(-1)?.json).toEqual({ name: "[VIP]" });
});

it("names the argument when the JSON string is broken", async () => {
  const result = await mcp.call("send_conversation_message", { id: "conv_1", content: '{"type":' });
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(/content/);
});
