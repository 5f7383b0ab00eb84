// The sandbox's in-memory workspace: one typed Map (or array) per API resource,
// a deterministic id generator and a clock. Route modules read and write it
// directly; nothing here knows about HTTP.

import type { Role } from "./framework.js";

export type Channel = "whatsapp" | "messenger" | "instagram" | "sms" | "email" | "webchat";
export const CHANNELS: readonly Channel[] = ["whatsapp", "messenger", "instagram", "sms", "email", "webchat"];

// ---- Contacts, tags, custom fields, imports ----

export interface Identity {
  id: string;
  channel: Channel;
  /** e.g. `{ phoneNumber: "+48123456789" }` for whatsapp/sms, `{ email }` for email. */
  metadata: Record<string, string>;
}

export interface Contact {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  identities: Identity[];
  tagIds: string[];
  /** Values keyed by their field's key (`fieldKey`: `cf_lifecycle_stage` → `lifecycleStage`), as in the reference. */
  customFields: Record<string, string>;
  archivedAt: string | null;
  /** Soft delete: a deleted contact is invisible to every endpoint but kept for history. */
  deletedAt: string | null;
}

export interface Tag {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string;
}

export type FieldType = "text" | "date";
export type EntityType = "contact" | "property";

export interface CustomFieldDefinition {
  id: string;
  name: string;
  type: FieldType;
  createdAt: string;
  createdBy: string;
  predefined: boolean;
  entityType: EntityType;
}

export type ImportState = "pending" | "processing" | "completed" | "failed";

export interface ImportRowError {
  /** 1-based CSV line: the header is row 1, so the first data row is row 2. */
  row: number;
  column: string;
  message: string;
}

export interface ContactImport {
  id: string;
  status: ImportState;
  totalRows: number;
  successCount: number;
  failedCount: number;
  errors: ImportRowError[];
  createdAt: string;
}

// ---- Events ----

export interface EventType {
  id: string;
  name: string;
  description?: string;
  payloadSchema?: Record<string, unknown>;
  /** Not shown by the API; the reference says only that a predefined type cannot be deleted. */
  predefined: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface EventRecord {
  id: string;
  contactId: string;
  eventTypeId: string;
  eventTypeName: string;
  payload: Record<string, unknown>;
  idempotencyKey?: string;
  createdAt: string;
}

// ---- Users, teams, inboxes ----

export interface User {
  id: string;
  name: string;
  email: string;
  role: Role;
  avatarUrl?: string;
  teamIds: string[];
  createdAt: string;
}

export interface Team {
  id: string;
  name: string;
  description?: string;
  agentIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface Inbox {
  id: string;
  name: string;
  channel: Channel;
  /** Sender address for the channel: E.164 phone for whatsapp/sms, page id, email address... */
  address?: string;
  teamId: string | null;
  createdAt: string;
}

export interface WhatsAppTemplate {
  id: string;
  inboxId: string;
  name: string;
  language: string;
  status: "approved" | "pending" | "rejected";
  category?: string;
  body?: string;
}

// ---- Conversations and messages ----

export interface ConversationWindow {
  canSend: boolean;
  reason?: string;
  expiresAt?: string;
}

export interface Conversation {
  id: string;
  contactId: string;
  inboxId: string;
  channel: Channel;
  status: "open" | "pending" | "closed";
  assigneeId?: string;
  unreadCount: number;
  lastMessageAt: string;
  window: ConversationWindow;
  createdAt: string;
}

export type MessageStatus = "accepted" | "sent" | "delivered" | "read" | "failed";

export interface Message {
  id: string;
  conversationId: string;
  inboxId?: string;
  direction: "inbound" | "outbound";
  /** The request's content object, kept open (text, media, template...). */
  content: Record<string, unknown>;
  status: MessageStatus;
  authorId?: string;
  reactions?: { emoji: string; userId?: string }[];
  createdAt: string;
  updatedAt?: string;
}

export interface Media {
  id: string;
  filename: string;
  mimeType: string;
  size: number;
  createdAt: string;
}

// ---- Automation ----

export interface FlowVersion {
  id: string;
  version: number;
  definition: Record<string, unknown>;
  createdAt: string;
}

/** Journeys and chatbots share this shape: a draft definition plus published versions. */
export interface Flow {
  id: string;
  name: string;
  description?: string;
  status: "draft" | "active" | "paused";
  /** The published version that runs while active (set by activate). */
  activeVersionId?: string;
  /** Chatbots only: teams whose conversations the bot answers. */
  teamIds?: string[];
  definition: Record<string, unknown>;
  versions: FlowVersion[];
  createdAt: string;
  updatedAt: string;
}
export type Journey = Flow;
export type Chatbot = Flow;

// ---- Access and webhooks ----

export interface ServiceAccount {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  serviceAccountId: string;
  name: string;
  /** First characters of the secret, shown in listings; the secret itself is returned once on create. */
  prefix: string;
  /** SHA-256 of the secret (hex), what a bearer token is checked against; the secret itself is never kept. */
  digest: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface WebhookSettings {
  url: string;
  events: string[];
  enabled: boolean;
  updatedAt: string;
}

export interface WebhookAttempt {
  id: string;
  eventId: string;
  eventType: string;
  url: string;
  status: "succeeded" | "failed";
  responseStatus: number | null;
  createdAt: string;
}

export interface SigningKey {
  id: string;
  /** `whsec_...` secret, Standard Webhooks format. */
  secret: string;
  status: "active" | "expiring" | "expired";
  createdAt: string;
  expiresAt: string | null;
}

/** Users the three sandbox bearer tokens act as (seed-others creates these users). */
export const SANDBOX_USER_IDS: Readonly<Record<Role, string>> = {
  owner: "usr_01HV8Y3K2R6G7K3F5B9N8M1Q0",
  admin: "usr_01HV8Y3K2R6G7K3F5B9N8M1Q1",
  agent: "usr_01HV8Y3K2R6G7K3F5B9N8M1Q2",
};

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export interface StoreOptions {
  /** Fixed clock for reproducible runs; default is the wall clock. */
  clock?: () => Date;
}

export class Store {
  readonly tenantId = "tn_01HV8Y1N3QPY9X2HBQ1M9E8D0";

  readonly contacts = new Map<string, Contact>();
  readonly tags = new Map<string, Tag>();
  readonly contactFields = new Map<string, CustomFieldDefinition>();
  readonly propertyFields = new Map<string, CustomFieldDefinition>();
  readonly imports = new Map<string, ContactImport>();
  readonly eventTypes = new Map<string, EventType>();
  readonly events = new Map<string, EventRecord>();

  readonly users = new Map<string, User>();
  readonly teams = new Map<string, Team>();
  readonly inboxes = new Map<string, Inbox>();
  readonly whatsappTemplates = new Map<string, WhatsAppTemplate>();
  readonly conversations = new Map<string, Conversation>();
  readonly messages = new Map<string, Message>();
  readonly media = new Map<string, Media>();

  readonly journeys = new Map<string, Journey>();
  readonly chatbots = new Map<string, Chatbot>();

  readonly serviceAccounts = new Map<string, ServiceAccount>();
  readonly apiKeys = new Map<string, ApiKey>();
  webhookSettings: WebhookSettings | null = null;
  readonly webhookAttempts: WebhookAttempt[] = [];
  readonly signingKeys = new Map<string, SigningKey>();

  /** Idempotency-Key header → response already given, for POSTs that honour it (media uploads, messages). */
  readonly idempotency = new Map<string, unknown>();

  /** Bumped whenever an unread count changes, for GET /users/me/unread-summary `version`. */
  unreadVersion = 1;

  private sequence = 0;
  private readonly clock: () => Date;

  constructor(options: StoreOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Current time as RFC 3339 (UTC, milliseconds). */
  now(): string {
    return this.clock().toISOString();
  }

  /**
   * A new id such as `con_01HV8Z00000000000000000001`: ULID-looking like the reference, but a
   * plain counter so ids are unique, deterministic for a given sequence of calls, and sort by creation.
   */
  id(prefix: string): string {
    this.sequence += 1;
    let n = this.sequence;
    let tail = "";
    while (n > 0) {
      tail = (CROCKFORD[n % 32] ?? "0") + tail;
      n = Math.floor(n / 32);
    }
    return `${prefix}_01HV8Z${tail.padStart(20, "0")}`;
  }

  /** A contact that exists and is not soft-deleted. */
  liveContact(id: string): Contact | undefined {
    const contact = this.contacts.get(id);
    return contact && contact.deletedAt === null ? contact : undefined;
  }
}
