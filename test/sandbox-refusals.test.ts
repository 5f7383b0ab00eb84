// A refused request changes nothing: each request below is refused by the sandbox
// (401, 403, 409 or 422), and the whole store, id counter included, is the same
// after it as before. Each case runs on a fresh seeded sandbox after its own setup.

import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, type Store, startSandbox } from "../src/sandbox/index.js";
import { OTHER_IDS } from "../src/sandbox/seed-others.js";
import { type CallOptions, call, expectProblem } from "./helpers/sandbox-http.js";

const ANNA = "con_01HV8Y5R5RFMS0TFK6PKF9H2S8";
const ORDER_PAID = "evt-type_01HV8ZA9Q4C2B5P6N7R8S9T0V1";
const WABA = "104857392016482";

interface Refusal {
  name: string;
  /** Requests made first; they may change the store (the snapshot is taken after them). */
  setup?: (sandbox: Sandbox) => Promise<unknown>;
  request: (sandbox: Sandbox) => [method: string, path: string, body?: unknown, options?: CallOptions];
  status: number;
  code: string;
}

const text = (value: string) => ({ type: "text", text: value });

async function newContact(sandbox: Sandbox): Promise<string> {
  const res = await call(sandbox, "POST", "/contacts", { name: "Ola Test", phone: "+48600999888" });
  return (res.json as { id: string }).id;
}

const REFUSALS: Refusal[] = [
  {
    name: "a free-text send to a new WhatsApp address (no contact, no conversation made)",
    request: () => [
      "POST",
      "/messages",
      { inboxId: OTHER_IDS.whatsappInbox, to: { channel: "whatsapp", address: "+48600100200" }, content: text("Hi") },
    ],
    status: 409,
    code: "conversation_window_closed",
  },
  {
    name: "a send to a new address whose content is invalid",
    request: () => [
      "POST",
      "/messages",
      { inboxId: OTHER_IDS.whatsappInbox, to: { channel: "whatsapp", address: "+48600100200" }, content: {} },
    ],
    status: 422,
    code: "validation_failed",
  },
  {
    name: "a free-text send to a known contact with no conversation on the inbox",
    setup: newContact,
    request: (sandbox) => {
      const contactId = [...sandbox.store.contacts.values()].find((c) => c.name === "Ola Test")?.id;
      return ["POST", "/messages", { inboxId: OTHER_IDS.whatsappInbox, contactId, content: text("Hi") }];
    },
    status: 409,
    code: "conversation_window_closed",
  },
  {
    name: "a reply in a conversation whose window has closed",
    request: () => [
      "POST",
      `/conversations/${OTHER_IDS.closedWindowConversation}/messages`,
      { content: text("Faktura w załączniku") },
    ],
    status: 409,
    code: "conversation_window_closed",
  },
  {
    name: "a contact field update with a name but no type",
    request: () => ["PATCH", "/contacts/custom-fields/cf_lifecycle_stage", { name: "Stage" }],
    status: 422,
    code: "validation_failed",
  },
  {
    name: "a property field update with a type but no name",
    request: () => ["PATCH", "/properties/custom-fields/cf_region", { type: "date" }],
    status: 422,
    code: "validation_failed",
  },
  {
    name: "a team update with a valid name and a description too long",
    request: () => ["PUT", `/teams/${OTHER_IDS.team}`, { name: "Renamed", description: "x".repeat(501) }],
    status: 422,
    code: "validation_failed",
  },
  {
    name: "an event type update whose schema breaks recorded events, with a new name",
    request: () => [
      "PATCH",
      `/event-types/${ORDER_PAID}`,
      { name: "order.settled", payloadSchema: { type: "object", required: ["invoiceId"] } },
    ],
    status: 422,
    code: "validation_failed",
  },
  {
    name: "a contact with a valid name and a bad phone",
    request: () => ["POST", "/contacts", { name: "Ola", phone: "600 111 222" }],
    status: 422,
    code: "validation_failed",
  },
  {
    name: "an event whose idempotency key was used",
    request: () => [
      "POST",
      `/contacts/${ANNA}/events`,
      { name: "order.paid", payload: { orderId: "4819" }, idempotencyKey: "order-4819-paid" },
    ],
    status: 409,
    code: "event_already_exists",
  },
  {
    name: "archiving an archived contact",
    setup: (sandbox) => call(sandbox, "POST", `/contacts/${ANNA}/archive`),
    request: () => ["POST", `/contacts/${ANNA}/archive`],
    status: 409,
    code: "contact_already_archived",
  },
  {
    name: "connecting a free WhatsApp number together with one already connected",
    request: () => [
      "POST",
      "/inboxes",
      { channel: "whatsapp", wabaId: WABA, phoneNumberIds: ["112233445566702", "112233445566701"] },
    ],
    status: 409,
    code: "inbox_already_exists",
  },
  {
    name: "an owner service account asked for by an admin",
    request: () => ["POST", "/service-accounts", { name: "Root", role: "owner" }, { key: "sandbox-admin" }],
    status: 403,
    code: "auth_authz_user_assign_role_denied",
  },
  {
    name: "a tag created with an unknown key",
    request: () => ["POST", "/tags", { name: "Spring" }, { key: "fl_live_unknown" }],
    status: 401,
    code: "auth_unauthenticated",
  },
  {
    name: "a team created by an agent",
    request: () => ["POST", "/teams", { name: "Night shift" }, { key: "sandbox-agent" }],
    status: 403,
    code: "auth_forbidden",
  },
];

/** Everything the store holds, Maps included, as one string. */
function snapshot(store: Store): string {
  return JSON.stringify(store, (_key, value: unknown) => (value instanceof Map ? [...value] : value));
}

describe("a refused request changes nothing", () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
  });

  it.each(REFUSALS)("$name", async ({ setup, request, status, code }) => {
    const started = await startSandbox();
    sandbox = started;
    await setup?.(started);
    const before = snapshot(started.store);
    const [method, path, body, options] = request(started);
    await expectProblem(call(started, method, path, body, options), status, code);
    expect(snapshot(started.store)).toBe(before);
  });
});
