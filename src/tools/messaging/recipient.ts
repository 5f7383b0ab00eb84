// send_message's preview: what it sends to whom, and whether that recipient
// already has a conversation with us. A message in one is a reply; one that
// starts a conversation asks first by default, so an instruction hidden in an
// inbound message cannot send our data to a new number unasked.

import { PagingLimitError } from "../../client/errors.js";
import { contactShape } from "../../client/shapes.js";
import type { Preview, ToolContext } from "../types.js";

/** Conversations read at most to find one with the recipient; past that the recipient counts as new (asks). */
const CONVERSATION_PAGES = 20;
/** Contacts read at most to find who an address belongs to. */
const CONTACT_PAGES = 5;

export async function recipientPreview(args: Readonly<Record<string, unknown>>, ctx: ToolContext): Promise<Preview> {
  const what = contentOf(args.content);
  if (typeof args.conversationId === "string") {
    return { action: `Send ${what} in conversation ${args.conversationId}`, newRecipient: false };
  }
  const to = recipientOf(args.to);
  const contacts = typeof args.contactId === "string" ? [args.contactId] : to ? await contactsAt(to, ctx) : [];
  const known = contacts.length > 0 && (await inConversation(new Set(contacts), ctx));
  const who =
    typeof args.contactId === "string" ? `contact ${args.contactId}` : to ? `${to.channel} ${to.address}` : "?";
  return { action: `Send ${what} to ${who}`, newRecipient: !known };
}

/** A message's content in a few words: the text's start, the template's name, or the media. */
function contentOf(content: unknown): string {
  const c = (content ?? {}) as { type?: unknown; text?: unknown; template?: { name?: unknown } };
  if (c.type === "text" && typeof c.text === "string") {
    return `"${c.text.length > 120 ? `${c.text.slice(0, 119)}…` : c.text}"`;
  }
  if (c.type === "template") return `template ${String(c.template?.name ?? "")}`;
  return `a ${String(c.type ?? "")} message`;
}

function recipientOf(to: unknown): { channel: string; address: string } | undefined {
  const { channel, address } = (to ?? {}) as { channel?: unknown; address?: unknown };
  return typeof channel === "string" && typeof address === "string" ? { channel, address } : undefined;
}

/** Contacts with an identity on `channel` at `address` (the list's search covers identity phones and emails). */
async function contactsAt(to: { channel: string; address: string }, ctx: ToolContext): Promise<string[]> {
  const wanted = bare(to.address);
  const found: string[] = [];
  const pages = ctx.client.paginate(
    { method: "GET", path: "/contacts", query: { search: wanted, pageSize: 100 }, signal: ctx.signal },
    "contacts",
    { maxPages: CONTACT_PAGES },
  );
  await readUpTo(pages, (item) => {
    const contact = contactShape.safeParse(item);
    const identities = (contact.data?.identities ?? []) as { channel?: unknown; metadata?: Record<string, unknown> }[];
    const reached = identities.some(
      (identity) =>
        identity.channel === to.channel &&
        Object.values(identity.metadata ?? {}).some((v) => typeof v === "string" && bare(v) === wanted),
    );
    if (contact.data && reached) found.push(contact.data.id);
    return false;
  });
  return found;
}

/** Whether one of `contacts` has a conversation the caller can see. */
async function inConversation(contacts: ReadonlySet<string>, ctx: ToolContext): Promise<boolean> {
  const pages = ctx.client.paginate(
    { method: "GET", path: "/conversations", query: { pageSize: 100 }, signal: ctx.signal },
    "conversations",
    { maxPages: CONVERSATION_PAGES },
  );
  return readUpTo(pages, (item) => {
    const contactId = (item as { contactId?: unknown } | null)?.contactId;
    return typeof contactId === "string" && contacts.has(contactId);
  });
}

/** Reads items until `found` says so; the listing's bound ends the search as not found. */
async function readUpTo(items: AsyncIterable<unknown>, found: (item: unknown) => boolean): Promise<boolean> {
  try {
    for await (const item of items) if (found(item)) return true;
  } catch (err) {
    if (!(err instanceof PagingLimitError)) throw err;
  }
  return false;
}

/** An address as compared: case and separators do not matter (+48 123-456-789 is +48123456789). */
function bare(address: string): string {
  return address.replace(/[\s\-().]/g, "").toLowerCase();
}
