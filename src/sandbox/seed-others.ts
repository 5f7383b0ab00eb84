// The demo workspace beyond contacts: its people and team, two inboxes with WhatsApp
// templates, conversations in each interesting state, automations, an integration and
// a webhook. Deterministic: fixed ids and 2026 timestamps; only the conversations are
// placed relative to the store's clock, because the 24-hour window they demonstrate is.

import { issueKey } from "./routes/api-keys.js";
import { createInbox, WABAS } from "./routes/inboxes.js";
import { addAgent, createTeam } from "./routes/teams.js";
import {
  type Channel,
  type Contact,
  type Conversation,
  type Flow,
  type Message,
  SANDBOX_USER_IDS,
  type Store,
  type User,
} from "./store.js";

const HOUR_MS = 3_600_000;

/** Ids of the seeded records, for documentation and tests. */
export const OTHER_IDS = {
  owner: SANDBOX_USER_IDS.owner,
  admin: SANDBOX_USER_IDS.admin,
  agent: SANDBOX_USER_IDS.agent,
  secondAgent: "usr_01HV8Y3K2R6G7K3F5B9N8M1Q3",
  team: "team_01HV8YB2C3D4E5F6G7H8J9K0M1",
  whatsappInbox: "inb_01HV8YC1W2H3A4T5S6A7P8P9Q0",
  instagramInbox: "inb_01HV8YC1I2N3S4T5A6G7R8A9M0",
  openConversation: "conv_01HV8YD1O2P3E4N5W6I7N8D9W0",
  closedWindowConversation: "conv_01HV8YD2C3L4O5S6E7D8W9I0N1",
  closedConversation: "conv_01HV8YD3C4L5O6S7E8D9C0O1N2",
  pendingConversation: "conv_01HV8YD4P5E6N7D8I9N0G1I2G3",
  activeJourney: "jrn_01HV8YE1W2E3L4C5O6M7E8J9R0",
  draftJourney: "jrn_01HV8YE2P3A4Y5M6E7N8T9R0E1",
  activeChatbot: "bot_01HV8YF1F2A3Q4B5O6T7A8C9T0",
  draftChatbot: "bot_01HV8YF2O3R4D5E6R7B8O9T0D1",
  serviceAccount: "sa_01HV8YG1S2H3O4P5I6N7T8E9G0",
} as const;

export function seedOthers(store: Store): void {
  seedPeople(store);
  seedInboxes(store);
  seedConversations(store);
  seedAutomations(store);
  seedIntegrations(store);
}

function seedPeople(store: Store): void {
  const people: Array<[string, string, string, User["role"], string]> = [
    [OTHER_IDS.owner, "Marta Nowak", "marta.nowak@sklep.example.pl", "owner", "2026-01-01T08:00:00.000Z"],
    [OTHER_IDS.admin, "Piotr Zieliński", "piotr.zielinski@sklep.example.pl", "admin", "2026-01-01T08:10:00.000Z"],
    [OTHER_IDS.agent, "Katarzyna Wójcik", "katarzyna.wojcik@sklep.example.pl", "agent", "2026-01-05T09:00:00.000Z"],
    [
      OTHER_IDS.secondAgent,
      "Tomasz Lewandowski",
      "tomasz.lewandowski@sklep.example.pl",
      "agent",
      "2026-01-12T09:00:00.000Z",
    ],
  ];
  for (const [id, name, email, role, createdAt] of people) {
    store.users.set(id, { id, name, email, role, teamIds: [], createdAt });
  }
  const team = createTeam(
    store,
    "Obsługa klienta",
    "Pierwsza linia: WhatsApp i Instagram.",
    OTHER_IDS.team,
    "2026-01-05T10:00:00.000Z",
  );
  for (const id of [OTHER_IDS.agent, OTHER_IDS.secondAgent]) {
    const user = store.users.get(id);
    if (user) addAgent(store, team, user);
  }
  team.updatedAt = "2026-01-12T09:30:00.000Z";
}

function seedInboxes(store: Store): void {
  const number = Object.values(WABAS)[0]?.[0];
  createInbox(
    store,
    "whatsapp",
    "WhatsApp Sklep",
    number?.phoneNumber ?? "+48221002030",
    OTHER_IDS.team,
    OTHER_IDS.whatsappInbox,
    "2026-01-02T08:00:00.000Z",
  );
  createInbox(
    store,
    "instagram",
    "Instagram @sklep.flownally",
    "sklep.flownally",
    null,
    OTHER_IDS.instagramInbox,
    "2026-01-03T08:00:00.000Z",
  );
  const templates: Array<[string, string, "approved" | "pending", string, string]> = [
    ["order_ready", "pl", "approved", "utility", "Dzień dobry {{1}}, zamówienie {{2}} czeka na odbiór w sklepie."],
    ["order_ready", "en", "approved", "utility", "Hello {{1}}, your order {{2}} is ready for pickup."],
    ["payment_reminder", "pl", "approved", "utility", "Przypominamy o płatności za zamówienie {{1}}."],
    ["spring_sale", "pl", "pending", "marketing", "Wiosenna wyprzedaż: -20% na wszystko do niedzieli!"],
  ];
  for (const [i, [name, language, status, category, body]] of templates.entries()) {
    const id = `tpl_01HV8YC9T0E1M2P3L4A5T6E7S${i}`;
    store.whatsappTemplates.set(id, { id, inboxId: OTHER_IDS.whatsappInbox, name, language, status, category, body });
  }
}

/**
 * Four conversations: open with the window open (customer wrote 10 minutes ago), open with the
 * window closed (last customer message 30 hours ago), closed, and a pending Instagram one.
 */
function seedConversations(store: Store): void {
  const now = Date.parse(store.now());
  const ago = (hours: number): string => new Date(now - hours * HOUR_MS).toISOString();
  const contacts = [...store.contacts.values()].filter((c) => c.deletedAt === null && c.archivedAt === null);
  const onWhatsApp = contacts.filter((c) => c.identities.some((i) => i.channel === "whatsapp"));
  const onInstagram = contacts.find((c) => c.identities.some((i) => i.channel === "instagram"));
  const [first, second, third] = onWhatsApp;
  const agent = OTHER_IDS.agent;

  // Jan (the second WhatsApp contact) wrote 10 minutes ago: a free-form reply is possible.
  if (second) {
    const conversation = addConversation(store, OTHER_IDS.openConversation, second, "whatsapp", "open", ago(2));
    addMessage(
      store,
      conversation,
      "inbound",
      text("Dzień dobry, czy moje zamówienie jest już gotowe do odbioru?"),
      ago(2),
    );
    addMessage(store, conversation, "outbound", text("Dzień dobry! Sprawdzam i zaraz odpiszę."), ago(1.9), agent);
    addMessage(store, conversation, "inbound", text("Dziękuję, czekam. Mogę odebrać dziś po 17?"), ago(1 / 6));
    conversation.unreadCount = 1;
    conversation.assigneeId = agent;
  }
  // Anna's last message is 30 hours old: only a template can reach her now.
  if (first) {
    const conversation = addConversation(store, OTHER_IDS.closedWindowConversation, first, "whatsapp", "open", ago(31));
    addMessage(store, conversation, "inbound", text("Poproszę o fakturę VAT do zamówienia 4827."), ago(30));
    addMessage(store, conversation, "outbound", text("Oczywiście, wyślemy ją jutro rano."), ago(29.5), agent);
  }
  if (third) {
    const conversation = addConversation(store, OTHER_IDS.closedConversation, third, "whatsapp", "closed", ago(72));
    addMessage(store, conversation, "inbound", text("Czy macie ten model w rozmiarze 42?"), ago(72));
    addMessage(store, conversation, "outbound", text("Tak, w sklepie w Krakowie."), ago(71), agent);
    addMessage(store, conversation, "inbound", text("Super, dziękuję!"), ago(70.5));
    conversation.assigneeId = agent;
  }
  if (onInstagram) {
    const conversation = addConversation(
      store,
      OTHER_IDS.pendingConversation,
      onInstagram,
      "instagram",
      "pending",
      ago(3),
    );
    addMessage(store, conversation, "inbound", text("Hej! Wysyłacie za granicę?"), ago(3));
    addMessage(store, conversation, "inbound", text("Chodzi o Niemcy."), ago(2.9));
    conversation.unreadCount = 2;
  }
}

const text = (body: string): Record<string, unknown> => ({ type: "text", text: body });

function addConversation(
  store: Store,
  id: string,
  contact: Contact,
  channel: Channel,
  status: Conversation["status"],
  createdAt: string,
): Conversation {
  const inboxId = channel === "whatsapp" ? OTHER_IDS.whatsappInbox : OTHER_IDS.instagramInbox;
  const conversation: Conversation = {
    id,
    contactId: contact.id,
    inboxId,
    channel,
    status,
    unreadCount: 0,
    lastMessageAt: createdAt,
    window: { canSend: false },
    createdAt,
  };
  store.conversations.set(id, conversation);
  return conversation;
}

/** Seeded messages use a per-conversation counter so their ids are stable too. */
function addMessage(
  store: Store,
  conversation: Conversation,
  direction: Message["direction"],
  content: Record<string, unknown>,
  createdAt: string,
  authorId?: string,
): void {
  const n = [...store.messages.values()].filter((m) => m.conversationId === conversation.id).length;
  const message: Message = {
    id: `msg_${conversation.id.slice(5, 25)}${String(n).padStart(6, "0")}`,
    conversationId: conversation.id,
    inboxId: conversation.inboxId,
    direction,
    content,
    status: direction === "inbound" ? "delivered" : "read",
    ...(authorId === undefined ? {} : { authorId }),
    reactions: [],
    createdAt,
  };
  store.messages.set(message.id, message);
  if (createdAt > conversation.lastMessageAt) conversation.lastMessageAt = createdAt;
}

function seedAutomations(store: Store): void {
  const welcome = {
    trigger: { type: "event", eventType: "signup" },
    steps: [
      { type: "wait", duration: "PT1H" },
      { type: "send_template", template: "order_ready", language: "pl" },
    ],
  };
  addFlow(
    store.journeys,
    OTHER_IDS.activeJourney,
    "Powitanie nowego klienta",
    "active",
    welcome,
    "jrv_01HV8YE1V0000000000001",
  );
  addFlow(store.journeys, OTHER_IDS.draftJourney, "Przypomnienie o płatności", "draft", {
    trigger: { type: "event", eventType: "order.paid" },
    steps: [],
  });
  const faq = {
    greeting: "Cześć! W czym mogę pomóc?",
    intents: [
      { name: "godziny otwarcia", reply: "Jesteśmy otwarci pon.–sob. 9–19." },
      { name: "status zamówienia", handoff: "team" },
    ],
  };
  const bot = addFlow(
    store.chatbots,
    OTHER_IDS.activeChatbot,
    "Asystent FAQ",
    "active",
    faq,
    "botv_01HV8YF1V0000000000001",
  );
  bot.teamIds = [OTHER_IDS.team];
  addFlow(store.chatbots, OTHER_IDS.draftChatbot, "Bot zamówień", "draft", { greeting: "Podaj numer zamówienia." });
}

function addFlow(
  items: Map<string, Flow>,
  id: string,
  name: string,
  status: Flow["status"],
  definition: Record<string, unknown>,
  versionId?: string,
): Flow {
  const createdAt = "2026-02-01T10:00:00.000Z";
  const flow: Flow = { id, name, status, definition, versions: [], createdAt, updatedAt: createdAt };
  if (versionId !== undefined) {
    const publishedAt = "2026-02-03T12:00:00.000Z";
    flow.versions.push({ id: versionId, version: 1, definition: structuredClone(definition), createdAt: publishedAt });
    flow.activeVersionId = versionId;
    flow.updatedAt = publishedAt;
  }
  items.set(id, flow);
  return flow;
}

function seedIntegrations(store: Store): void {
  store.serviceAccounts.set(OTHER_IDS.serviceAccount, {
    id: OTHER_IDS.serviceAccount,
    name: "Integracja sklepu internetowego",
    role: "admin",
    createdAt: "2026-01-20T11:00:00.000Z",
  });
  const { key } = issueKey(
    store,
    OTHER_IDS.serviceAccount,
    "Produkcja",
    "2026-01-20T11:05:00.000Z",
    "key_01HV8YG2K3E4Y5P6R7O8D9U0C1",
  );
  // The seeded key's display prefix is fixed so listings are identical on every run.
  key.prefix = "fln_sk_Q3xL";
  store.webhookSettings = {
    url: "https://hooks.sklep.example.pl/flownally",
    events: ["contact.created", "message.created", "conversation.closed"],
    enabled: true,
    updatedAt: "2026-01-21T09:00:00.000Z",
  };
  // Recent deliveries (the attempt log keeps 7 days), one of them failed with a 503.
  const now = Date.parse(store.now());
  const deliveries: Array<[string, string, "succeeded" | "failed", number, number]> = [
    ["message.created", "whe_01HV8YH1E2V3T4000000000001", "succeeded", 200, 2],
    ["contact.created", "whe_01HV8YH1E2V3T4000000000002", "failed", 503, 5],
    ["contact.created", "whe_01HV8YH1E2V3T4000000000002", "succeeded", 200, 4.9],
  ];
  for (const [i, [eventType, eventId, status, responseStatus, hoursAgo]] of deliveries.entries()) {
    store.webhookAttempts.push({
      id: `wha_01HV8YH2A3T4T5E6M7P8T000${i}`,
      eventId,
      eventType,
      url: "https://hooks.sklep.example.pl/flownally",
      status,
      responseStatus,
      createdAt: new Date(now - hoursAgo * HOUR_MS).toISOString(),
    });
  }
}
