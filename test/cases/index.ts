// The catalogue-wide request table (one case per operation, see types.ts) and
// the check that a tool sent exactly what its case says: run by requests.test.ts
// in operations mode and by discovery.test.ts through the executors.

import type { ServerResponse } from "node:http";
import { expect } from "vitest";
import { DEFINITION_KINDS, DEFINITIONS } from "../../src/workspace/index.js";
import { json, type Recorded } from "../helpers/loopback.js";
import { TEST_KEY } from "../helpers/mcp.js";
import { apiKeyCases } from "./api-keys.js";
import { billingCases } from "./billing.js";
import { chatbotCases } from "./chatbots.js";
import { contactCases } from "./contacts.js";
import { customFieldCases } from "./custom-fields.js";
import { eventCases } from "./events.js";
import { inboxCases } from "./inboxes.js";
import { journeyCases } from "./journeys.js";
import { messagingCases } from "./messaging.js";
import { tagCases } from "./tags.js";
import { teamCases } from "./teams.js";
import type { RequestCase } from "./types.js";
import { userCases } from "./users.js";
import { webhookCases } from "./webhooks.js";

export const requestCases: readonly RequestCase[] = [
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

/** How the loopback API answers a case's request (default 200 {"ok":true}). */
export function replyFor(c: RequestCase): (req: Recorded, res: ServerResponse) => void {
  return (_req, res) => {
    const reply = c.reply ?? { status: 200, body: { ok: true } };
    if (reply.body === undefined) res.writeHead(reply.status).end();
    else json(res, reply.status, reply.body);
  };
}

const LOOKUPS = new Set(DEFINITION_KINDS.map((kind) => DEFINITIONS[kind].path));
const isLookup = (req: Recorded) => req.method === "GET" && LOOKUPS.has(req.path);

/** `sent` (a call's requests) is exactly the case's request, with the test key; definition lookups aside. */
export function expectSentAsCase(c: RequestCase, sent: readonly Recorded[]): void {
  // Definition lookups (names for ids, payload schemas) are the workspace's, not the operation's.
  const operation = sent.filter((r) => !isLookup(r) || r.path === c.path);
  expect(operation).toHaveLength(1);
  const req = operation[0];
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
}
