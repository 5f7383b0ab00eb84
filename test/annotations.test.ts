// Honest annotations. Every operation's hints are spec/operations.json's
// suggested annotations, except where the table below says why not; they agree
// with the client's retry rules (a PATCH is never retried, so no PATCH claims
// to be idempotent); each idempotent write, repeated on the sandbox, changes
// nothing more and does not fail; and every definition that may destroy or
// message someone states when the user is asked (its `confirm` class).

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repeatable } from "../src/client/retry.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { DEMO_IDS } from "../src/sandbox/seed.js";
import { OTHER_IDS } from "../src/sandbox/seed-others.js";
import { allTools } from "../src/tools/index.js";
import type { Hints } from "../src/tools/types.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";

const suggested = new Map(
  (
    JSON.parse(readFileSync(new URL("../spec/operations.json", import.meta.url), "utf8")) as {
      tool: string;
      annotations: Hints;
    }[]
  ).map((o) => [o.tool, o.annotations]),
);

/** Where a tool's hints differ from the spec's suggestion, and why (the README's Safety section says the same). */
const DEVIATIONS: Record<string, { hints: Partial<Hints>; why: string }> = {
  set_contact_field_value: { hints: { destructiveHint: true }, why: "it overwrites or clears a value" },
  publish_journey: { hints: { idempotentHint: false }, why: "each publish makes a new version" },
  activate_journey: {
    hints: { idempotentHint: false },
    why: "a repeat is refused (409 already active), a conflict its status cannot tell from 'not published'",
  },
  activate_chatbot: {
    hints: { idempotentHint: false },
    why: "a repeat is refused (409 already active), a conflict its status cannot tell from 'not published'",
  },
  pause_journey: {
    hints: { idempotentHint: false },
    why: "a repeat is refused (409 not active), a conflict its status cannot tell from a draft",
  },
  pause_chatbot: {
    hints: { idempotentHint: false },
    why: "a repeat is refused (409 not active), a conflict its status cannot tell from a draft",
  },
};

const operations = allTools.filter((t) => suggested.has(t.name));

describe("against the spec's suggested annotations", () => {
  it("every operation's hints are the suggestion, or a deviation the table explains", () => {
    expect(operations).toHaveLength(101);
    for (const tool of operations) {
      const expected = { ...suggested.get(tool.name), ...DEVIATIONS[tool.name]?.hints };
      expect(tool.hints, tool.name).toEqual(expected);
    }
  });

  it("every deviation still differs from the spec, and names why", () => {
    for (const [name, { hints, why }] of Object.entries(DEVIATIONS)) {
      const spec = suggested.get(name);
      expect(
        Object.entries(hints).some(([hint, value]) => spec?.[hint as keyof Hints] !== value),
        name,
      ).toBe(true);
      expect(why.length, name).toBeGreaterThan(10);
    }
  });
});

describe("against the client's retry rules and what an update does", () => {
  it("a PATCH overwrites, so it is destructive; the client never repeats one, so it claims no idempotence", () => {
    expect(repeatable("PATCH", false)).toBe(false);
    expect(repeatable("PATCH", true)).toBe(false);
    const patches = allTools.filter((t) => t.method === "PATCH");
    expect(patches.length).toBeGreaterThan(5);
    for (const tool of patches) {
      expect(tool.hints, tool.name).toMatchObject({ destructiveHint: true, idempotentHint: false });
    }
  });

  it("a PUT replaces what was there, so it is destructive", () => {
    for (const tool of allTools.filter((t) => t.method === "PUT")) {
      expect(tool.hints.destructiveHint, tool.name).toBe(true);
    }
  });

  it("an 'already' conflict is declared only where a repeat of the tool claims to change nothing", () => {
    for (const tool of allTools.filter((t) => t.already !== undefined)) {
      expect(tool.hints.idempotentHint, tool.name).toBe(true);
    }
  });
});

describe("each definition states when the user is asked", () => {
  it("what may destroy has a confirmation class; what is hard to undo is destructive", () => {
    for (const tool of allTools) {
      if (tool.hints.destructiveHint) expect(tool.confirm, tool.name).toBeDefined();
      if (tool.confirm === "hard-to-undo") expect(tool.hints.destructiveHint, tool.name).toBe(true);
    }
  });

  it("every message to customers has one; a bulk change is one", () => {
    for (const tool of allTools.filter((t) => t.toolset === "messaging" && t.hints.openWorldHint)) {
      expect(["new-recipient", "reply"], tool.name).toContain(tool.confirm);
    }
    expect(allTools.find((t) => t.name === "tag_contacts")?.confirm).toBe("bulk");
  });
});

// Repeating an idempotent write must change nothing more and not fail. A repeated DELETE meets the API's
// 404; the server knows what it deleted itself, and says "Already deleted".
describe("each idempotent write, repeated on the sandbox", () => {
  let sandbox: Sandbox;
  let mcp: Connected;
  beforeAll(async () => {
    sandbox = await startSandbox();
    mcp = await connect(testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }));
  });
  afterAll(async () => {
    await mcp.close();
    await sandbox.close();
  });

  const archived = () => [...sandbox.store.contacts.values()].find((c) => c.archivedAt && !c.deletedAt)?.id ?? "";
  const lastMessage = () =>
    [...sandbox.store.messages.values()].filter((m) => m.conversationId === OTHER_IDS.openConversation).at(-1)?.id;
  let gone: string | undefined;
  /** A contact to delete, the same one each time asked. */
  const goner = () => {
    gone ??= [...sandbox.store.contacts.values()].find((c) => c.id !== DEMO_IDS.anna && !c.deletedAt)?.id ?? "";
    return gone;
  };
  const REPEATS: Record<string, () => Record<string, unknown>> = {
    archive_contact: () => ({ id: DEMO_IDS.anna }),
    unarchive_contact: () => ({ id: archived() }),
    set_contact_field_value: () => ({ contactId: DEMO_IDS.anna, customFieldId: "Preferred store", value: "Gdansk" }),
    add_tag_to_contact: () => ({ contactId: DEMO_IDS.anna, tagId: "VIP" }),
    mark_conversation_read: () => ({ id: OTHER_IDS.openConversation, messageId: lastMessage() }),
    close_conversation: () => ({ id: OTHER_IDS.openConversation }),
    set_inbox_team: () => ({ id: OTHER_IDS.whatsappInbox, teamId: OTHER_IDS.team }),
    update_team: () => ({ id: OTHER_IDS.team, name: "Obsługa klienta" }),
    update_user_role: () => ({ userId: OTHER_IDS.secondAgent, role: "agent" }),
    revoke_api_key: () => ({ id: "key_01HV8YG2K3E4Y5P6R7O8D9U0C1" }),
    tag_contacts: () => ({ tagId: "VIP", contactIds: [DEMO_IDS.anna] }),
    remove_tag_from_contact: () => ({ contactId: DEMO_IDS.anna, tagId: DEMO_IDS.vipTag }),
    remove_team_agent: () => ({ id: OTHER_IDS.team, userId: OTHER_IDS.agent }),
    clear_inbox_team: () => ({ id: OTHER_IDS.whatsappInbox }),
    delete_contact: () => ({ id: goner() }),
    delete_tag: () => ({ id: DEMO_IDS.vipTag }),
    delete_journey: () => ({ id: OTHER_IDS.draftJourney }),
    delete_chatbot: () => ({ id: OTHER_IDS.draftChatbot }),
    delete_service_account: () => ({ id: OTHER_IDS.serviceAccount }),
    delete_team: () => ({ id: OTHER_IDS.team }),
  };

  it("covers every idempotent write but the DELETEs, which all share one path (send)", () => {
    const idempotentWrites = allTools.filter((t) => t.hints.idempotentHint && !t.hints.readOnlyHint);
    const deletes = idempotentWrites.filter((t) => t.method === "DELETE" && !t.already);
    expect(deletes.every((t) => !t.run)).toBe(true);
    const others = idempotentWrites.filter((t) => !deletes.includes(t)).map((t) => t.name);
    expect(Object.keys(REPEATS).filter((name) => !deletes.some((t) => t.name === name))).toEqual(
      expect.arrayContaining(others),
    );
    expect(others).toHaveLength(Object.keys(REPEATS).length - deletes.filter((t) => t.name in REPEATS).length);
  });

  it.each(Object.keys(REPEATS))("%s: the second call succeeds too", async (name) => {
    const args = REPEATS[name]?.() ?? {};
    const first = await mcp.call(name, args);
    expect(first.isError, textOf(first)).toBeFalsy();
    const second = await mcp.call(name, args);
    expect(second.isError, textOf(second)).toBeFalsy();
  });

  it("a repeat answered by an 'already' conflict says so, changing nothing", async () => {
    const again = await mcp.call("archive_contact", { id: DEMO_IDS.anna });
    expect(textOf(again)).toBe("Already archived: nothing changed.");
    expect(textOf(await mcp.call("close_conversation", { id: OTHER_IDS.openConversation }))).toBe(
      "Already closed: nothing changed.",
    );
    expect(textOf(await mcp.call("unarchive_contact", { id: DEMO_IDS.vipTag }))).toMatch(/^404 /);
    // A DELETE this server made, repeated; one of an id it never deleted stays a 404.
    expect(textOf(await mcp.call("delete_contact", { id: goner() }))).toBe("Already deleted: nothing changed.");
    expect(textOf(await mcp.call("delete_contact", { id: "con_01HV8Y5R5RFMS0TFK6PKF9H2ZZ" }))).toMatch(/^404 /);
  });
});
