// Table-driven over the whole catalogue: what each tool sends for
// representative arguments. Fails when a tool is missing, misrouted, or
// sends the wrong query, body or credentials.

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allTools } from "../src/tools/index.js";
import { DEFINITION_KINDS, DEFINITIONS } from "../src/workspace/index.js";
import { apiKeyCases } from "./cases/api-keys.js";
import { billingCases } from "./cases/billing.js";
import { chatbotCases } from "./cases/chatbots.js";
import { contactCases } from "./cases/contacts.js";
import { customFieldCases } from "./cases/custom-fields.js";
import { eventCases } from "./cases/events.js";
import { inboxCases } from "./cases/inboxes.js";
import { journeyCases } from "./cases/journeys.js";
import { messagingCases } from "./cases/messaging.js";
import { tagCases } from "./cases/tags.js";
import { teamCases } from "./cases/teams.js";
import type { RequestCase } from "./cases/types.js";
import { userCases } from "./cases/users.js";
import { webhookCases } from "./cases/webhooks.js";
import { json, type Loopback, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, TEST_KEY, testConfig, textOf } from "./helpers/mcp.js";

const cases: RequestCase[] = [
  ...contactCases,
  ...tagCases,
  ...customFieldCases,
  ...eventCases,
  ...webhookCases,
  ...journeyCases,
  ...chatbotCases,
  ...apiKeyCases,
  ...messagingCases,
  ...inboxCases,
  ...teamCases,
  ...userCases,
  ...billingCases,
];

interface SpecOperation {
  tool: string;
  toolset: string;
  method: string;
  path: string;
}
const spec = JSON.parse(readFileSync(new URL("../spec/operations.json", import.meta.url), "utf8")) as SpecOperation[];

let api: Loopback;
let mcp: Connected;
beforeAll(async () => {
  api = await startLoopback();
  mcp = await connect(testConfig({ baseUrl: api.baseUrl }));
});
afterAll(async () => {
  await mcp.close();
  await api.close();
});

describe("catalogue", () => {
  it("has exactly the spec's operations, with its names, toolsets, methods and paths", () => {
    const operations = allTools.filter((t) => t.path);
    expect(operations.map((t) => t.name).sort()).toEqual(spec.map((o) => o.tool).sort());
    for (const op of spec) {
      const tool = allTools.find((t) => t.name === op.tool);
      expect({ tool: tool?.name, toolset: tool?.toolset, method: tool?.method, path: tool?.path }).toEqual({
        tool: op.tool,
        toolset: op.toolset,
        method: op.method,
        path: op.path,
      });
    }
  });

  it("has a request case for every operation", () => {
    const covered = new Set(cases.map((c) => c.tool));
    expect(spec.map((o) => o.tool).filter((t) => !covered.has(t))).toEqual([]);
  });
});

const LOOKUPS = new Set(DEFINITION_KINDS.map((kind) => DEFINITIONS[kind].path));
const isLookup = (method: string, path: string) => method === "GET" && LOOKUPS.has(path);

describe.each(cases)("$tool", (c) => {
  it(`sends ${c.method} ${c.path}`, async () => {
    api.respond((_req, res) => {
      const reply = c.reply ?? { status: 200, body: { ok: true } };
      if (reply.body === undefined) res.writeHead(reply.status).end();
      else json(res, reply.status, reply.body);
    });
    const before = api.requests.length;
    const result = await mcp.call(c.tool, c.args);
    expect(result.isError, textOf(result)).toBeFalsy();
    // Definition lookups (names for ids, payload schemas) are the workspace's, not the operation's.
    const sent = api.requests.slice(before).filter((r) => !isLookup(r.method, r.path) || r.path === c.path);
    expect(sent).toHaveLength(1);
    const req = sent[0];
    expect(req?.method).toBe(c.method);
    expect(req?.path).toBe(c.path);
    expect(req?.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(req?.headers["user-agent"]).toMatch(/^flownally-mcp\//);
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(req?.query.keys())) {
      const all = req?.query.getAll(key) ?? [];
      query[key] = all.length === 1 ? (all[0] ?? "") : all;
    }
    expect(query).toEqual(c.query ?? {});
    if (c.multipart) for (const part of c.multipart) expect(req?.body).toContain(part);
    else if (c.body === undefined) expect(req?.body ?? "").toBe("");
    else expect(req?.json).toEqual(c.body);
  });
});
