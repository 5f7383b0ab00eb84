// Messaging: sends, media uploads and conversations. Delivery state and the 24-hour
// customer-service window are computed from timestamps on every read, so the sandbox
// needs no timers and behaves the same under a fixed clock.

import { createContact, isE164 } from "../contact-model.js";
import {
  ALL_ROLES,
  badRequest,
  bodyObject,
  type Caller,
  conflict,
  type FieldViolation,
  invalid,
  isRecord,
  noContent,
  notFound,
  ok,
  page,
  queryBool,
  queryEnum,
  queryList,
  type Reply,
  type Route,
} from "../framework.js";
import type {
  Channel,
  Contact,
  Conversation,
  ConversationWindow,
  Inbox,
  Media,
  Message,
  MessageStatus,
  Store,
} from "../store.js";

/** Outbound messages advance accepted → sent → delivered this long after creation. */
const SENT_AFTER_MS = 500;
const DELIVERED_AFTER_MS = 1500;
const WINDOW_MS = 24 * 60 * 60 * 1000;
/** Channels whose providers only allow free-form replies within 24 h of the customer's last message. */
const WINDOWED: ReadonlySet<Channel> = new Set(["whatsapp", "messenger", "instagram"]);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_TEXT = 4096;
const MAX_MEDIA_BYTES = 16 * 1024 * 1024;
const STATUSES = ["open", "closed", "pending"] as const;

type Content =
  | { type: "text"; text: string }
  | { type: "template"; template: { name: string; language: string; components?: unknown[] } }
  | { type: "media"; media: { mediaId: string; caption?: string } };

export function routes(store: Store): Route[] {
  return [
    {
      method: "POST",
      path: "/messages",
      roles: ALL_ROLES,
      handle: (ctx) =>
        idempotent(
          store,
          "message",
          ctx.headers["idempotency-key"],
          () => {
            const body = bodyObject(ctx);
            const errors: FieldViolation[] = [];
            const inbox = readInbox(store, body.inboxId, errors);
            const target = readRecipient(store, ctx.caller, body, inbox, errors);
            const content = readContent(store, body.content, inbox, errors);
            if (errors.length > 0 || !inbox || !target || !content) throw invalid(errors);
            const conversation = destination(store, target, inbox, content);
            return ok(messageView(store, send(store, conversation, inbox, content, ctx.caller)), 202);
          },
          currentMessage(store),
        ),
    },
    {
      method: "GET",
      path: "/messages/{id}",
      roles: ALL_ROLES,
      handle: (ctx) => ok(messageView(store, visibleMessage(store, ctx.caller, ctx.params.id ?? ""))),
    },
    {
      method: "POST",
      path: "/messages/{id}/reactions",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const message = visibleMessage(store, ctx.caller, ctx.params.id ?? "");
        const emoji = bodyObject(ctx).emoji;
        if (typeof emoji !== "string")
          throw invalid([{ field: "emoji", message: 'must be a string; send "" to remove' }]);
        if (graphemes(emoji) > 1) throw invalid([{ field: "emoji", message: "must be a single emoji" }]);
        const others = (message.reactions ?? []).filter((r) => r.userId !== ctx.caller.userId);
        message.reactions = emoji === "" ? others : [...others, { emoji, userId: ctx.caller.userId }];
        message.updatedAt = store.now();
        return ok(messageView(store, message));
      },
    },
    {
      method: "POST",
      path: "/media/uploads",
      roles: ALL_ROLES,
      handle: (ctx) =>
        idempotent(store, "media", ctx.headers["idempotency-key"], () => {
          const file = ctx.multipart?.files.file;
          if (!file) {
            throw invalid([{ field: "file", message: "is required: send multipart/form-data with a `file` part" }]);
          }
          if (file.data.length === 0) throw invalid([{ field: "file", message: "must not be empty" }]);
          if (file.data.length > MAX_MEDIA_BYTES) {
            throw invalid([{ field: "file", message: `must be at most ${MAX_MEDIA_BYTES} bytes` }]);
          }
          const media: Media = {
            id: store.id("med"),
            filename: file.filename || "upload",
            mimeType: file.type || "application/octet-stream",
            size: file.data.length,
            createdAt: store.now(),
          };
          store.media.set(media.id, media);
          return ok({ mediaId: media.id, filename: media.filename, mimeType: media.mimeType, size: media.size }, 201);
        }),
    },
    {
      method: "GET",
      path: "/conversations",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const statuses = queryList(ctx.query, "status");
        const bad = statuses.find((s) => !STATUSES.some((allowed) => allowed === s));
        if (bad !== undefined) throw invalid([{ field: "status", message: `must be among ${STATUSES.join(", ")}` }]);
        const interacted = queryBool(ctx.query, "interacted");
        const sort = queryEnum(ctx.query, "sort", ["newest", "oldest", "unread"] as const, "newest");
        const items = visibleConversations(store, ctx.caller)
          .filter((c) => statuses.length === 0 || statuses.includes(c.status))
          .filter((c) => interacted === undefined || hasInteraction(store, c) === interacted)
          .sort((a, b) => {
            if (sort === "unread" && a.unreadCount !== b.unreadCount) return b.unreadCount - a.unreadCount;
            const order = a.lastMessageAt.localeCompare(b.lastMessageAt);
            return sort === "oldest" ? order : -order;
          });
        const { items: slice, ...rest } = page(items, ctx.query);
        return ok({ conversations: slice.map((c) => conversationView(store, c)), ...rest });
      },
    },
    {
      method: "GET",
      path: "/conversations/{id}",
      roles: ALL_ROLES,
      handle: (ctx) => ok(conversationView(store, visibleConversation(store, ctx.caller, ctx.params.id ?? ""))),
    },
    {
      method: "GET",
      path: "/conversations/{id}/messages",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const conversation = visibleConversation(store, ctx.caller, ctx.params.id ?? "");
        const messages = messagesOf(store, conversation.id).reverse();
        const { items, ...rest } = page(messages, ctx.query);
        return ok({ messages: items.map((m) => messageView(store, m)), ...rest });
      },
    },
    {
      method: "POST",
      path: "/conversations/{id}/messages",
      roles: ALL_ROLES,
      handle: (ctx) =>
        idempotent(
          store,
          "message",
          ctx.headers["idempotency-key"],
          () => {
            const conversation = visibleConversation(store, ctx.caller, ctx.params.id ?? "");
            const body = bodyObject(ctx);
            const errors: FieldViolation[] = [];
            const inbox =
              body.inboxId === undefined
                ? store.inboxes.get(conversation.inboxId)
                : readInbox(store, body.inboxId, errors);
            if (!inbox && body.inboxId === undefined) {
              errors.push({ field: "inboxId", message: "the conversation's inbox no longer exists; pass an inboxId" });
            }
            if (inbox && inbox.channel !== conversation.channel) {
              errors.push({
                field: "inboxId",
                message: `must be a ${conversation.channel} inbox, like the conversation`,
              });
            }
            const content = readContent(store, body.content, inbox, errors);
            if (errors.length > 0 || !inbox || !content) throw invalid(errors);
            assertWindowOpen(store, conversation.channel, conversation.id, content);
            return ok(messageView(store, send(store, conversation, inbox, content, ctx.caller)), 202);
          },
          currentMessage(store),
        ),
    },
    {
      method: "POST",
      path: "/conversations/{id}/reassign",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const conversation = visibleConversation(store, ctx.caller, ctx.params.id ?? "");
        const userId = bodyObject(ctx).userId;
        if (typeof userId !== "string" || userId === "") throw invalid([{ field: "userId", message: "is required" }]);
        if (!store.users.has(userId)) throw notFound("user", userId);
        conversation.assigneeId = userId;
        return noContent();
      },
    },
    {
      method: "POST",
      path: "/conversations/{id}/read",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const conversation = visibleConversation(store, ctx.caller, ctx.params.id ?? "");
        const messageId = bodyObject(ctx).messageId;
        if (typeof messageId !== "string" || messageId === "") {
          throw invalid([{ field: "messageId", message: "is required: the newest message id the user has seen" }]);
        }
        const messages = messagesOf(store, conversation.id);
        const index = messages.findIndex((m) => m.id === messageId);
        if (index < 0) throw notFound("message", messageId);
        const unread = messages.slice(index + 1).filter((m) => m.direction === "inbound").length;
        if (unread !== conversation.unreadCount) {
          conversation.unreadCount = unread;
          store.unreadVersion += 1;
        }
        return ok({ conversationId: conversation.id, lastReadMessageId: messageId, unreadCount: unread });
      },
    },
    {
      method: "POST",
      path: "/conversations/{id}/close",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const conversation = visibleConversation(store, ctx.caller, ctx.params.id ?? "");
        if (conversation.status === "closed") {
          throw conflict("conversation_already_closed", `Conversation ${conversation.id} is already closed.`);
        }
        conversation.status = "closed";
        if (conversation.unreadCount > 0) {
          conversation.unreadCount = 0;
          store.unreadVersion += 1;
        }
        return ok(conversationView(store, conversation));
      },
    },
  ];
}

// ---- Scope: agents see conversations assigned to them, unassigned ones, and their teams' inboxes ----

export function visibleConversations(store: Store, caller: Caller): Conversation[] {
  const all = [...store.conversations.values()];
  if (caller.role !== "agent") return all;
  const teamIds = store.users.get(caller.userId)?.teamIds ?? [];
  return all.filter((c) => {
    if (c.assigneeId === undefined || c.assigneeId === caller.userId) return true;
    const teamId = store.inboxes.get(c.inboxId)?.teamId;
    return typeof teamId === "string" && teamIds.includes(teamId);
  });
}

function visibleConversation(store: Store, caller: Caller, id: string): Conversation {
  const conversation = visibleConversations(store, caller).find((c) => c.id === id);
  if (!conversation) throw notFound("conversation", id);
  return conversation;
}

function visibleMessage(store: Store, caller: Caller, id: string): Message {
  const message = store.messages.get(id);
  const visible = message && visibleConversations(store, caller).some((c) => c.id === message.conversationId);
  if (!message || !visible) throw notFound("message", id);
  return message;
}

/** A conversation's messages, oldest first. */
function messagesOf(store: Store, conversationId: string): Message[] {
  return [...store.messages.values()]
    .filter((m) => m.conversationId === conversationId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** A teammate (not an automation) has written in the conversation. */
function hasInteraction(store: Store, conversation: Conversation): boolean {
  for (const m of store.messages.values()) {
    if (m.conversationId === conversation.id && m.direction === "outbound" && m.authorId !== undefined) return true;
  }
  return false;
}

// ---- Window and delivery state ----

/** The window of a conversation on `channel`; a conversation not started yet (`undefined`) has had no inbound message. */
function windowOf(store: Store, channel: Channel, conversationId: string | undefined): ConversationWindow {
  if (!WINDOWED.has(channel)) return { canSend: true };
  let lastInbound: string | undefined;
  for (const m of store.messages.values()) {
    if (
      m.conversationId === conversationId &&
      m.direction === "inbound" &&
      (!lastInbound || m.createdAt > lastInbound)
    ) {
      lastInbound = m.createdAt;
    }
  }
  const template = channel === "whatsapp" ? " Send an approved WhatsApp template instead." : "";
  if (lastInbound === undefined) {
    return { canSend: false, reason: `The customer has not written in this conversation yet.${template}` };
  }
  const expiresAt = new Date(Date.parse(lastInbound) + WINDOW_MS).toISOString();
  if (Date.parse(store.now()) < Date.parse(expiresAt)) return { canSend: true, expiresAt };
  return {
    canSend: false,
    reason: `The 24-hour window since the customer's last message closed at ${expiresAt}.${template}`,
    expiresAt,
  };
}

function deliveryState(store: Store, message: Message): { status: MessageStatus; updatedAt: string } {
  const updatedAt = message.updatedAt ?? message.createdAt;
  if (message.direction !== "outbound" || message.status !== "accepted") return { status: message.status, updatedAt };
  const created = Date.parse(message.createdAt);
  const elapsed = Date.parse(store.now()) - created;
  if (elapsed >= DELIVERED_AFTER_MS) {
    return { status: "delivered", updatedAt: new Date(created + DELIVERED_AFTER_MS).toISOString() };
  }
  if (elapsed >= SENT_AFTER_MS) return { status: "sent", updatedAt: new Date(created + SENT_AFTER_MS).toISOString() };
  return { status: "accepted", updatedAt };
}

function messageView(store: Store, message: Message) {
  const { status, updatedAt } = deliveryState(store, message);
  return {
    id: message.id,
    conversationId: message.conversationId,
    contactId: store.conversations.get(message.conversationId)?.contactId ?? null,
    inboxId: message.inboxId ?? null,
    direction: message.direction,
    content: message.content,
    status,
    authorId: message.authorId ?? null,
    reactions: message.reactions ?? [],
    createdAt: message.createdAt,
    updatedAt,
  };
}

function conversationView(store: Store, conversation: Conversation) {
  const last = messagesOf(store, conversation.id).at(-1);
  return {
    id: conversation.id,
    contactId: conversation.contactId,
    inboxId: conversation.inboxId,
    channel: conversation.channel,
    status: conversation.status,
    assigneeId: conversation.assigneeId ?? null,
    unreadCount: conversation.unreadCount,
    lastMessageAt: conversation.lastMessageAt,
    lastMessage: last ? messageView(store, last) : null,
    window: windowOf(store, conversation.channel, conversation.id),
    createdAt: conversation.createdAt,
  };
}

// ---- Sending ----

/** 409 for free-form content outside the 24-hour window; `conversationId` is undefined for a conversation not started yet. */
function assertWindowOpen(store: Store, channel: Channel, conversationId: string | undefined, content: Content): void {
  if (content.type === "template" || windowOf(store, channel, conversationId).canSend) return;
  const next =
    channel === "whatsapp"
      ? "Send a template message (content.type 'template'; list them with GET /inboxes/{id}/whatsapp/templates)."
      : "Wait for the customer to write again.";
  const which = conversationId === undefined ? "A new conversation" : `Conversation ${conversationId}`;
  throw conflict(
    "conversation_window_closed",
    `${which} is outside its 24-hour window: free-form ${content.type} messages are refused. ${next}`,
  );
}

function send(store: Store, conversation: Conversation, inbox: Inbox, content: Content, caller: Caller): Message {
  const now = store.now();
  const message: Message = {
    id: store.id("msg"),
    conversationId: conversation.id,
    inboxId: inbox.id,
    direction: "outbound",
    content: { ...content },
    status: "accepted",
    authorId: caller.userId,
    reactions: [],
    createdAt: now,
  };
  store.messages.set(message.id, message);
  conversation.lastMessageAt = now;
  conversation.status = "open";
  conversation.window = windowOf(store, conversation.channel, conversation.id);
  return message;
}

/**
 * The conversation a send to `target` goes to. The window is checked before anything is created,
 * so a refused send leaves no new contact or conversation behind.
 */
function destination(store: Store, target: Recipient, inbox: Inbox, content: Content): Conversation {
  if (target.kind === "conversation") {
    assertWindowOpen(store, target.conversation.channel, target.conversation.id, content);
    return target.conversation;
  }
  const current = target.kind === "contact" ? currentConversation(store, target.contact, inbox) : undefined;
  assertWindowOpen(store, inbox.channel, current?.id, content);
  if (current) return current;
  const contact = target.kind === "contact" ? target.contact : newContact(store, inbox.channel, target.address);
  return startConversation(store, contact, inbox);
}

/** The contact's open conversation on this inbox, else its latest one. */
function currentConversation(store: Store, contact: Contact, inbox: Inbox): Conversation | undefined {
  const existing = [...store.conversations.values()]
    .filter((c) => c.contactId === contact.id && c.inboxId === inbox.id)
    .sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt));
  return existing.find((c) => c.status !== "closed") ?? existing[0];
}

/** A business-initiated conversation: on a windowed channel its window starts closed. */
function startConversation(store: Store, contact: Contact, inbox: Inbox): Conversation {
  const now = store.now();
  const conversation: Conversation = {
    id: store.id("conv"),
    contactId: contact.id,
    inboxId: inbox.id,
    channel: inbox.channel,
    status: "open",
    unreadCount: 0,
    lastMessageAt: now,
    window: { canSend: !WINDOWED.has(inbox.channel) },
    createdAt: now,
  };
  store.conversations.set(conversation.id, conversation);
  return conversation;
}

// ---- Reading the request ----

function readInbox(store: Store, value: unknown, errors: FieldViolation[]): Inbox | undefined {
  if (typeof value !== "string" || value === "") {
    errors.push({ field: "inboxId", message: "is required: the sending inbox id from GET /inboxes" });
    return undefined;
  }
  const inbox = store.inboxes.get(value);
  if (!inbox) errors.push({ field: "inboxId", message: `no inbox ${value} in this workspace; see GET /inboxes` });
  return inbox;
}

/** Whom a send names; an `address` no contact holds yet becomes a contact only when the send is accepted. */
type Recipient =
  | { kind: "conversation"; conversation: Conversation }
  | { kind: "contact"; contact: Contact }
  | { kind: "address"; address: string };

function readRecipient(
  store: Store,
  caller: Caller,
  body: Record<string, unknown>,
  inbox: Inbox | undefined,
  errors: FieldViolation[],
): Recipient | undefined {
  const given = (["conversationId", "contactId", "to"] as const).filter((key) => body[key] !== undefined);
  if (given.length !== 1) {
    errors.push({
      field: given.length === 0 ? "to" : given.join(", "),
      message: "give exactly one recipient: conversationId, contactId, or to: {channel, address}",
    });
    return undefined;
  }
  if (body.conversationId !== undefined) {
    const id = body.conversationId;
    const conversation = visibleConversations(store, caller).find((c) => c.id === id);
    if (!conversation) {
      errors.push({ field: "conversationId", message: `no conversation ${String(id)}; see GET /conversations` });
      return undefined;
    }
    if (inbox && conversation.inboxId !== inbox.id) {
      errors.push({ field: "conversationId", message: `belongs to inbox ${conversation.inboxId}, not ${inbox.id}` });
      return undefined;
    }
    return { kind: "conversation", conversation };
  }
  if (body.contactId !== undefined) {
    const id = body.contactId;
    const contact = typeof id === "string" ? store.liveContact(id) : undefined;
    if (!contact) {
      errors.push({ field: "contactId", message: `no contact ${String(id)}; see GET /contacts` });
      return undefined;
    }
    if (inbox && !contact.identities.some((identity) => identity.channel === inbox.channel)) {
      errors.push({ field: "contactId", message: `contact ${contact.id} has no ${inbox.channel} identity` });
      return undefined;
    }
    return { kind: "contact", contact };
  }
  return readChannelRecipient(store, body.to, inbox, errors);
}

function readChannelRecipient(
  store: Store,
  to: unknown,
  inbox: Inbox | undefined,
  errors: FieldViolation[],
): Recipient | undefined {
  if (!isRecord(to)) {
    errors.push({ field: "to", message: "must be an object {channel, address}" });
    return undefined;
  }
  const { channel, address } = to;
  if (typeof channel !== "string" || channel === "") {
    errors.push({ field: "to.channel", message: "is required" });
    return undefined;
  }
  if (inbox && channel !== inbox.channel) {
    errors.push({ field: "to.channel", message: `must be ${inbox.channel}, the channel of inbox ${inbox.id}` });
    return undefined;
  }
  if (typeof address !== "string" || address === "") {
    errors.push({ field: "to.address", message: "is required" });
    return undefined;
  }
  if ((channel === "whatsapp" || channel === "sms") && !isE164(address)) {
    errors.push({ field: "to.address", message: "must be a valid E.164 phone number (+48123456789)" });
    return undefined;
  }
  if (channel === "email" && !EMAIL.test(address)) {
    errors.push({ field: "to.address", message: "must be an email address" });
    return undefined;
  }
  if (!inbox) return undefined;
  const contact = contactByAddress(store, inbox.channel, address);
  return contact ? { kind: "contact", contact } : { kind: "address", address };
}

/** The live contact holding this channel address, if any. */
function contactByAddress(store: Store, channel: Channel, address: string): Contact | undefined {
  return [...store.contacts.values()].find(
    (contact) =>
      contact.deletedAt === null &&
      contact.identities.some(
        (identity) => identity.channel === channel && Object.values(identity.metadata).includes(address),
      ),
  );
}

/** A contact for a first send to an address, as the real API creates one on first contact. */
function newContact(store: Store, channel: Channel, address: string): Contact {
  const key = channel === "whatsapp" || channel === "sms" ? "phoneNumber" : channel === "email" ? "email" : "userId";
  const contact = createContact(store, { name: address });
  contact.identities.push({ id: store.id("idn"), channel, metadata: { [key]: address } });
  return contact;
}

function readContent(
  store: Store,
  value: unknown,
  inbox: Inbox | undefined,
  errors: FieldViolation[],
): Content | undefined {
  if (!isRecord(value)) {
    errors.push({ field: "content", message: "is required: {type: 'text'|'template'|'media', ...}" });
    return undefined;
  }
  switch (value.type) {
    case "text": {
      const text = value.text;
      if (typeof text !== "string" || text.trim() === "") {
        errors.push({ field: "content.text", message: "is required for text content" });
        return undefined;
      }
      if (text.length > MAX_TEXT) {
        errors.push({ field: "content.text", message: `must be at most ${MAX_TEXT} characters` });
        return undefined;
      }
      return { type: "text", text };
    }
    case "template":
      return readTemplate(store, value.template, inbox, errors);
    case "media": {
      const media = value.media;
      const mediaId = isRecord(media) ? media.mediaId : undefined;
      if (typeof mediaId !== "string" || mediaId === "") {
        errors.push({ field: "content.media.mediaId", message: "is required: upload with POST /media/uploads first" });
        return undefined;
      }
      if (!store.media.has(mediaId)) {
        errors.push({ field: "content.media.mediaId", message: `no uploaded media ${mediaId}; upload it first` });
        return undefined;
      }
      const caption = isRecord(media) ? media.caption : undefined;
      if (caption !== undefined && typeof caption !== "string") {
        errors.push({ field: "content.media.caption", message: "must be a string" });
        return undefined;
      }
      return { type: "media", media: caption === undefined ? { mediaId } : { mediaId, caption } };
    }
    default:
      errors.push({ field: "content.type", message: "must be one of text, template, media" });
      return undefined;
  }
}

function readTemplate(
  store: Store,
  value: unknown,
  inbox: Inbox | undefined,
  errors: FieldViolation[],
): Content | undefined {
  const name = isRecord(value) ? value.name : undefined;
  const language = isRecord(value) ? value.language : undefined;
  const components = isRecord(value) ? value.components : undefined;
  const before = errors.length;
  if (typeof name !== "string" || name === "") errors.push({ field: "content.template.name", message: "is required" });
  if (typeof language !== "string" || language === "") {
    errors.push({ field: "content.template.language", message: "is required, e.g. pl or en_US" });
  }
  if (components !== undefined && (!Array.isArray(components) || !components.every(isRecord))) {
    errors.push({ field: "content.template.components", message: "must be an array of objects" });
  }
  if (errors.length > before || typeof name !== "string" || typeof language !== "string") return undefined;
  if (!inbox) return undefined;
  if (inbox.channel !== "whatsapp") {
    errors.push({
      field: "content.type",
      message: `template content needs a WhatsApp inbox; ${inbox.id} is ${inbox.channel}`,
    });
    return undefined;
  }
  const template = [...store.whatsappTemplates.values()].find(
    (t) => t.inboxId === inbox.id && t.name === name && t.language === language,
  );
  if (!template) {
    errors.push({
      field: "content.template.name",
      message: `no template ${name} (${language}) on inbox ${inbox.id}; see GET /inboxes/${inbox.id}/whatsapp/templates`,
    });
    return undefined;
  }
  if (template.status !== "approved") {
    errors.push({
      field: "content.template.name",
      message: `template ${name} (${language}) is ${template.status}, not approved`,
    });
    return undefined;
  }
  const list: unknown[] = Array.isArray(components) ? components : [];
  const expected = placeholderCount(template.body ?? "");
  const given = bodyParameterCount(list);
  if (expected !== given) {
    errors.push({
      field: "content.template.components",
      message: `template ${name} expects ${expected} body parameter(s), got ${given}: [{type: 'body', parameters: [{type: 'text', text}]}]`,
    });
    return undefined;
  }
  return { type: "template", template: list.length > 0 ? { name, language, components: list } : { name, language } };
}

const segmenter = new Intl.Segmenter();
function graphemes(text: string): number {
  return [...segmenter.segment(text)].length;
}

/** Distinct `{{n}}` placeholders in a template body. */
function placeholderCount(body: string): number {
  return new Set(body.match(/\{\{\s*\d+\s*\}\}/g) ?? []).size;
}

function bodyParameterCount(components: unknown[]): number {
  let count = 0;
  for (const component of components) {
    if (isRecord(component) && String(component.type).toLowerCase() === "body" && Array.isArray(component.parameters)) {
      count += component.parameters.length;
    }
  }
  return count;
}

// ---- Idempotency ----

/**
 * Replays the first answer given for an `Idempotency-Key`, so a retried POST never acts twice.
 * `refresh` re-renders a replayed answer whose resource has moved on (a message's delivery state).
 */
function idempotent(
  store: Store,
  scope: string,
  header: string | string[] | undefined,
  act: () => Reply,
  refresh: (reply: Reply) => Reply = (reply) => reply,
): Reply {
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined || key === "") return act();
  if (key.length > 255) throw badRequest("invalid_idempotency_key", "Idempotency-Key is too long.");
  const slot = `${scope}:${key}`;
  const previous = store.idempotency.get(slot);
  if (isReply(previous)) return refresh(previous);
  const reply = act();
  store.idempotency.set(slot, reply);
  return reply;
}

function isReply(value: unknown): value is Reply {
  return isRecord(value) && typeof value.status === "number";
}

/** A replayed send shows the message as it is now, not as it was when first accepted. */
function currentMessage(store: Store): (reply: Reply) => Reply {
  return (reply) => {
    const id = isRecord(reply.body) ? reply.body.id : undefined;
    const message = typeof id === "string" ? store.messages.get(id) : undefined;
    return message ? ok(messageView(store, message), reply.status) : reply;
  };
}
