// The sandbox's messaging, inboxes, teams, users, journeys, chatbots, API keys and
// webhooks, exercised over real HTTP with fetch against a fresh seeded sandbox per test.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { OTHER_IDS } from "../src/sandbox/seed-others.js";
import { type CallOptions, call as callSandbox, expectProblem } from "./helpers/sandbox-http.js";

interface MessageJson {
  id: string;
  conversationId: string;
  status: string;
  direction: string;
  content: Record<string, unknown>;
  updatedAt: string;
}
interface ConversationJson {
  id: string;
  status: string;
  unreadCount: number;
  window: { canSend: boolean; reason?: string; expiresAt?: string };
}

let sandbox: Sandbox;
/** When set, the sandbox's clock stands still at this instant (ms) until a test moves it. */
let frozenAt: number | undefined;

beforeEach(async () => {
  frozenAt = undefined;
  sandbox = await startSandbox({ clock: () => new Date(frozenAt ?? Date.now()) });
});
afterEach(async () => {
  await sandbox.close();
});

const call = (method: string, path: string, body?: unknown, options?: CallOptions) =>
  callSandbox(sandbox, method, path, body, options);

const text = (value: string) => ({ type: "text", text: value });

describe("messages", () => {
  it("accepts a send with 202 and advances its delivery state over time", async () => {
    const start = Date.now();
    frozenAt = start;
    const res = await call("POST", "/messages", {
      inboxId: OTHER_IDS.whatsappInbox,
      conversationId: OTHER_IDS.openConversation,
      content: text("Tak, zamówienie czeka na Panią."),
    });
    expect(res.status, res.text).toBe(202);
    const sent = res.json as MessageJson;
    expect(sent).toMatchObject({
      conversationId: OTHER_IDS.openConversation,
      status: "accepted",
      direction: "outbound",
    });
    expect(sent.id).toMatch(/^msg_/);

    frozenAt = start + 700;
    const midway = (await call("GET", `/messages/${sent.id}`)).json as MessageJson;
    expect(midway.status).toBe("sent");
    expect(Date.parse(midway.updatedAt)).toBe(start + 500);

    frozenAt = start + 1700;
    const later = (await call("GET", `/messages/${sent.id}`)).json as MessageJson;
    expect(later.status).toBe("delivered");
    expect(Date.parse(later.updatedAt)).toBe(start + 1500);

    const history = (await call("GET", `/conversations/${OTHER_IDS.openConversation}/messages?pageSize=2`)).json as {
      messages: MessageJson[];
      nextPageToken?: string;
      totalSize: number;
    };
    expect(history.messages[0]?.id).toBe(sent.id);
    expect(history.totalSize).toBe(4);
    expect(history.nextPageToken).toBeTypeOf("string");
  });

  it("refuses free text outside the 24-hour window and points to templates", async () => {
    const conversation = (await call("GET", `/conversations/${OTHER_IDS.closedWindowConversation}`))
      .json as ConversationJson;
    expect(conversation.window.canSend).toBe(false);
    expect(conversation.window.reason).toMatch(/template/);
    const open = (await call("GET", `/conversations/${OTHER_IDS.openConversation}`)).json as ConversationJson;
    expect(open.window.canSend).toBe(true);
    expect(Date.parse(open.window.expiresAt ?? "")).toBeGreaterThan(Date.now());

    const problem = await expectProblem(
      call("POST", `/conversations/${OTHER_IDS.closedWindowConversation}/messages`, {
        content: text("Faktura w załączniku"),
      }),
      409,
      "conversation_window_closed",
    );
    expect(problem.detail).toMatch(/template/);
    const before = sandbox.store.messages.size;
    await expectProblem(
      call("POST", "/messages", {
        inboxId: OTHER_IDS.whatsappInbox,
        conversationId: OTHER_IDS.closedWindowConversation,
        content: text("Halo?"),
      }),
      409,
      "conversation_window_closed",
    );
    expect(sandbox.store.messages.size).toBe(before);
  });

  it("sends an approved template into a closed window and validates its name and parameters", async () => {
    const template = (components?: unknown[], name = "order_ready") => ({
      inboxId: OTHER_IDS.whatsappInbox,
      conversationId: OTHER_IDS.closedWindowConversation,
      content: { type: "template", template: { name, language: "pl", ...(components ? { components } : {}) } },
    });
    const params = [
      {
        type: "body",
        parameters: [
          { type: "text", text: "Jan" },
          { type: "text", text: "4830" },
        ],
      },
    ];
    const res = await call("POST", "/messages", template(params));
    expect(res.status, res.text).toBe(202);
    expect((res.json as MessageJson).content).toMatchObject({ type: "template", template: { name: "order_ready" } });

    const missing = await expectProblem(call("POST", "/messages", template()), 422, "validation_failed");
    expect(missing.errors?.[0]).toMatchObject({ field: "content.template.components" });
    const unknown = await expectProblem(call("POST", "/messages", template([], "no_such")), 422, "validation_failed");
    expect(unknown.errors?.[0]?.field).toBe("content.template.name");
    const pending = await expectProblem(
      call("POST", "/messages", template([], "spring_sale")),
      422,
      "validation_failed",
    );
    expect(pending.errors?.[0]?.message).toMatch(/pending/);

    const listed = (await call("GET", `/inboxes/${OTHER_IDS.whatsappInbox}/whatsapp/templates`)).json as {
      templates: { name: string; language: string; status: string }[];
    };
    expect(listed.templates).toContainEqual(
      expect.objectContaining({ name: "order_ready", language: "pl", status: "APPROVED" }),
    );
    expect(listed.templates).toContainEqual(expect.objectContaining({ name: "spring_sale", status: "PENDING" }));
  });

  it("validates the recipient forms and starts a conversation for a new channel address", async () => {
    const bad = await expectProblem(
      call("POST", "/messages", {
        inboxId: OTHER_IDS.whatsappInbox,
        to: { channel: "whatsapp", address: "600100200" },
      }),
      422,
      "validation_failed",
    );
    expect(bad.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(["to.address", "content"]));
    const none = await expectProblem(call("POST", "/messages", { content: text("hi") }), 422, "validation_failed");
    expect(none.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(["inboxId", "to"]));

    const contactsBefore = sandbox.store.contacts.size;
    const body = {
      inboxId: OTHER_IDS.whatsappInbox,
      to: { channel: "whatsapp", address: "+48600100200" },
      content: {
        type: "template",
        template: {
          name: "payment_reminder",
          language: "pl",
          components: [{ type: "body", parameters: [{ type: "text", text: "4901" }] }],
        },
      },
    };
    const res = await call("POST", "/messages", body);
    expect(res.status, res.text).toBe(202);
    expect(sandbox.store.contacts.size).toBe(contactsBefore + 1);
    // The business wrote first, so free text is refused until the customer answers.
    const conversationId = (res.json as MessageJson).conversationId;
    await expectProblem(
      call("POST", `/conversations/${conversationId}/messages`, { content: text("Dzień dobry") }),
      409,
      "conversation_window_closed",
    );
  });

  it("uploads media once per Idempotency-Key and sends it by mediaId", async () => {
    const upload = () => {
      const form = new FormData();
      form.append("file", new Blob([Buffer.from("%PDF-1.4 faktura")], { type: "application/pdf" }), "faktura.pdf");
      return call("POST", "/media/uploads", form, { headers: { "idempotency-key": "upload-faktura-1" } });
    };
    const first = await upload();
    expect(first.status, first.text).toBe(201);
    const media = first.json as { mediaId: string; filename: string; mimeType: string; size: number };
    expect(media).toMatchObject({ filename: "faktura.pdf", mimeType: "application/pdf", size: 16 });
    const stored = sandbox.store.media.size;
    const again = await upload();
    expect(again.status).toBe(201);
    expect((again.json as { mediaId: string }).mediaId).toBe(media.mediaId);
    expect(sandbox.store.media.size).toBe(stored);

    const res = await call("POST", `/conversations/${OTHER_IDS.openConversation}/messages`, {
      content: { type: "media", media: { mediaId: media.mediaId, caption: "Faktura" } },
    });
    expect(res.status, res.text).toBe(202);
    const missing = await expectProblem(
      call("POST", `/conversations/${OTHER_IDS.openConversation}/messages`, {
        content: { type: "media", media: { mediaId: "med_unknown" } },
      }),
      422,
      "validation_failed",
    );
    expect(missing.errors?.[0]?.field).toBe("content.media.mediaId");
    await expectProblem(call("POST", "/media/uploads", new FormData()), 422, "validation_failed");
  });

  it("replaces and removes a reaction", async () => {
    const history = (await call("GET", `/conversations/${OTHER_IDS.openConversation}/messages`)).json as {
      messages: MessageJson[];
    };
    const id = history.messages[0]?.id ?? "";
    await call("POST", `/messages/${id}/reactions`, { emoji: "👍" });
    const res = await call("POST", `/messages/${id}/reactions`, { emoji: "❤️" });
    expect(res.status).toBe(200);
    expect((res.json as { reactions: { emoji: string }[] }).reactions).toEqual([
      { emoji: "❤️", userId: OTHER_IDS.owner },
    ]);
    const removed = await call("POST", `/messages/${id}/reactions`, { emoji: "" });
    expect((removed.json as { reactions: unknown[] }).reactions).toEqual([]);
  });
});

describe("conversations", () => {
  it("filters by status and interaction and sorts by unread", async () => {
    const list = async (query: string) =>
      ((await call("GET", `/conversations${query}`)).json as { conversations: ConversationJson[]; totalSize: number })
        .conversations;
    const closed = await list("?status=closed");
    expect(closed.map((c) => c.id)).toEqual([OTHER_IDS.closedConversation]);
    const active = await list("?status=open&status=pending");
    expect(active.map((c) => c.id).sort()).toEqual(
      [OTHER_IDS.openConversation, OTHER_IDS.closedWindowConversation, OTHER_IDS.pendingConversation].sort(),
    );
    expect((await list("?interacted=false")).map((c) => c.id)).toEqual([OTHER_IDS.pendingConversation]);
    const unread = await list("?sort=unread");
    expect(unread[0]?.id).toBe(OTHER_IDS.pendingConversation);
    const oldest = await list("?sort=oldest");
    expect(oldest[0]?.id).toBe(OTHER_IDS.closedConversation);
    await expectProblem(call("GET", "/conversations?status=archived"), 422, "validation_failed");
  });

  it("marks read, reassigns and closes", async () => {
    const id = OTHER_IDS.pendingConversation;
    const summary = (await call("GET", "/users/me/unread-summary")).json as { count: number; version: number };
    expect(summary.count).toBe(3);
    const history = (await call("GET", `/conversations/${id}/messages`)).json as { messages: MessageJson[] };
    const newest = history.messages[0]?.id ?? "";
    const read = await call("POST", `/conversations/${id}/read`, { messageId: newest });
    expect(read.json).toMatchObject({ unreadCount: 0 });
    const after = (await call("GET", "/users/me/unread-summary")).json as { count: number; version: number };
    expect(after.count).toBe(1);
    expect(after.version).toBeGreaterThan(summary.version);
    expect((await call("GET", "/users/me/unread-count")).json).toEqual({ count: 1 });

    expect((await call("POST", `/conversations/${id}/reassign`, { userId: OTHER_IDS.secondAgent })).status).toBe(204);
    await expectProblem(call("POST", `/conversations/${id}/reassign`, { userId: "usr_nobody" }), 404, "user_not_found");
    const closed = await call("POST", `/conversations/${id}/close`);
    expect(closed.json).toMatchObject({ status: "closed", assigneeId: OTHER_IDS.secondAgent });
    await expectProblem(call("POST", `/conversations/${id}/close`), 409, "conversation_already_closed");
  });
  it("limits agents to their own, unassigned and team conversations", async () => {
    const id = OTHER_IDS.pendingConversation;
    const asAgent = { key: "sandbox-agent" };
    expect((await call("GET", `/conversations/${id}`, undefined, asAgent)).status).toBe(200);
    await call("POST", `/conversations/${id}/reassign`, { userId: OTHER_IDS.secondAgent });
    await expectProblem(call("GET", `/conversations/${id}`, undefined, asAgent), 404, "conversation_not_found");
    const listed = (await call("GET", "/conversations", undefined, asAgent)).json as {
      conversations: { id: string }[];
    };
    expect(listed.conversations.map((c) => c.id)).not.toContain(id);
    expect(listed.conversations).toHaveLength(3);
  });
});

describe("users", () => {
  const setRole = (userId: string, role: unknown, key = "sandbox-owner") =>
    call("PUT", `/users/${userId}/role`, { role }, { key });

  it("applies the role-change matrix with the reference's codes", async () => {
    await expectProblem(setRole(OTHER_IDS.agent, "superuser"), 400, "auth_user_invalid_role");
    await expectProblem(setRole(OTHER_IDS.owner, "admin"), 400, "auth_user_self_role_change_forbidden");
    await expectProblem(setRole("usr_nobody", "agent"), 404, "auth_user_not_found");
    await expectProblem(setRole(OTHER_IDS.agent, "owner", "sandbox-admin"), 403, "auth_authz_user_assign_role_denied");
    await expectProblem(setRole(OTHER_IDS.owner, "agent", "sandbox-admin"), 403, "auth_user_role_assignment_forbidden");
    await expectProblem(setRole(OTHER_IDS.owner, "agent", "sandbox-agent"), 403, "auth_forbidden");

    const promoted = await setRole(OTHER_IDS.agent, "admin", "sandbox-admin");
    expect(promoted.status, promoted.text).toBe(200);
    expect(promoted.json).toMatchObject({ id: OTHER_IDS.agent, role: "admin" });

    // The last owner: the caller's own record is an admin, so the target is the only owner left.
    const owner = sandbox.store.users.get(OTHER_IDS.owner);
    if (owner) owner.role = "admin";
    expect((await setRole(OTHER_IDS.secondAgent, "owner")).status).toBe(200);
    await expectProblem(setRole(OTHER_IDS.secondAgent, "agent"), 409, "auth_user_last_owner_required");
  });

  it("reads and updates the caller's profile", async () => {
    expect((await call("GET", "/users/me")).json).toMatchObject({
      id: OTHER_IDS.owner,
      name: "Marta Nowak",
      role: "owner",
    });
    const res = await call("PATCH", "/users/me", {
      name: "Marta Nowak-Kowal",
      avatarUrl: "https://cdn.example.pl/m.png",
    });
    expect(res.json).toMatchObject({ name: "Marta Nowak-Kowal", avatarUrl: "https://cdn.example.pl/m.png" });
    await expectProblem(call("PATCH", "/users/me", { avatarUrl: "javascript:alert(1)" }), 422, "validation_failed");
    await expectProblem(call("GET", "/users/usr_nobody"), 404, "auth_user_not_found");
    const agentView = (await call("GET", "/users/me", undefined, { key: "sandbox-agent" })).json;
    expect(agentView).toMatchObject({ id: OTHER_IDS.agent, role: "agent", teamIds: [OTHER_IDS.team] });
  });
});

describe("teams and inboxes", () => {
  it("creates a team, manages its agents and routes an inbox to it", async () => {
    const created = await call("POST", "/teams", { name: "Sprzedaż" });
    expect(created.status).toBe(201);
    const teamId = (created.json as { id: string }).id;
    await expectProblem(call("POST", "/teams", { name: "sprzedaż" }), 409, "team_already_exists");
    await expectProblem(call("POST", "/teams", {}), 422, "validation_failed");
    await expectProblem(call("POST", "/teams", { name: "X" }, { key: "sandbox-agent" }), 403, "auth_forbidden");

    expect((await call("POST", `/teams/${teamId}/agents`, { userId: OTHER_IDS.agent })).status).toBe(201);
    await expectProblem(
      call("POST", `/teams/${teamId}/agents`, { userId: OTHER_IDS.agent }),
      409,
      "team_agent_already_assigned",
    );
    await expectProblem(call("POST", `/teams/${teamId}/agents`, { userId: "usr_nobody" }), 404, "user_not_found");
    const team = (await call("GET", `/teams/${teamId}`)).json as { agents: { id: string }[] };
    expect(team.agents.map((a) => a.id)).toEqual([OTHER_IDS.agent]);

    const routed = await call("PUT", `/inboxes/${OTHER_IDS.instagramInbox}/team`, { teamId });
    expect(routed.json).toMatchObject({ id: OTHER_IDS.instagramInbox, teamId });
    expect((await call("DELETE", `/teams/${teamId}/agents/${OTHER_IDS.agent}`)).status).toBe(204);
    expect((await call("DELETE", `/teams/${teamId}`)).status).toBe(204);
    const inboxes = (await call("GET", "/inboxes")).json as { inboxes: { id: string; teamId: string | null }[] };
    expect(inboxes.inboxes.find((i) => i.id === OTHER_IDS.instagramInbox)?.teamId).toBeNull();
  });

  it("connects a WhatsApp number from the WABA once", async () => {
    const numbers = (await call("GET", "/whatsapp/104857392016482/phone-numbers")).json as {
      phoneNumbers: { id: string; connected: boolean }[];
    };
    const free = numbers.phoneNumbers.find((n) => !n.connected);
    expect(numbers.phoneNumbers.some((n) => n.connected)).toBe(true);
    const body = { channel: "whatsapp", wabaId: "104857392016482", phoneNumberIds: [free?.id] };
    const res = await call("POST", "/inboxes", body);
    expect(res.status, res.text).toBe(200);
    const inbox = (res.json as { inboxes: { id: string; phoneNumber: string }[] }).inboxes[0];
    expect(inbox?.phoneNumber).toMatch(/^\+48/);
    await expectProblem(call("POST", "/inboxes", body), 409, "inbox_already_exists");
    await expectProblem(call("POST", "/inboxes", { channel: "fax" }), 422, "validation_failed");
    await expectProblem(call("GET", "/whatsapp/000/phone-numbers"), 404, "waba_not_found");
    expect((await call("DELETE", `/inboxes/${inbox?.id}`)).status).toBe(204);
  });
});

describe("journeys and chatbots", () => {
  it("refuses lifecycle steps out of order", async () => {
    const created = await call("POST", "/journeys", { name: "Porzucony koszyk", definition: { steps: [] } });
    expect(created.status).toBe(201);
    const id = (created.json as { id: string; status: string }).id;
    await expectProblem(call("POST", `/journeys/${id}/activate`), 409, "journey_not_published");
    await expectProblem(call("POST", `/journeys/${id}/pause`), 409, "journey_not_active");

    const published = await call("POST", `/journeys/${id}/publish`);
    expect(published.json).toMatchObject({ journeyId: id, version: 1, definition: { steps: [] } });
    const versionId = (published.json as { id: string }).id;
    await call("PATCH", `/journeys/${id}`, { definition: { steps: [{ type: "wait" }] } });
    const activated = await call("POST", `/journeys/${id}/activate`);
    expect(activated.json).toMatchObject({ status: "active", activeVersion: { id: versionId, version: 1 } });
    await expectProblem(call("POST", `/journeys/${id}/activate`), 409, "journey_already_active");
    await expectProblem(call("DELETE", `/journeys/${id}`), 409, "journey_active");

    // The published version is immutable: the later draft edit is not in it.
    expect((await call("GET", `/journeys/versions/${versionId}`)).json).toMatchObject({ definition: { steps: [] } });
    expect((await call("POST", `/journeys/${id}/pause`)).json).toMatchObject({ status: "paused" });
    expect((await call("DELETE", `/journeys/${id}`)).status).toBe(204);
    await expectProblem(call("GET", `/journeys/${id}`), 404, "journey_not_found");
    await expectProblem(call("POST", "/journeys", { definition: {} }), 422, "validation_failed");
  });

  it("versions chatbots under their own path", async () => {
    const id = OTHER_IDS.draftChatbot;
    await expectProblem(call("POST", `/chatbots/${id}/activate`), 409, "chatbot_not_published");
    await call("POST", `/chatbots/${id}/publish`);
    const second = (await call("POST", `/chatbots/${id}/publish`)).json as { id: string; version: number };
    expect(second.version).toBe(2);
    const versions = (await call("GET", `/chatbots/${id}/versions`)).json as { versions: { version: number }[] };
    expect(versions.versions.map((v) => v.version)).toEqual([2, 1]);
    expect((await call("GET", `/chatbots/${id}/versions/${second.id}`)).json).toMatchObject({
      chatbotId: id,
      version: 2,
    });
    await expectProblem(
      call("GET", `/chatbots/${OTHER_IDS.activeChatbot}/versions/${second.id}`),
      404,
      "chatbot_version_not_found",
    );
    await expectProblem(call("PATCH", `/chatbots/${id}`, { teamIds: ["team_nope"] }), 422, "validation_failed");
  });
});

describe("API keys", () => {
  it("shows a key's plaintext only in the create response", async () => {
    const account = await call("POST", "/service-accounts", { name: "Hurtownia" });
    expect(account.status).toBe(200);
    const accountId = (account.json as { id: string }).id;
    const created = await call("POST", `/service-accounts/${accountId}/api-keys`, { name: "prod" });
    expect(created.status).toBe(200);
    const { key, id, prefix } = created.json as { key: string; id: string; prefix: string };
    expect(key).toMatch(/^fln_sk_/);
    expect(key.startsWith(prefix)).toBe(true);

    const listed = await call("GET", `/service-accounts/${accountId}/api-keys`);
    expect(listed.text).not.toContain(key);
    expect((listed.json as { apiKeys: Record<string, unknown>[] }).apiKeys[0]).not.toHaveProperty("key");
    expect(JSON.stringify([...sandbox.store.apiKeys.values()])).not.toContain(key);

    expect((await call("DELETE", `/api-keys/${id}`)).status).toBe(204);
    await expectProblem(call("DELETE", `/api-keys/${id}`), 409, "api_key_already_revoked");
    const second = (await call("POST", `/service-accounts/${accountId}/api-keys`, {})).json as { id: string };
    expect((await call("DELETE", `/service-accounts/${accountId}`)).status).toBe(204);
    expect(sandbox.store.apiKeys.get(second.id)?.revokedAt).not.toBeNull();
    await expectProblem(call("GET", `/service-accounts/${accountId}/api-keys`), 404, "service_account_not_found");
    await expectProblem(call("GET", "/service-accounts", undefined, { key: "sandbox-agent" }), 403, "auth_forbidden");
  });

  it("authenticates only the documented tokens and live keys made through the API", async () => {
    await expectProblem(call("GET", "/tags", undefined, { key: "fl_live_anything" }), 401, "auth_unauthenticated");
    await expectProblem(call("GET", "/tags", undefined, { key: "constructor" }), 401, "auth_unauthenticated");
    for (const key of ["sandbox-owner", "sandbox-admin", "sandbox-agent"]) {
      expect((await call("GET", "/tags", undefined, { key })).status, key).toBe(200);
    }

    const account = (await call("POST", "/service-accounts", { name: "Sklep sync", role: "agent" })).json as {
      id: string;
    };
    const issue = async () =>
      (await call("POST", `/service-accounts/${account.id}/api-keys`, { name: "sync" })).json as {
        id: string;
        key: string;
      };
    const first = await issue();
    const second = await issue();
    // A key acts with its service account's role: an agent's key may list tags but not service accounts.
    expect((await call("GET", "/tags", undefined, { key: first.key })).status).toBe(200);
    await expectProblem(call("GET", "/service-accounts", undefined, { key: first.key }), 403, "auth_forbidden");

    expect((await call("DELETE", `/api-keys/${first.id}`)).status).toBe(204);
    const revoked = await expectProblem(
      call("GET", "/tags", undefined, { key: first.key }),
      401,
      "auth_unauthenticated",
    );
    expect(revoked.detail).toMatch(/revoked/);
    expect((await call("GET", "/tags", undefined, { key: second.key })).status).toBe(200);
    expect((await call("DELETE", `/service-accounts/${account.id}`)).status).toBe(204);
    await expectProblem(call("GET", "/tags", undefined, { key: second.key }), 401, "auth_unauthenticated");
  });
});

describe("webhooks", () => {
  it("bootstraps a signing key once and rotates with an expiring overlap", async () => {
    const first = (await call("GET", "/webhooks/signing-keys")).json as {
      signingKeys: { id: string; status: string; secret?: string }[];
    };
    expect(first.signingKeys).toHaveLength(1);
    const secret = first.signingKeys[0]?.secret ?? "";
    expect(secret).toMatch(/^whsec_/);
    const again = await call("GET", "/webhooks/signing-keys");
    expect(again.text).not.toContain(secret);
    expect((again.json as { signingKeys: object[] }).signingKeys[0]).not.toHaveProperty("secret");

    const rotated = (await call("POST", "/webhooks/signing-keys/rotate")).json as { id: string; secret: string };
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    const keys = (await call("GET", "/webhooks/signing-keys")).json as {
      signingKeys: { id: string; status: string; expiresAt: string | null; secret?: string }[];
    };
    expect(keys.signingKeys.map((k) => k.status)).toEqual(["active", "expiring"]);
    const expiring = keys.signingKeys[1];
    const hours = (Date.parse(expiring?.expiresAt ?? "") - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    expect(keys.signingKeys.some((k) => "secret" in k)).toBe(false);
  });

  it("validates settings, simulates verification and logs attempts newest first", async () => {
    const settings = (await call("GET", "/webhooks")).json as { availableEventTypes: string[] };
    expect(settings.availableEventTypes).toHaveLength(8);
    const bad = await expectProblem(
      call("PATCH", "/webhooks", { url: "http://hooks.example.pl", eventTypes: ["order.paid"] }),
      422,
      "validation_failed",
    );
    expect(bad.errors?.map((e) => e.field).sort()).toEqual(["eventTypes", "url"]);
    const updated = await call("PATCH", "/webhooks", { eventTypes: ["message.updated"], enabled: false });
    expect(updated.json).toMatchObject({ eventTypes: ["message.updated"], enabled: false });

    const ok = await call("POST", "/webhooks/verify");
    expect(ok.json).toMatchObject({ success: true, statusCode: 200 });
    const failed = await call("POST", "/webhooks/verify", { url: "https://receiver.invalid/hook" });
    expect(failed.json).toMatchObject({ success: false, statusCode: null });
    const attempts = (await call("GET", "/webhooks/attempts?limit=1&eventType=webhook.test")).json as {
      attempts: { url: string; status: string }[];
      nextPageToken?: string;
    };
    expect(attempts.attempts).toEqual([
      expect.objectContaining({ url: "https://receiver.invalid/hook", status: "failed" }),
    ]);
    expect(attempts.nextPageToken).toBeTypeOf("string");
    const failures = (await call("GET", "/webhooks/attempts?status=failed")).json as { attempts: unknown[] };
    expect(failures.attempts).toHaveLength(2);

    expect((await call("DELETE", "/webhooks")).status).toBe(204);
    await expectProblem(call("POST", "/webhooks/verify", {}), 422, "validation_failed");
  });
});

describe("billing", () => {
  it("reports access for managers only", async () => {
    expect((await call("GET", "/billing/status")).json).toMatchObject({ status: "active", hasAccess: true });
    await expectProblem(call("GET", "/billing/status", undefined, { key: "sandbox-agent" }), 403, "auth_forbidden");
  });
});
