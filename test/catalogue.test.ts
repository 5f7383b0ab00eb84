// Contract tests over every tool as a real client sees it in tools/list:
// annotations consistent with the method, every argument described, schemas
// every client accepts, token budgets, and a committed snapshot per tool
// (test/__toolsnaps__, see helpers/toolsnaps.ts).

import { readFileSync } from "node:fs";
import type { Tool as ListedTool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cost } from "../scripts/readme-tables.js";
import { DEFAULT_CONFIRM, inDefaultProfile } from "../src/config.js";
import { CONFIRM_ARGUMENT } from "../src/tools/confirm-modes.js";
import { allTools } from "../src/tools/index.js";
import { type Connected, connect, testConfig } from "./helpers/mcp.js";
import { expectToolsnap, staleToolsnaps } from "./helpers/toolsnaps.js";

// import_contacts and upload_media are operations with a `run`, so the spec, not `path`, says what is one.
const spec = new Set(
  (
    JSON.parse(readFileSync(new URL("../spec/operations.json", import.meta.url), "utf8")) as {
      tool: string;
    }[]
  ).map((o) => o.tool),
);

let mcp: Connected;
let listed: ListedTool[];
beforeAll(async () => {
  // As the default (--confirm auto) lists them: tools that may ask take `confirm`.
  mcp = await connect(testConfig({ baseUrl: "http://127.0.0.1:9/v1", confirm: DEFAULT_CONFIRM }));
  listed = (await mcp.client.listTools()).tools;
});
afterAll(() => mcp.close());

// With the outputSchemas: @google/genai's mcpToTool sends them to Gemini (readme-tables.ts `cost`).
const tokens = (tools: ListedTool[]): number => tools.reduce((sum, t) => sum + cost(t), 0);

function walk(node: unknown, visit: (key: string, value: unknown, parent: Record<string, unknown>) => void): void {
  if (!node || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    visit(key, value, node as Record<string, unknown>);
    walk(value, visit);
  }
}

describe("every tool", () => {
  it("is listed once, by a real client", () => {
    expect(listed.length).toBe(allTools.length);
    expect(new Set(listed.map((t) => t.name)).size).toBe(listed.length);
  });

  it("sets the annotation hints, consistent with its method", () => {
    for (const tool of listed) {
      const def = allTools.find((t) => t.name === tool.name);
      const a = tool.annotations ?? {};
      for (const hint of ["readOnlyHint", "destructiveHint", "openWorldHint"] as const) {
        expect(typeof a[hint], `${tool.name}.${hint}`).toBe("boolean");
      }
      // idempotentHint is listed only where it says yes: MCP defaults it to false
      // and gives it no meaning on a read-only tool.
      expect(a.idempotentHint, `${tool.name}.idempotentHint`).toBe(
        def?.hints.idempotentHint && !def.hints.readOnlyHint ? true : undefined,
      );
      expect(a.readOnlyHint && a.destructiveHint, `${tool.name} read-only and destructive`).toBeFalsy();
      if (def?.method === "GET") expect(a.readOnlyHint, `${tool.name} GET is read-only`).toBe(true);
      if (def?.method === "DELETE") expect(a.destructiveHint, `${tool.name} DELETE is destructive`).toBe(true);
      if (def?.method && def.method !== "GET") expect(a.readOnlyHint, `${tool.name} writes`).toBe(false);
    }
    for (const name of ["send_message", "send_conversation_message"]) {
      expect(listed.find((t) => t.name === name)?.annotations?.openWorldHint, name).toBe(true);
    }
  });

  it("has a title, a short description, and every argument described", () => {
    for (const tool of listed) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description?.length ?? 0, tool.name).toBeGreaterThan(15);
      expect(tool.description?.length ?? 0, tool.name).toBeLessThanOrEqual(300);
      const properties = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
      for (const [name, schema] of Object.entries(properties)) {
        // The shared confirmation argument is described once, in the server's instructions.
        if (name === CONFIRM_ARGUMENT) continue;
        expect(schema.description, `${tool.name}.${name} has no description`).toBeTruthy();
      }
    }
    expect(mcp.client.getInstructions()).toMatch(/pass it back as confirm, with the same arguments/);
  });

  it("has a schema every client accepts", () => {
    for (const tool of listed) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.name).toMatch(/^[a-z][a-z0-9_]*$/);
      // Cursor joins server and tool names and refuses more than 60 characters.
      expect(`flownally_${tool.name}`.length, tool.name).toBeLessThanOrEqual(60);
      walk(tool.inputSchema, (key) => {
        expect(key, `${tool.name} uses ${key}`).not.toMatch(/^\$(ref|defs)$|^definitions$/);
      });
    }
  });
});

describe("token budget (o200k)", () => {
  it("the 101 operations: at most 10,100 tokens in all", () => {
    const operations = listed.filter((t) => spec.has(t.name));
    expect(operations).toHaveLength(101);
    expect(tokens(operations)).toBeLessThanOrEqual(10_100);
  });

  it("default profile: at most 5,000 tokens", () => {
    const defaults = listed.filter((t) =>
      inDefaultProfile(allTools.find((d) => d.name === t.name) ?? { name: "", toolset: "billing" }),
    );
    expect(tokens(defaults)).toBeLessThanOrEqual(5000);
  });
});

describe("tools/list snapshots, one per tool (test/__toolsnaps__)", () => {
  let discovery: ListedTool[];
  beforeAll(async () => {
    const mode = await connect(
      testConfig({ baseUrl: "http://127.0.0.1:9/v1", toolMode: "discovery", confirm: DEFAULT_CONFIRM }),
    );
    discovery = (await mode.client.listTools()).tools;
    await mode.close();
  });

  it.each(allTools.map((t) => t.name))("%s is as committed", (name) => {
    const tool = listed.find((t) => t.name === name);
    if (!tool) throw new Error(`${name} is not listed`);
    expectToolsnap(tool);
  });

  it("discovery mode's tools are as committed", () => {
    expect(discovery).toHaveLength(5);
    for (const tool of discovery) expectToolsnap(tool);
  });

  it("has no snapshot of a tool that is no longer listed", () => {
    expect(staleToolsnaps([...listed, ...discovery].map((t) => t.name))).toEqual([]);
  });
});
