// Table-driven over the whole catalogue: what each tool sends for
// representative arguments. Fails when a tool is missing, misrouted, or
// sends the wrong query, body or credentials.

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allTools } from "../src/tools/index.js";
import { requestCases as cases, expectSentAsCase, replyFor } from "./cases/index.js";
import { type Loopback, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";

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

describe.each(cases)("$tool", (c) => {
  it(`sends ${c.method} ${c.path}`, async () => {
    api.respond(replyFor(c));
    const before = api.requests.length;
    const result = await mcp.call(c.tool, c.args);
    expect(result.isError, textOf(result)).toBeFalsy();
    expectSentAsCase(c, api.requests.slice(before));
  });
});
