// Choosing tools, through a real MCP client: each flag and its environment
// variable decides exactly which tools tools/list shows and tools/call accepts.

import { describe, expect, it } from "vitest";
import { inDefaultProfile, parseCli } from "../src/config.js";
import { allTools } from "../src/tools/index.js";
import { connect, TEST_KEY, textOf } from "./helpers/mcp.js";

type Env = Record<string, string>;

async function listed(argv: string[], env: Env = {}): Promise<string[]> {
  const command = parseCli(argv, { FLOWNALLY_API_KEY: TEST_KEY, FLOWNALLY_BASE_URL: "http://127.0.0.1:9/v1", ...env });
  if (command.kind !== "serve") throw new Error("unexpected");
  const mcp = await connect(command.config);
  try {
    return (await mcp.client.listTools()).tools.map((t) => t.name).sort();
  } finally {
    await mcp.close();
  }
}

const names = (filter: (t: (typeof allTools)[number]) => boolean) =>
  allTools
    .filter(filter)
    .map((t) => t.name)
    .sort();

describe("tool selection", () => {
  it("serves the default toolsets when none are chosen, and for `default`", async () => {
    const expected = names(inDefaultProfile);
    expect(await listed([])).toEqual(expected);
    expect(await listed(["--toolsets", "default"])).toEqual(expected);
    expect(await listed([], { FLOWNALLY_TOOLSETS: "default" })).toEqual(expected);
    // The everyday jobs are in it.
    for (const job of ["list_contacts", "create_tag", "set_contact_field_value", "create_contact_event"]) {
      expect(expected).toContain(job);
    }
    for (const job of ["list_conversations", "send_conversation_message", "tag_contacts", "segment_contacts"]) {
      expect(expected).toContain(job);
    }
  });

  it("--toolsets takes a list, `all`, or `default` mixed with names; so does FLOWNALLY_TOOLSETS", async () => {
    const tagsAndUsers = names((t) => t.toolset === "tags" || t.toolset === "users");
    expect(await listed(["--toolsets", "tags,users"])).toEqual(tagsAndUsers);
    expect(await listed([], { FLOWNALLY_TOOLSETS: "tags, users" })).toEqual(tagsAndUsers);
    expect(await listed(["--toolsets=all"])).toEqual(names(() => true));
    expect(await listed(["--toolsets", "default,billing"])).toEqual(
      names((t) => inDefaultProfile(t) || t.toolset === "billing"),
    );
    // The flag wins over the environment.
    expect(await listed(["--toolsets", "billing"], { FLOWNALLY_TOOLSETS: "tags" })).toEqual(["get_billing_status"]);
    expect(() => parseCli(["--toolsets", "tagz"], {})).toThrow(/unknown toolset tagz/);
  });

  it("--tools adds single tools to the toolsets; so does FLOWNALLY_TOOLS", async () => {
    const expected = [...names((t) => t.toolset === "tags"), "get_billing_status", "list_users"].sort();
    expect(await listed(["--toolsets", "tags", "--tools", "list_users,get_billing_status"])).toEqual(expected);
    expect(await listed([], { FLOWNALLY_TOOLSETS: "tags", FLOWNALLY_TOOLS: "list_users,get_billing_status" })).toEqual(
      expected,
    );
  });

  it("--exclude-tools takes tools away; so does FLOWNALLY_EXCLUDE_TOOLS", async () => {
    expect(await listed(["--toolsets", "tags", "--exclude-tools", "delete_tag"])).toEqual(["create_tag", "list_tags"]);
    expect(await listed([], { FLOWNALLY_TOOLSETS: "tags", FLOWNALLY_EXCLUDE_TOOLS: "delete_tag,create_tag" })).toEqual([
      "list_tags",
    ]);
  });

  it("--read-only leaves only read-only tools; so does FLOWNALLY_READ_ONLY=1", async () => {
    const readOnly = names((t) => t.hints.readOnlyHint);
    expect(await listed(["--toolsets", "all", "--read-only"])).toEqual(readOnly);
    expect(await listed([], { FLOWNALLY_TOOLSETS: "all", FLOWNALLY_READ_ONLY: "1" })).toEqual(readOnly);
    expect(await listed([], { FLOWNALLY_TOOLSETS: "all", FLOWNALLY_READ_ONLY: "on" })).toEqual(readOnly);
    // A value that is neither on nor off is refused rather than read as off.
    expect(() => parseCli([], { FLOWNALLY_READ_ONLY: "enabled" })).toThrow(/FLOWNALLY_READ_ONLY/);
    // Even a tool asked for by name.
    expect(await listed(["--toolsets", "tags", "--tools", "delete_contact", "--read-only"])).toEqual(["list_tags"]);
  });

  it("refuses a call to a tool that is not served, and sends nothing", async () => {
    const command = parseCli(["--toolsets", "tags", "--read-only"], {
      FLOWNALLY_API_KEY: TEST_KEY,
      FLOWNALLY_BASE_URL: "http://127.0.0.1:9/v1",
    });
    if (command.kind !== "serve") throw new Error("unexpected");
    const mcp = await connect(command.config);
    try {
      const result = await mcp.call("delete_tag", { id: "tag_1" });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/Unknown tool delete_tag/);
    } finally {
      await mcp.close();
    }
  });
});
