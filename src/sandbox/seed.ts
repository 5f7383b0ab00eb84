// The demo workspace: a Polish retail shop with ~50 contacts, custom fields,
// tags and recorded order events, matching the API reference's examples
// (Anna Kowalska, +48123456789; her order 4827 is left unrecorded so the
// headline example "record that Anna paid order 4827" works). Fully deterministic: a fixed-seed
// PRNG and fixed timestamps, never the wall clock, so every run sees the same data.

import { createContact } from "./contact-model.js";
import { asciiWords } from "./framework.js";
import { createField } from "./routes/custom-fields.js";
import { addEvent, createEventType } from "./routes/events.js";
import { createTag } from "./routes/tags.js";
import { seedOthers } from "./seed-others.js";
import { type Contact, SANDBOX_USER_IDS, type Store } from "./store.js";

/** Ids the reference's examples use, kept so examples can be replayed against the sandbox verbatim. */
export const DEMO_IDS = {
  anna: "con_01HV8Y5R5RFMS0TFK6PKF9H2S8",
  vipTag: "tag_01HV8Y9R3Q4J6A7M8N9P0Q2S4",
  orderPaid: "evt-type_01HV8ZA9Q4C2B5P6N7R8S9T0V1",
  annaOrder4819: "evt_01HV8ZB8C3V5N6M7P8Q9R0S1T2",
} as const;

const DAY_MS = 86_400_000;
const WORKSPACE_START = Date.parse("2026-01-01T08:00:00Z");
const STORES = ["Krakow", "Warszawa", "Gdansk", "Wroclaw", "Poznan"] as const;

const WOMEN = [
  "Anna",
  "Maria",
  "Katarzyna",
  "Małgorzata",
  "Agnieszka",
  "Barbara",
  "Ewa",
  "Magdalena",
  "Joanna",
  "Zofia",
];
const MEN = ["Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Łukasz"];
/** [masculine, feminine] surname forms. */
const SURNAMES: ReadonlyArray<readonly [string, string]> = [
  ["Kowalski", "Kowalska"],
  ["Nowak", "Nowak"],
  ["Wiśniewski", "Wiśniewska"],
  ["Wójcik", "Wójcik"],
  ["Kowalczyk", "Kowalczyk"],
  ["Kamiński", "Kamińska"],
  ["Lewandowski", "Lewandowska"],
  ["Zieliński", "Zielińska"],
  ["Szymański", "Szymańska"],
  ["Woźniak", "Woźniak"],
  ["Dąbrowski", "Dąbrowska"],
  ["Kozłowski", "Kozłowska"],
  ["Jankowski", "Jankowska"],
];

export function seed(store: Store): void {
  seedContacts(store);
  seedOthers(store);
}

function seedContacts(store: Store): void {
  const random = mulberry32(20260101);
  const owner = SANDBOX_USER_IDS.owner;
  const at = (days: number, minutes = 0): string =>
    new Date(WORKSPACE_START + days * DAY_MS + minutes * 60_000).toISOString();

  for (const [name, type, predefined] of [
    ["Email", "text", true],
    ["Lifecycle stage", "text", false],
    ["Preferred store", "text", false],
    ["Birthday", "date", false],
  ] as const) {
    createField(store, "contact", { name, type, predefined, createdBy: owner, createdAt: at(0) });
  }
  createField(store, "property", { name: "Region", type: "text", createdBy: owner, createdAt: at(0) });
  createField(store, "property", { name: "Tier", type: "text", createdBy: owner, createdAt: at(0) });

  const vip = createTag(store, "VIP", owner, at(0, 30), DEMO_IDS.vipTag).id;
  const newsletter = createTag(store, "newsletter", owner, at(0, 31)).id;
  const orderReady = createTag(store, "order_ready", owner, at(0, 32)).id;
  const wholesale = createTag(store, "wholesale", owner, at(0, 33)).id;
  const complaint = createTag(store, "complaint", owner, at(0, 34)).id;

  const contacts: Contact[] = [];
  for (let i = 0; i < 50; i += 1) {
    const pick = <T>(items: readonly T[], fallback: T): T => items[Math.floor(random() * items.length)] ?? fallback;
    const woman = i % 2 === 0;
    const first = (woman ? WOMEN : MEN)[Math.floor(i / 2) % 10] ?? "Anna";
    const surname = SURNAMES[i % SURNAMES.length] ?? ["Nowak", "Nowak"];
    const name = `${first} ${woman ? surname[1] : surname[0]}`;
    const stage = random() < 0.4 ? "lead" : random() < 0.8 ? "customer" : "churned";
    const tags = [
      random() < 0.15 ? vip : undefined,
      random() < 0.4 ? newsletter : undefined,
      random() < 0.1 ? orderReady : undefined,
      random() < 0.1 ? wholesale : undefined,
      random() < 0.06 ? complaint : undefined,
    ].filter((t): t is string => t !== undefined);
    const hasEmail = i % 3 === 0;
    const email = `${ascii(first)}.${ascii(woman ? surname[1] : surname[0])}${i}@example.pl`;
    // Every tenth contact only ever wrote by email: no phone, no WhatsApp identity.
    const phone = i % 10 === 9 ? undefined : `+48${String(500_000_000 + ((i * 7_919_113) % 299_999_999))}`;
    const createdDays = i * 6 + Math.floor(random() * 4);
    const customFields: Record<string, string> = { lifecycleStage: stage, preferredStore: pick(STORES, "Krakow") };
    if (hasEmail || phone === undefined) customFields.email = email;
    if (i % 4 === 1) customFields.birthday = `19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`;
    const contact = createContact(store, {
      name,
      ...(phone === undefined ? {} : { phone }),
      ...(hasEmail || phone === undefined ? { email } : {}),
      customFields,
      tagIds: tags,
      createdAt: at(createdDays, 60 + Math.floor(random() * 600)),
    });
    contact.updatedAt = at(createdDays + 3, 30);
    if (i % 7 === 3) {
      contact.identities.push({ id: store.id("idn"), channel: "instagram", metadata: { username: ascii(name) } });
    }
    // A few contacts were archived some weeks after they were added.
    if ([13, 27, 38, 46].includes(i)) contact.archivedAt = at(createdDays + 20, 15);
    contacts.push(contact);
  }
  makeAnnaLikeTheReference(store, contacts, vip);
  seedEvents(store, contacts, at);
}

/** The first contact becomes the reference's Anna Kowalska, id, phone and fields included. */
function makeAnnaLikeTheReference(store: Store, contacts: Contact[], vip: string): void {
  const anna = contacts[0];
  if (!anna) return;
  store.contacts.delete(anna.id);
  anna.id = DEMO_IDS.anna;
  anna.name = "Anna Kowalska";
  anna.createdAt = "2026-01-02T09:20:00.000Z";
  anna.updatedAt = "2026-04-30T10:10:00.000Z";
  anna.identities = [
    { id: "idn_01HV8Y7YF5J4Y7M9M7T3H3X2A1", channel: "whatsapp", metadata: { phoneNumber: "+48123456789" } },
  ];
  anna.tagIds = [vip];
  anna.customFields = { lifecycleStage: "customer", preferredStore: "Krakow", email: "anna.kowalska@example.pl" };
  store.contacts.set(anna.id, anna);
}

function seedEvents(store: Store, contacts: Contact[], at: (days: number, minutes?: number) => string): void {
  const orderPaid = createEventType(store, {
    id: DEMO_IDS.orderPaid,
    name: "order.paid",
    description: "Customer paid for an order.",
    payloadSchema: {
      type: "object",
      properties: { orderId: { type: "string" }, total: { type: "number" } },
      required: ["orderId"],
    },
    createdAt: at(0, 40),
  });
  const orderShipped = createEventType(store, {
    name: "order.shipped",
    description: "An order left the warehouse.",
    payloadSchema: {
      type: "object",
      properties: { orderId: { type: "string" }, carrier: { type: "string" } },
      required: ["orderId"],
    },
    createdAt: at(0, 41),
  });
  const signup = createEventType(store, {
    name: "signup",
    description: "Contact signed up for the loyalty programme.",
    predefined: true,
    createdAt: at(0, 42),
  });

  const anna = contacts[0];
  if (anna) {
    addEvent(store, {
      contactId: anna.id,
      type: signup,
      payload: { source: "store" },
      createdAt: "2026-01-02T09:25:00.000Z",
    });
    addEvent(store, {
      contactId: anna.id,
      type: orderPaid,
      payload: { orderId: "4811", total: 89.5, currency: "PLN" },
      idempotencyKey: "order-4811-paid",
      createdAt: "2026-02-14T12:05:00.000Z",
    });
    addEvent(store, {
      contactId: anna.id,
      type: orderShipped,
      payload: { orderId: "4811", carrier: "InPost" },
      createdAt: "2026-02-15T08:30:00.000Z",
    });
    addEvent(store, {
      id: DEMO_IDS.annaOrder4819,
      contactId: anna.id,
      type: orderPaid,
      payload: { orderId: "4819", total: 129.99, currency: "PLN" },
      idempotencyKey: "order-4819-paid",
      createdAt: "2026-04-30T10:40:00.000Z",
    });
  }
  // Customers further down the list paid orders 4830, 4833, ... a week after joining.
  let orderNumber = 4830;
  for (const contact of contacts.slice(1)) {
    if (contact.customFields.lifecycleStage !== "customer") continue;
    const paidAt = Date.parse(contact.createdAt) + 7 * DAY_MS;
    const orderId = String(orderNumber);
    addEvent(store, {
      contactId: contact.id,
      type: orderPaid,
      payload: { orderId, total: 40 + (orderNumber % 17) * 10.5, currency: "PLN" },
      idempotencyKey: `order-${orderId}-paid`,
      createdAt: new Date(paidAt).toISOString(),
    });
    orderNumber += 3;
  }
}

function ascii(text: string): string {
  return asciiWords(text).join(".");
}

/** Small, well-known seeded PRNG; returns floats in [0, 1). */
function mulberry32(seedValue: number): () => number {
  let state = seedValue >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
