// The agent's first hour, replayed through a real MCP client: resources fresh
// after bulk work, hints that follow the id that was missing, errors naming
// tools rather than API paths and never cut, dates and scalars as models send
// them, quiet wrong input refused, and a `__proto__` key refused like any other.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseCli } from "../src/config.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { OTHER_IDS } from "../src/sandbox/seed-others.js";
import { json, type Loopback, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";

const ANNA = "con_01HV8Y5R5RFMS0TFK6PKF9H2S8";

/** A client of the server as `argv` configures it (default profile when empty), on `baseUrl`. */
async function served(argv: string[], baseUrl: string, apiKey: string): Promise<Connected> {
  const command = parseCli(argv, {});
  if (command.kind !== "serve") throw new Error("unexpected");
  return connect({ ...command.config, apiKey, baseUrl });
}

describe("on the sandbox, default profile", () => {
  let sandbox: Sandbox;
  let mcp: Connected;
  beforeEach(async () => {
    sandbox = await startSandbox();
    mcp = await served([], sandbox.baseUrl, sandbox.apiKey);
  });
  afterEach(async () => {
    await mcp.close();
    await sandbox.close();
  });

  async function readJson(uri: string): Promise<Record<string, unknown>> {
    const first = (await mcp.client.readResource({ uri })).contents[0];
    if (!first || !("text" in first)) throw new Error(`no text for ${uri}`);
    return JSON.parse(first.text) as Record<string, unknown>;
  }
  const labeled = async (name: string) =>
    ((await readJson("flownally://tags")).tags as { name: string; labeledCount: number }[]).find((t) => t.name === name)
      ?.labeledCount;
  const tagId = (name: string) => [...sandbox.store.tags.values()].find((t) => t.name === name)?.id ?? "";
  const liveWith = (id: string) =>
    [...sandbox.store.contacts.values()].filter((c) => !c.deletedAt && c.tagIds.includes(id)).map((c) => c.id);

  it("refreshes flownally://tags after tag_contacts and tells subscribers of it and of each contact tagged", async () => {
    const updated: string[] = [];
    mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    const vip = tagId("VIP");
    const newsletter = tagId("newsletter");
    // The filter walks active contacts; labeledCount counts archived ones too.
    const active = (id: string) => sandbox.store.contacts.get(id)?.archivedAt === null;
    const toTag = liveWith(newsletter).filter((id) => active(id) && !liveWith(vip).includes(id));
    expect(toTag.length).toBeGreaterThan(0);
    const before = await labeled("VIP"); // warms the cache
    expect(before).toBe(liveWith(vip).length);
    await mcp.client.subscribeResource({ uri: "flownally://tags" });
    const watched = `flownally://contacts/${toTag[0]}`;
    await mcp.client.subscribeResource({ uri: watched });

    // A dry run changes nothing, so it tells no subscriber anything (notifications go out before the call's answer).
    const dry = await mcp.call("tag_contacts", { tagId: "VIP", tagIds: ["newsletter"], dryRun: true });
    expect(dry.isError, textOf(dry)).toBeFalsy();
    expect(updated).toEqual([]);

    const result = await mcp.call("tag_contacts", { tagId: "VIP", tagIds: ["newsletter"] });
    expect(result.isError, textOf(result)).toBeFalsy();
    await expect.poll(() => updated).toContain("flownally://tags");
    await expect.poll(() => updated).toContain(watched);
    expect(await labeled("VIP")).toBe((before ?? 0) + toTag.length);
  });

  it("refreshes flownally://tags again when a job that outlived its call ends", async () => {
    const late = await connect({ ...testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }), jobWaitMs: 0 });
    try {
      const updated: string[] = [];
      late.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
        updated.push(n.params.uri);
      });
      const tags = async () => {
        const first = (await late.client.readResource({ uri: "flownally://tags" })).contents[0];
        const list = JSON.parse(first && "text" in first ? first.text : "{}").tags as {
          name: string;
          labeledCount: number;
        }[];
        return list.find((t) => t.name === "VIP")?.labeledCount;
      };
      const before = await tags();
      await late.client.subscribeResource({ uri: "flownally://tags" });
      const handle = await late.call("tag_contacts", { tagId: "VIP", archived: false });
      const { job, status } = handle.structuredContent as { job: string; status: string };
      expect(status).toBe("running");
      const told = updated.filter((uri) => uri === "flownally://tags").length;
      await expect
        .poll(async () => (await late.call("manage_job", { jobId: job })).structuredContent?.status)
        .toBe("done");
      // The job's end is a change of its own: subscribers hear of it, and the resource says the new count.
      await expect.poll(() => updated.filter((uri) => uri === "flownally://tags").length).toBeGreaterThan(told);
      expect(await tags()).toBe(liveWith(tagId("VIP")).length);
      expect(await tags()).toBeGreaterThan(before ?? 0);
    } finally {
      await late.close();
    }
  });

  it("refreshes flownally://tags after one contact is tagged or deleted", async () => {
    const vip = tagId("VIP");
    const before = await labeled("VIP");
    const other = [...sandbox.store.contacts.values()].find((c) => !c.deletedAt && !c.tagIds.includes(vip));
    if (!other) throw new Error("seed changed");
    await mcp.call("add_tag_to_contact", { contactId: other.id, tagId: "VIP" });
    expect(await labeled("VIP")).toBe((before ?? 0) + 1);
    // Deleting asks first (--confirm auto); this client has no form, so the preview's token confirms.
    const preview = textOf(await mcp.call("delete_contact", { id: other.id }));
    const confirm = /"confirm": "([^"]+)"/.exec(preview)?.[1];
    expect(await labeled("VIP")).toBe((before ?? 0) + 1);
    await mcp.call("delete_contact", { id: other.id, confirm });
    expect(await labeled("VIP")).toBe(before);
  });

  it("names the users' source when the user was missing, not the conversation's", async () => {
    const text = textOf(await mcp.call("reassign_conversation", { id: OTHER_IDS.openConversation, userId: "me" }));
    expect(text).toMatch(/^404 .*user me/);
    expect(text).toMatch(/Ask the user which user they mean\.$/);
    expect(text).not.toMatch(/list_conversations|list_users/);

    const read = textOf(
      await mcp.call("mark_conversation_read", { id: OTHER_IDS.openConversation, messageId: "msg_nope" }),
    );
    expect(read).toMatch(/Find message ids with list_conversation_messages\.$/);
    expect(read).not.toMatch(/list_conversations\b/);
  });

  it("names list_users where it is served", async () => {
    const withUsers = await served(["--toolsets", "messaging,users"], sandbox.baseUrl, sandbox.apiKey);
    try {
      const text = textOf(
        await withUsers.call("reassign_conversation", { id: OTHER_IDS.openConversation, userId: "me" }),
      );
      expect(text).toMatch(/Find user ids with list_users\.$/);
    } finally {
      await withUsers.close();
    }
  });

  it("says the closed window in full: whole sentences of the API's words, then the next step", async () => {
    const text = textOf(
      await mcp.call("send_conversation_message", {
        id: OTHER_IDS.closedWindowConversation,
        content: { type: "text", text: "Hello again" },
      }),
    );
    expect(text).toMatch(/^409 conversation_window_closed — /);
    expect(text).toMatch(/send content type "template" \(names from list_whatsapp_templates\)\.$/);
    expect(text).not.toContain("…");
    expect(text).not.toMatch(/GET \//);
    expect(text.length).toBeLessThan(300);
  });

  it("names the tool, not the API path, the API's own words point at", async () => {
    const args = {
      id: OTHER_IDS.closedWindowConversation,
      content: { type: "template", template: { name: "no_such_template", language: "pl" } },
    };
    const text = textOf(await mcp.call("send_conversation_message", args));
    expect(text).toMatch(/no template no_such_template .*; see list_whatsapp_templates/);
    expect(text).not.toMatch(/GET \//);
    // Where list_whatsapp_templates is not served, the pointer is left out.
    const messaging = await served(["--toolsets", "messaging"], sandbox.baseUrl, sandbox.apiKey);
    try {
      const bare = textOf(await messaging.call("send_conversation_message", args));
      expect(bare).toMatch(/no template no_such_template \(pl\) on inbox inb_\w+\./);
      expect(bare).not.toMatch(/GET \/|list_whatsapp_templates/);
    } finally {
      await messaging.close();
    }
  });

  it("says which part of a date is wrong, and the years a date field takes", async () => {
    const set = (value: string) =>
      mcp.call("set_contact_field_value", { contactId: ANNA, customFieldId: "Birthday", value });
    expect(textOf(await set("1985-02-30"))).toMatch(/"1985-02-30" does not exist: February 1985 has 28 days/);
    expect(textOf(await set("0000-01-01"))).toMatch(/"0000-01-01" is outside 1900–2100.*Nothing was sent/);
    expect(textOf(await set("1990-13-01"))).toMatch(/has no month 13/);
    expect(sandbox.store.contacts.get(ANNA)?.customFields.birthday).toBeUndefined();
    expect((await set("2000-02-29")).isError).toBeFalsy();
    expect(sandbox.store.contacts.get(ANNA)?.customFields.birthday).toBe("2000-02-29");
    const created = await mcp.call("create_contact", { name: "Ola", customFields: { Birthday: "1899-12-31" } });
    expect(textOf(created)).toMatch(/customFields\.birthday: "1899-12-31" is outside 1900–2100/);
  });

  it("refuses a blank name and a contact with neither name nor phone, sending nothing", async () => {
    const count = sandbox.store.contacts.size;
    for (const name of ["", "   "]) {
      const result = await mcp.call("update_contact", { id: ANNA, name });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^Invalid arguments — name: must not be blank\. Nothing was sent\.$/);
    }
    expect(textOf(await mcp.call("update_contact", { id: ANNA }))).toMatch(/name: required/);
    expect(sandbox.store.contacts.get(ANNA)?.name).toBe("Anna Kowalska");
    for (const args of [{}, { customFields: { Birthday: "1990-05-12" } }, { name: " " }]) {
      const result = await mcp.call("create_contact", args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect(textOf(result)).toMatch(/name|phone/);
      expect(textOf(result)).toMatch(/Nothing was sent/);
    }
    expect(sandbox.store.contacts.size).toBe(count);
    expect((await mcp.call("create_contact", { phone: "+48500100200" })).isError).toBeFalsy();
  });

  it("refuses a __proto__ key like any unknown argument, at any depth", async () => {
    const top = JSON.parse(`{"id":"${ANNA}","name":"Mallory","__proto__":{"isAdmin":true}}`);
    expect(Object.hasOwn(top, "__proto__")).toBe(true);
    const result = await mcp.call("update_contact", top);
    expect(textOf(result)).toBe("Invalid arguments — unknown argument __proto__. Nothing was sent.");
    expect(sandbox.store.contacts.get(ANNA)?.name).toBe("Anna Kowalska");
    const nested = JSON.parse('{"name":"Ola","customFields":{"__proto__":"x"}}');
    expect(textOf(await mcp.call("create_contact", nested))).toMatch(/customFields: key __proto__ is not allowed/);
  });
});

describe("what is sent for arguments as models write them (loopback)", () => {
  let api: Loopback;
  let mcp: Connected;
  beforeAll(async () => {
    api = await startLoopback();
    api.respond((_req, res) => json(res, 200, { contacts: [], total: 0 }));
    mcp = await connect(testConfig({ baseUrl: api.baseUrl }));
  });
  afterAll(async () => {
    await mcp.close();
    await api.close();
  });

  async function sent(tool: string, args: Record<string, unknown>) {
    const before = api.requests.length;
    const result = await mcp.call(tool, args);
    return { result, requests: api.requests.slice(before) };
  }

  it("takes numbers and booleans sent as text where the schema wants them", async () => {
    const list = await sent("list_contacts", { pageSize: "10", archived: "true" });
    expect(list.result.isError, textOf(list.result)).toBeFalsy();
    expect(list.requests[0]?.query.get("pageSize")).toBe("10");
    expect(list.requests[0]?.query.get("archived")).toBe("true");
    const count = await sent("count_contacts", { archived: "false" });
    expect(count.requests[0]?.query.get("archived")).toBe("false");
  });

  it("refuses text that is not plainly the number or boolean wanted, sending nothing", async () => {
    for (const args of [{ pageSize: "10abc" }, { pageSize: " 10" }, { pageSize: "" }, { archived: "yes" }]) {
      const { result, requests } = await sent("list_contacts", args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect(textOf(result)).toMatch(/^Invalid arguments — (pageSize|archived): /);
      expect(requests).toEqual([]);
    }
    // Text stays text where the schema wants text.
    const { requests } = await sent("list_contacts", { search: "10" });
    expect(requests[0]?.query.get("search")).toBe("10");
  });

  it("takes a plain date where a date-time is asked, as 00:00 UTC", async () => {
    const { result, requests } = await sent("list_contacts", { createdAfter: "2026-03-01" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(requests[0]?.query.get("createdAfter")).toBe("2026-03-01T00:00:00Z");
    const bad = await sent("list_contacts", { createdAfter: "2026-02-30" });
    expect(bad.result.isError).toBe(true);
    expect(bad.requests).toEqual([]);
  });
});

describe("a __proto__ key over stdio, as a client's JSON carries it", () => {
  it("reaches the server as an own key and is refused", async () => {
    const child = spawn(process.execPath, [new URL("../dist/cli.js", import.meta.url).pathname, "--sandbox"], {
      stdio: ["pipe", "pipe", "inherit"],
      env: { PATH: process.env.PATH ?? "" },
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    const answered = new Promise<string>((resolve) => {
      child.stdout.on("data", (chunk: string) => {
        out += chunk;
        const line = out.split("\n").find((l) => l.includes('"id":2'));
        if (line) resolve(line);
      });
    });
    const lines = [
      '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}',
      '{"jsonrpc":"2.0","method":"notifications/initialized"}',
      `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_contact","arguments":{"id":"${ANNA}","__proto__":{"x":1}}}}`,
    ];
    child.stdin.write(`${lines.join("\n")}\n`);
    const answer = JSON.parse(await answered) as { result: { isError?: boolean; content: { text: string }[] } };
    child.stdin.end();
    await once(child, "exit");
    expect(answer.result.isError).toBe(true);
    expect(answer.result.content[0]?.text).toBe("Invalid arguments — unknown argument __proto__. Nothing was sent.");
  });
});
