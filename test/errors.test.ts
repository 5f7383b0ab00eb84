// What the model reads when a call fails: one short summary with the status,
// the code, each field's complaint and the next step; never the key. And what
// never reaches the API at all: ids that would climb out of their path segment,
// and arguments that do not fit the schema.

import type { ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { json, type Loopback, type Recorded, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, TEST_KEY, testConfig, textOf } from "./helpers/mcp.js";

let api: Loopback;
let mcp: Connected;
let stderr: string[] = [];
const realWrite = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  api = await startLoopback();
  // No retries: each case is about one answer.
  mcp = await connect(testConfig({ baseUrl: api.baseUrl, maxRetries: 0 }));
});
afterAll(async () => {
  await mcp.close();
  await api.close();
});
beforeEach(() => {
  stderr = [];
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return realWrite(chunk, ...(rest as []));
  }) as typeof process.stderr.write;
});
afterEach(() => {
  process.stderr.write = realWrite;
  // The key never shows in a log line either.
  expect(stderr.join("")).not.toContain(TEST_KEY);
});

const DEFINITIONS: Record<string, unknown> = {
  "/tags": { tags: [{ id: "tag_000001", name: "VIP" }] },
  "/contacts/custom-fields": { customFields: [] },
  "/properties/custom-fields": { customFields: [] },
  "/event-types": { eventTypes: [] },
  "/inboxes": { inboxes: [] },
};
const isLookup = (req: Recorded) => req.method === "GET" && req.path in DEFINITIONS;

function answer(reply: (req: Recorded, res: ServerResponse) => void): void {
  api.respond((req, res) => (isLookup(req) ? json(res, 200, DEFINITIONS[req.path]) : reply(req, res)));
}

async function call(name: string, args: Record<string, unknown>) {
  const before = api.requests.length;
  const result = await mcp.call(name, args);
  const text = textOf(result);
  expect(text.length, text).toBeLessThan(300);
  expect(JSON.stringify(result)).not.toContain(TEST_KEY);
  return { result, text, sent: api.requests.slice(before).filter((r) => !isLookup(r)) };
}

describe("problem-detail summaries", () => {
  interface Case {
    status: number;
    tool: string;
    args: Record<string, unknown>;
    body: Record<string, unknown>;
    headers?: Record<string, string>;
    expected: RegExp[];
  }
  const cases: Case[] = [
    {
      status: 400,
      tool: "create_contact",
      args: { name: "Anna" },
      body: {
        title: "Bad Request",
        status: 400,
        code: "invalid_request",
        errors: [{ field: "customFields.stage", message: "unknown field" }],
      },
      expected: [/^400 invalid_request/, /customFields\.stage: unknown field/, /Fix the arguments/],
    },
    {
      status: 401,
      tool: "get_contact",
      args: { id: "con_1" },
      // An API that echoes the credential back must not get it to the model.
      body: { title: "Unauthorized", status: 401, code: "unauthorized", detail: `API key ${TEST_KEY} is revoked` },
      expected: [/^401 unauthorized/, /FLOWNALLY_API_KEY/, /\[redacted\]/],
    },
    {
      status: 403,
      tool: "delete_tag",
      args: { id: "tag_000001" },
      body: { title: "Forbidden", status: 403, code: "insufficient_scope", detail: "Missing scope." },
      expected: [/^403 insufficient_scope/, /tag:delete/, /delete_tag/],
    },
    {
      status: 404,
      tool: "get_contact",
      args: { id: "con_missing" },
      body: { title: "Not Found", status: 404, code: "contact_not_found" },
      expected: [/^404 contact_not_found/, /con_missing/, /list_contacts/],
    },
    {
      status: 409,
      tool: "create_tag",
      args: { name: "VIP" },
      body: { title: "Conflict", status: 409, code: "tag_exists", detail: "A tag named VIP already exists." },
      expected: [/^409 tag_exists/, /already exists/, /read it again before retrying/],
    },
    {
      status: 409,
      tool: "send_conversation_message",
      args: { id: "conv_1", content: { type: "text", text: "Hi" } },
      body: { title: "Conflict", status: 409, code: "conversation_window_closed", detail: "The window is closed." },
      expected: [/^409 conversation_window_closed/, /template/, /list_whatsapp_templates/],
    },
    {
      status: 409,
      // archive_contact answers this conflict as a success (its `already`); activate_journey cannot tell it.
      tool: "activate_journey",
      args: { id: "jrn_1" },
      body: { title: "Conflict", status: 409, code: "journey_already_active", detail: "Already active." },
      expected: [/^409 journey_already_active/, /Nothing changed/],
    },
    {
      status: 422,
      tool: "create_contact",
      args: { name: "Anna", phone: "+48123456789" },
      body: {
        title: "Unprocessable",
        status: 422,
        code: "validation_failed",
        // The reference does not name the array; another spelling and item shape on purpose.
        invalidParams: [
          { name: "phone", reason: "already used by con_7" },
          { pointer: "/email", detail: "must be an email address" },
        ],
      },
      expected: [/^422 validation_failed/, /phone: already used by con_7/, /\/email: must be an email address/, /Fix/],
    },
    {
      status: 429,
      tool: "get_contact",
      args: { id: "con_1" },
      headers: { "retry-after": "120" },
      body: { title: "Too Many Requests", status: 429, code: "rate_limited" },
      expected: [/^429 rate_limited/, /retry in 120 s/],
    },
    {
      status: 500,
      tool: "get_contact",
      args: { id: "con_1" },
      body: { title: "Internal Server Error", status: 500, code: "internal_error" },
      expected: [/^500 internal_error/, /Temporary problem at Flownally; retry shortly/],
    },
  ];

  it.each(cases)("$status names status, code, fields and the next step", async (c) => {
    answer((_req, res) => json(res, c.status, { type: "about:blank", ...c.body }, c.headers));
    const { result, text, sent } = await call(c.tool, c.args);
    expect(result.isError).toBe(true);
    for (const pattern of c.expected) expect(text).toMatch(pattern);
    expect(sent).toHaveLength(1);
  });

  it("a non-JSON error body: status, a code, what came, and the next step, never the body", async () => {
    answer((_req, res) => {
      res.writeHead(503, { "content-type": "text/html" }).end("<html><title>Service Unavailable</title>varnish</html>");
    });
    const { result, text } = await call("get_contact", { id: "con_1" });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^503 server_error — the API answered an HTML page/);
    expect(text).toMatch(/retry shortly/);
    expect(text).not.toMatch(/varnish|<html/);
  });

  it("a long detail keeps whole violations under 300 characters, counting those left out", async () => {
    answer((_req, res) =>
      json(res, 422, {
        status: 422,
        code: "validation_failed",
        errors: Array.from({ length: 30 }, (_, i) => ({ field: `f${i}`, message: "bad value here" })),
      }),
    );
    const { text } = await call("create_contact", { name: "Anna" });
    expect(text).toMatch(
      /^422 validation_failed — f0: bad value here; f1: bad value here; .*f\d+: bad value here \(and \d+ more\)\. Fix the arguments named and call again\.$/,
    );
    expect(text).not.toContain("…");
  });
});

describe("summaries are whole", () => {
  const long = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(" ");
  const replies: [string, Record<string, unknown>, number, Record<string, unknown>][] = [
    ["get_contact", { id: "con_1" }, 404, { code: "contact_not_found", detail: `${long(80)}.` }],
    ["get_contact", { id: "con_1" }, 500, { detail: `${long(20)}. ${long(20)}. ${long(20)}. ${long(20)}.` }],
    ["create_contact", { name: "Anna" }, 422, { errors: [{ field: "name", message: long(90) }] }],
    [
      "create_contact",
      { name: "Anna" },
      422,
      { errors: Array.from({ length: 40 }, (_, i) => ({ field: `customFields.f${i}`, message: long(4) })) },
    ],
    [
      "send_conversation_message",
      { id: "conv_1", content: { type: "text", text: "Hi" } },
      409,
      {
        code: "conversation_window_closed",
        detail: `Conversation conv_1 is outside its 24-hour window: free-form text messages are refused. ${long(30)}. Send a template message (content.type 'template'; list them with GET /inboxes/{id}/whatsapp/templates).`,
      },
    ],
  ];

  it.each(replies)("%s answered %#: never cut mid-word, the next step kept", async (tool, args, status, body) => {
    answer((_req, res) => json(res, status, { status, ...body }));
    const { text } = await call(tool, args);
    expect(text).not.toContain("…");
    expect(text).toMatch(/[.!?)]$/);
    expect(text).toMatch(/Find contact ids|retry shortly|Fix the arguments|reply window is closed/);
  });

  it("an argument refusal keeps whole complaints, however many or long the unknown names", async () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`unknown_argument_${i}`, 1]));
    const { text, sent } = await call("get_contact", { id: "con_1", ...many });
    expect(text).toMatch(
      /^Invalid arguments — unknown argument unknown_argument_0; .* \(and \d+ more\)\. Nothing was sent\.$/,
    );
    const huge = await call("get_contact", { id: "con_1", ["x".repeat(500)]: 1 });
    expect(huge.text).toBe("Invalid arguments — they do not fit the schema. Nothing was sent.");
    expect([...sent, ...huge.sent]).toHaveLength(0);
  });

  it("a payload refusal keeps whole problems, counting those left out", async () => {
    const required = Array.from({ length: 25 }, (_, i) => `property_with_a_long_name_${i}`);
    const types = DEFINITIONS["/event-types"];
    DEFINITIONS["/event-types"] = {
      eventTypes: [{ id: "evt-type_1", name: "big.one", payloadSchema: { type: "object", required } }],
    };
    try {
      answer((_req, res) => json(res, 201, { id: "evt_1" }));
      const { text, sent } = await call("create_contact_event", { contactId: "con_1", name: "big.one", payload: {} });
      expect(text).toMatch(
        /^Invalid payload for big\.one — payload\.property_with_a_long_name_0: required; .* \(and \d+ more\)\./,
      );
      expect(text).not.toContain("…");
      expect(sent).toHaveLength(0);
    } finally {
      DEFINITIONS["/event-types"] = types;
    }
  });
});

describe("ids stay in their path segment", () => {
  beforeEach(() => answer((_req, res) => json(res, 200, { id: "x" })));

  it.each([
    ["../users/me", "/contacts/..%2Fusers%2Fme"],
    ["a/b", "/contacts/a%2Fb"],
    ["con_1?archived=true", "/contacts/con_1%3Farchived%3Dtrue"],
    ["con_1#x", "/contacts/con_1%23x"],
    ["%2e%2e", "/contacts/%252e%252e"],
  ])("%s is sent as the single segment %s", async (id, rawPath) => {
    const { sent } = await call("get_contact", { id });
    expect(sent.map((r) => r.rawPath)).toEqual([rawPath]);
    expect(sent[0]?.query.toString()).toBe("");
  });

  it.each(["..", ".", "", " "])("%j is refused with no request at all", async (id) => {
    const { result, text, sent } = await call("get_contact", { id });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^Invalid argument/);
    expect(sent).toHaveLength(0);
  });

  it("holds for the second id of a two-id path too", async () => {
    const { sent } = await call("remove_team_agent", { id: "team_1", userId: "usr_1/../../x" });
    expect(sent.map((r) => r.rawPath)).toEqual(["/teams/team_1/agents/usr_1%2F..%2F..%2Fx"]);
  });
});

describe("invalid arguments are refused before anything is sent", () => {
  beforeEach(() => answer((_req, res) => json(res, 200, { id: "x" })));

  it.each([
    [
      "a wrong type, named as such (not as missing)",
      "get_contact",
      { id: 5 },
      /id: .*expected string, received number/,
    ],
    [
      "text that is not plainly a number",
      "list_contacts",
      { pageSize: "5abc" },
      /pageSize: .*expected number, received string/,
    ],
    ["a missing required argument", "get_contact", {}, /id: required/],
    ["an unknown argument", "get_contact", { id: "con_1", include: "all" }, /unknown argument include/],
    ["a phone that is not E.164", "create_contact", { name: "Anna", phone: "0048 123 456 789" }, /phone: .*E\.164/],
    ["a page size out of range", "list_contacts", { pageSize: 1000 }, /pageSize/],
  ])("%s", async (_what, tool, args, pattern) => {
    const { result, text, sent } = await call(tool, args);
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^Invalid arguments — /);
    expect(text).toMatch(pattern);
    expect(text).toMatch(/Nothing was sent/);
    expect(sent).toHaveLength(0);
  });
});
