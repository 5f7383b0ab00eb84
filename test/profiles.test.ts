// Every tool a description, an error summary or a prompt names is served in the
// same profile: for each toolset selection, what a real client lists and gets
// (descriptions of tools and arguments, prompts) and every error template the
// served tools can produce (enumerated from their definitions and the ref table)
// name only served tools. And the default profile stays within its limits.

import type { Tool as ListedTool } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { cost } from "../scripts/readme-tables.js";
import { ApiStatusError } from "../src/client/errors.js";
import { parseCli } from "../src/config.js";
import { type Profile, profileOf } from "../src/pointers.js";
import { findIds, REFS, type RefKind } from "../src/refs.js";
import { ToolInputError } from "../src/refusal.js";
import { describeFailure } from "../src/tools/errors.js";
import { allTools } from "../src/tools/index.js";
import { TOOLSETS, type Tool } from "../src/tools/types.js";
import { unknownName } from "../src/workspace/names.js";
import { connect, TEST_KEY } from "./helpers/mcp.js";

const SELECTIONS: [string, string[]][] = [
  ["default", []],
  ...TOOLSETS.map((set): [string, string[]] => [set, ["--toolsets", set]]),
  ["all", ["--toolsets", "all"]],
  ["default, read-only", ["--read-only"]],
  ["all, read-only", ["--toolsets", "all", "--read-only"]],
];

const TOOL_NAMES = allTools.map((t) => t.name);

/** The catalogue's tool names a text mentions, as whole words. */
function named(text: string): string[] {
  return TOOL_NAMES.filter((name) => new RegExp(`(^|[^\\w])${name}($|[^\\w])`).test(text));
}

/** Every `description` in a JSON Schema, nested ones included. */
function descriptions(node: unknown, out: string[] = []): string[] {
  if (!node || typeof node !== "object") return out;
  for (const [key, value] of Object.entries(node)) {
    if (key === "description" && typeof value === "string") out.push(value);
    else descriptions(value, out);
  }
  return out;
}

interface Seen {
  served: string[];
  listed: ListedTool[];
  /** Where each text came from, for the failure message. */
  texts: [where: string, text: string][];
}

async function seenBy(argv: string[]): Promise<Seen> {
  const command = parseCli(argv, {});
  if (command.kind !== "serve") throw new Error("unexpected");
  const mcp = await connect({ ...command.config, apiKey: TEST_KEY, baseUrl: "http://127.0.0.1:9/v1" });
  try {
    const listed = (await mcp.client.listTools()).tools;
    const texts: Seen["texts"] = [];
    for (const tool of listed) {
      texts.push([tool.name, tool.description ?? ""]);
      for (const d of descriptions(tool.inputSchema)) texts.push([`${tool.name} arguments`, d]);
    }
    const { prompts } = await mcp.client.listPrompts();
    for (const prompt of prompts) {
      texts.push([`prompt ${prompt.name}`, prompt.description ?? ""]);
      const args = Object.fromEntries((prompt.arguments ?? []).map((a) => [a.name, "VIP"]));
      const { messages } = await mcp.client.getPrompt({ name: prompt.name, arguments: args });
      for (const m of messages) if (m.content.type === "text") texts.push([`prompt ${prompt.name}`, m.content.text]);
    }
    return { served: listed.map((t) => t.name), listed, texts };
  } finally {
    await mcp.close();
  }
}

// ---------------------------------------------------------------------------
// Every error template a served tool can produce, rendered for the profile.

const CONFLICT_CODES = [
  "idempotency_conflict",
  "conversation_window_closed",
  "tag_already_exists",
  "contact_already_archived",
  "journey_not_published",
  "last_owner",
  "state_conflict",
];

/** Each id argument given as "x_1" (a list as ["x_1"]), each other argument absent. */
function idArgs(tool: Tool): Record<string, unknown> {
  return Object.fromEntries(
    tool.refs.map(({ arg, shape }) => [arg, shape === "one" ? "x_1" : shape === "many" ? ["x_1"] : { k: "v" }]),
  );
}

function errorSummaries(tool: Tool, profile: Profile): string[] {
  const args = idArgs(tool);
  // As the client builds them from a ProblemDetails answer.
  const http = (status: number, problem: Record<string, unknown> = {}) =>
    ApiStatusError.generate(status, { get: () => null }, { problem: { status, ...problem } });
  const errors: unknown[] = [
    http(401),
    http(403),
    http(404),
    http(404, { detail: "x_1 not found" }),
    http(404, { detail: "nothing by that id" }),
    ...CONFLICT_CODES.map((code) => http(409, { code, detail: "Conflict." })),
    http(422, { violations: [{ field: "x", message: "bad" }] }),
    http(429),
    http(500),
    // The API pointing at its own paths, for every operation there is.
    ...allTools.flatMap((t) =>
      t.method && t.path ? [http(422, { violations: [{ field: "x", message: `see ${t.method} ${t.path}` }] })] : [],
    ),
    ...tool.refs.flatMap(({ kind, arg }) =>
      REFS[kind].names ? [unknownName(kind as never, "zz", arg, [{ id: "x_2", name: "zz top" }])] : [],
    ),
    new ToolInputError(findIds(Object.keys(REFS) as RefKind[])),
  ];
  return errors.map((err) => describeFailure(err, tool, args, profile));
}

describe.each(SELECTIONS)("%s", (_label, argv) => {
  it("names only served tools in descriptions, prompts and error summaries", async () => {
    const { served, texts } = await seenBy(argv);
    const servedSet = new Set(served);
    const profile = profileOf(allTools.filter((t) => servedSet.has(t.name)));
    for (const tool of allTools.filter((t) => servedSet.has(t.name))) {
      for (const summary of errorSummaries(tool, profile)) {
        texts.push([`${tool.name} error`, summary]);
        // The model calls tools: API paths in the API's own words are turned into them, or left out.
        expect(summary, `${tool.name} error`).not.toMatch(/\b(GET|POST|PUT|PATCH|DELETE) \//);
        expect(summary.length, summary).toBeLessThan(300);
      }
    }
    const wrong = texts.flatMap(([where, text]) =>
      named(text)
        .filter((name) => !servedSet.has(name))
        .map((name) => `${where} names ${name}: ${text}`),
    );
    expect(wrong).toEqual([]);
  });
});

describe("the default profile", () => {
  it("serves at most 40 tools in at most 5,000 tokens, as a client lists them", async () => {
    const { listed } = await seenBy([]);
    expect(listed.length).toBeLessThanOrEqual(40);
    const tokens = listed.reduce((sum, t) => sum + cost(t), 0);
    expect(tokens).toBeLessThanOrEqual(5000);
  });

  it("points to what it serves instead of what it does not", async () => {
    const argument = (seen: Seen, tool: string, name: string) => {
      const properties = seen.listed.find((t) => t.name === tool)?.inputSchema.properties ?? {};
      return (properties as Record<string, { description?: string }>)[name]?.description;
    };
    const defaults = await seenBy([]);
    expect(argument(defaults, "reassign_conversation", "userId")).toBe("User id; ask the user");
    expect(argument(defaults, "send_message", "inboxId")).toBe("Sender (from list_inboxes)");
    // Served where users are: the same argument names the tool.
    const withUsers = await seenBy(["--toolsets", "messaging,users"]);
    expect(argument(withUsers, "reassign_conversation", "userId")).toBe("From list_users");
    // And a pointer with a resource falls back to it.
    const messagingOnly = await seenBy(["--toolsets", "messaging"]);
    expect(argument(messagingOnly, "send_message", "inboxId")).toBe("Sender (from flownally://inboxes)");
  });
});
