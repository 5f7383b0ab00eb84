// Contact creation and phone validation, shared by the contacts routes, the CSV
// import and the seed so all three build contacts the same way.

import type { Contact, Store } from "./store.js";

const E164 = /^\+[1-9]\d{6,14}$/;
export const E164_MESSAGE = "must be a valid E.164 phone number";

export interface ContactInput {
  name: string;
  phone?: string;
  email?: string;
  /** Already keyed by field key and validated. */
  customFields?: Record<string, string>;
  tagIds?: string[];
  createdAt?: string;
  archivedAt?: string | null;
  id?: string;
}

/** Creates a contact; a phone becomes a WhatsApp identity, an email an email identity. */
export function createContact(store: Store, input: ContactInput): Contact {
  const createdAt = input.createdAt ?? store.now();
  const contact: Contact = {
    id: input.id ?? store.id("con"),
    name: input.name,
    createdAt,
    updatedAt: createdAt,
    identities: [],
    tagIds: [...(input.tagIds ?? [])],
    customFields: { ...input.customFields },
    archivedAt: input.archivedAt ?? null,
    deletedAt: null,
  };
  if (input.phone !== undefined) {
    contact.identities.push({ id: store.id("idn"), channel: "whatsapp", metadata: { phoneNumber: input.phone } });
  }
  if (input.email !== undefined) {
    contact.identities.push({ id: store.id("idn"), channel: "email", metadata: { email: input.email } });
  }
  store.contacts.set(contact.id, contact);
  return contact;
}

export function isE164(phone: string): boolean {
  return E164.test(phone);
}
