// Discovery mode through a real MCP client: five tools that find, describe and
// run any selected operation, each executor only for its own class, within
// 1,500 tokens. Every operation runs through its executor against a loopback
// API and must send what its operation tool sends (the request table of
// requests.test.ts); the workflows run against the sandbox.

import type { Tool as ListedTool } from "@modelcontextprotocol/sdk/types.js";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCli } from "../src/config.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { DEMO_IDS } from "../src/sandbox/seed.js";
import { allTools } from "../src/tools/index.js";
import { listedTool } from "../src/tools/listed.js";
import { expectSentAsCase, replyFor, requestCases } from "./cases/index.js";
import { type Loopback, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, dataOf, TEST_KEY, testConfig, textOf } from "./helpers/mcp.js";

let sandbox: Sandbox;
let mcp: Connected;
let listed: ListedTool[];

function discoveryConfig(argv: string[] = [], api = { baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }) {
  const command = parseCli(["--tool-mode", "discovery", "--confirm", "never", ...argv], {});
  if (command.kind !== "serve") throw new Error("unexpected");
  return testConfig({ ...command.config, ...api });
}

beforeAll(async () => {
  sandbox = await startSandbox();
  mcp = await connect(discoveryConfig());
  listed = (await mcp.client.listTools()).tools;
});
afterAll(async () => {
  await mcp.close();
  await sandbox.close();
});

describe("discovery mode", () => {
  it("lists five tools with honest annotations, within 1,500 tokens", () => {
    expect(listed.map((t) => t.name)).toEqual([
      "search_operations",
      "describe_operation",
      "execute_read_operation",
      "execute_write_operation",
      "execute_destructive_operation",
    ]);
    const hints = Object.fromEntries(listed.map((t) => [t.name, t.annotations]));
    expect(hints.execute_read_operation).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(hints.execute_write_operation).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      openWorldHint: true,
    });
    expect(hints.execute_destructive_operation).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    const tokens = listed.reduce((sum, t) => sum + encode(JSON.stringify(t)).length, 0);
    expect(tokens).toBeLessThanOrEqual(1500);
    for (const tool of listed) {
      for (const [name, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${name}`).toBeTruthy();
      }
    }
  });

  it("finds operations by keywords", async () => {
    const found = textOf(await mcp.call("search_operations", { query: "add tag to contact" }));
    expect(found.split("\n")[0]).toMatch(/^add_tag_to_contact \(write\): /);
    expect(textOf(await mcp.call("search_operations", { query: "delete webhook" }))).toMatch(
      /delete_webhook_settings \(destructive\)/,
    );
    expect(textOf(await mcp.call("search_operations", { query: "zzzz" }))).toMatch(/No operation matches/);
  });

  it("describes an operation with the schema tools/list would show", async () => {
    const result = await mcp.call("describe_operation", { operation: "set_contact_field_value" });
    const tool = allTools.find((t) => t.name === "set_contact_field_value");
    if (!tool) throw new Error("missing");
    expect(dataOf(result)).toMatchObject({
      method: "PUT",
      path: "/contacts/{contactId}/custom-fields/{customFieldId}",
      // It overwrites a value.
      executor: "execute_destructive_operation",
      inputSchema: listedTool(tool).inputSchema,
      annotations: listedTool(tool).annotations,
    });
    expect((await mcp.call("describe_operation", { operation: "nope" })).isError).toBe(true);
  });

  it("finds and describes every tool of the catalogue", async () => {
    for (const tool of allTools) {
      const found = textOf(await mcp.call("search_operations", { query: tool.name.replaceAll("_", " "), limit: 50 }));
      expect(
        found.split("\n").map((line) => line.split(" ")[0]),
        tool.name,
      ).toContain(tool.name);
      const described = await mcp.call("describe_operation", { operation: tool.name });
      expect(described.isError, tool.name).toBeFalsy();
    }
  });

  it("runs the workflows against the sandbox, and takes arguments as a JSON string", async () => {
    const got = await mcp.call("execute_read_operation", {
      operation: "get_contact",
      arguments: { id: DEMO_IDS.anna },
    });
    expect(got.isError, textOf(got)).toBeFalsy();
    expect(dataOf(got).name).toBe("Anna Kowalska");
    const tagged = await mcp.call("execute_write_operation", {
      operation: "create_tag",
      arguments: JSON.stringify({ name: "Discovered" }),
    });
    expect(tagged.isError, textOf(tagged)).toBeFalsy();
    const tagId = String(dataOf(tagged).id);
    for (const run of WORKFLOW_RUNS) {
      const result = await mcp.call(run.executor, { operation: run.tool, arguments: run.args(tagId) });
      expect(result.isError, `${run.tool}: ${textOf(result)}`).toBeFalsy();
      expect(dataOf(result), run.tool).toMatchObject(run.expect);
    }
    const deleted = await mcp.call("execute_destructive_operation", {
      operation: "delete_tag",
      arguments: { id: tagId },
    });
    expect(deleted.isError, textOf(deleted)).toBeFalsy();
  });

  it("runs every tool of the catalogue in this file", () => {
    const run = new Set([...requestCases.map((c) => c.tool), ...WORKFLOW_RUNS.map((r) => r.tool)]);
    expect(allTools.map((t) => t.name).filter((name) => !run.has(name))).toEqual([]);
  });

  it("validates arguments with the operation's own schema, as operations mode does", async () => {
    const result = await mcp.call("execute_write_operation", {
      operation: "create_contact",
      arguments: { phone: "123" },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/phone/);
  });

  it("refuses an operation of the wrong class, naming the right executor, and sends nothing", async () => {
    const before = await mcp.call("execute_read_operation", { operation: "list_tags" });
    const refused = await mcp.call("execute_read_operation", {
      operation: "delete_tag",
      arguments: { id: DEMO_IDS.vipTag },
    });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/execute_destructive_operation/);
    const writeRefused = await mcp.call("execute_write_operation", {
      operation: "delete_contact",
      arguments: { id: DEMO_IDS.anna },
    });
    expect(textOf(writeRefused)).toMatch(/destructive operation; run it with execute_destructive_operation/);
    const readRefused = await mcp.call("execute_destructive_operation", { operation: "list_tags" });
    expect(textOf(readRefused)).toMatch(/execute_read_operation/);
    const after = await mcp.call("execute_read_operation", { operation: "list_tags" });
    expect(textOf(after)).toBe(textOf(before));
  });

  it("honours --read-only and the selection filters", async () => {
    const ro = await connect(discoveryConfig(["--read-only", "--toolsets", "tags", "--exclude-tools", "create_tag"]));
    try {
      const names = (await ro.client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(["search_operations", "describe_operation", "execute_read_operation"]);
      expect(textOf(await ro.call("search_operations", { query: "tag" }))).toBe("list_tags (read): List contact tags.");
      const hidden = await ro.call("describe_operation", { operation: "list_contacts" });
      expect(hidden.isError).toBe(true);
      expect(textOf(hidden)).toMatch(/No operation list_contacts is enabled here/);
    } finally {
      await ro.close();
    }
  });
});

/** The tools with no request case (workflows, several requests each), run against the sandbox. */
const WORKFLOW_RUNS = [
  {
    tool: "segment_contacts",
    executor: "execute_read_operation",
    args: () => ({ search: "Anna Kowalska", limit: 1 }),
    expect: { total: 1, sample: [{ id: DEMO_IDS.anna }] },
  },
  {
    tool: "tag_contacts",
    // It may untag, so it runs as destructive.
    executor: "execute_destructive_operation",
    args: (tagId: string) => ({ tagId, contactIds: [DEMO_IDS.anna] }),
    expect: { matched: 1, applied: 1, failed: 0 },
  },
  {
    // Without a job id: this key's recent jobs, the tag_contacts just above among them.
    tool: "manage_job",
    executor: "execute_destructive_operation",
    args: () => ({}),
    expect: { recent: [{ tool: "tag_contacts", status: "done" }] },
  },
];

describe("every operation through its executor", () => {
  let api: Loopback;
  let viaApi: Connected;
  beforeAll(async () => {
    api = await startLoopback();
    viaApi = await connect(discoveryConfig([], { baseUrl: api.baseUrl, apiKey: TEST_KEY }));
  });
  afterAll(async () => {
    await viaApi.close();
    await api.close();
  });

  it.each(requestCases)(
    "$tool: run by the executor describe_operation names, sending what its tool sends",
    async (c) => {
      const described = await viaApi.call("describe_operation", { operation: c.tool });
      expect(described.isError, textOf(described)).toBeFalsy();
      api.respond(replyFor(c));
      const before = api.requests.length;
      const result = await viaApi.call(String(dataOf(described).executor), { operation: c.tool, arguments: c.args });
      expect(result.isError, textOf(result)).toBeFalsy();
      expectSentAsCase(c, api.requests.slice(before));
    },
  );
});
