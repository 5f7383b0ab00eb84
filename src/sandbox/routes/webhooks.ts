// Webhooks: the tenant's single webhook configuration, simulated verification
// deliveries (the sandbox never makes a network call), the attempt log, and
// Standard Webhooks signing keys with bootstrap-once and 24-hour rotation overlap.

import { randomBytes } from "node:crypto";
import {
  bodyObject,
  type FieldViolation,
  invalid,
  MANAGERS,
  noContent,
  notFound,
  ok,
  page,
  type Route,
} from "../framework.js";
import type { SigningKey, Store, WebhookAttempt, WebhookSettings } from "../store.js";

/** The payload variants of the reference's "Webhook payloads" section. */
const WEBHOOK_EVENT_TYPES = [
  "contact.created",
  "contact.updated",
  "contact.archived",
  "conversation.started",
  "conversation.updated",
  "conversation.closed",
  "message.created",
  "message.updated",
] as const;
/** The synthetic event POST /webhooks/verify delivers. */
const TEST_EVENT_TYPE = "webhook.test";
const ATTEMPT_STATUSES = ["succeeded", "failed"] as const;
const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const OVERLAP_MS = 24 * 60 * 60 * 1000;
const MAX_URL = 2048;

export function routes(store: Store): Route[] {
  return [
    {
      method: "GET",
      path: "/webhooks",
      roles: MANAGERS,
      handle: () => ok(settingsView(store.webhookSettings)),
    },
    {
      method: "PATCH",
      path: "/webhooks",
      roles: MANAGERS,
      handle: (ctx) => {
        const body = bodyObject(ctx);
        const errors: FieldViolation[] = [];
        const url = body.url === undefined ? undefined : readUrl(body.url, "url", errors);
        const { enabled } = body;
        if (enabled !== undefined && typeof enabled !== "boolean") {
          errors.push({ field: "enabled", message: "must be true or false" });
        }
        const eventTypes = body.eventTypes === undefined ? undefined : readEventTypes(body.eventTypes, errors);
        const current = store.webhookSettings;
        if (!current && url === undefined && !errors.some((e) => e.field === "url")) {
          errors.push({ field: "url", message: "is required when no webhook is configured yet" });
        }
        if (errors.length > 0) throw invalid(errors);
        const next: WebhookSettings = {
          url: url ?? current?.url ?? "",
          events: eventTypes ?? current?.events ?? [...WEBHOOK_EVENT_TYPES],
          enabled: typeof enabled === "boolean" ? enabled : (current?.enabled ?? true),
          updatedAt: store.now(),
        };
        store.webhookSettings = next;
        return ok(settingsView(next));
      },
    },
    {
      method: "DELETE",
      path: "/webhooks",
      roles: MANAGERS,
      handle: () => {
        if (!store.webhookSettings) throw notFound("webhook", "configuration");
        store.webhookSettings = null;
        return noContent();
      },
    },
    {
      method: "POST",
      path: "/webhooks/verify",
      roles: MANAGERS,
      handle: (ctx) => {
        const errors: FieldViolation[] = [];
        const body = ctx.body === undefined ? {} : bodyObject(ctx);
        const given = body.url === undefined ? undefined : readUrl(body.url, "url", errors);
        const url = given ?? store.webhookSettings?.url;
        if (url === undefined && errors.length === 0) {
          errors.push({ field: "url", message: "is required when no webhook URL is saved (PATCH /webhooks)" });
        }
        if (errors.length > 0 || url === undefined) throw invalid(errors);
        const outcome = simulateDelivery(url);
        const attempt: WebhookAttempt = {
          id: store.id("wha"),
          eventId: store.id("whe"),
          eventType: TEST_EVENT_TYPE,
          url,
          status: outcome.statusCode !== null && outcome.statusCode < 300 ? "succeeded" : "failed",
          responseStatus: outcome.statusCode,
          createdAt: store.now(),
        };
        store.webhookAttempts.push(attempt);
        return ok({
          success: attempt.status === "succeeded",
          statusCode: outcome.statusCode,
          url,
          eventId: attempt.eventId,
          attemptId: attempt.id,
          durationMs: outcome.durationMs,
          ...(outcome.error === undefined ? {} : { error: outcome.error }),
        });
      },
    },
    {
      method: "GET",
      path: "/webhooks/attempts",
      roles: MANAGERS,
      handle: (ctx) => {
        const errors: FieldViolation[] = [];
        const limitText = ctx.query.get("limit");
        const limit = limitText === null || limitText === "" ? 20 : Number(limitText);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
          errors.push({ field: "limit", message: "must be an integer from 1 to 100" });
        }
        const eventType = ctx.query.get("eventType") || undefined;
        const known: readonly string[] = [...WEBHOOK_EVENT_TYPES, TEST_EVENT_TYPE];
        if (eventType !== undefined && !known.includes(eventType)) {
          errors.push({ field: "eventType", message: `must be one of ${known.join(", ")}` });
        }
        const status = ctx.query.get("status") || undefined;
        if (status !== undefined && !ATTEMPT_STATUSES.some((s) => s === status)) {
          errors.push({ field: "status", message: `must be one of ${ATTEMPT_STATUSES.join(", ")}` });
        }
        if (errors.length > 0) throw invalid(errors);
        const since = Date.parse(store.now()) - RETENTION_MS;
        const attempts = store.webhookAttempts
          .filter((a) => Date.parse(a.createdAt) >= since)
          .filter((a) => eventType === undefined || a.eventType === eventType)
          .filter((a) => status === undefined || a.status === status)
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
        const paging = new URLSearchParams({ pageSize: String(limit) });
        const token = ctx.query.get("pageToken");
        if (token) paging.set("pageToken", token);
        const { items, nextPageToken } = page(attempts, paging, 20, 100);
        return ok({ attempts: items.map(attemptView), ...(nextPageToken === undefined ? {} : { nextPageToken }) });
      },
    },
    {
      method: "GET",
      path: "/webhooks/signing-keys",
      roles: MANAGERS,
      handle: () => {
        expireKeys(store);
        if (store.signingKeys.size === 0) {
          const key = createSigningKey(store);
          return ok({ signingKeys: [{ ...keyView(key), secret: key.secret }] });
        }
        return ok({ signingKeys: liveKeys(store).map(keyView) });
      },
    },
    {
      method: "POST",
      path: "/webhooks/signing-keys/rotate",
      roles: MANAGERS,
      handle: () => {
        expireKeys(store);
        const expiresAt = new Date(Date.parse(store.now()) + OVERLAP_MS).toISOString();
        for (const key of store.signingKeys.values()) {
          if (key.status === "active") {
            key.status = "expiring";
            key.expiresAt = expiresAt;
          }
        }
        const key = createSigningKey(store);
        return ok({ ...keyView(key), secret: key.secret });
      },
    },
  ];
}

function settingsView(settings: WebhookSettings | null) {
  return {
    url: settings?.url ?? null,
    enabled: settings?.enabled ?? false,
    eventTypes: settings ? [...settings.events] : [],
    availableEventTypes: [...WEBHOOK_EVENT_TYPES],
    updatedAt: settings?.updatedAt ?? null,
  };
}

function attemptView(attempt: WebhookAttempt) {
  return {
    id: attempt.id,
    eventId: attempt.eventId,
    eventType: attempt.eventType,
    url: attempt.url,
    status: attempt.status,
    statusCode: attempt.responseStatus,
    createdAt: attempt.createdAt,
  };
}

function keyView(key: SigningKey) {
  return { id: key.id, status: key.status, createdAt: key.createdAt, expiresAt: key.expiresAt };
}

function readUrl(value: unknown, field: string, errors: FieldViolation[]): string | undefined {
  if (typeof value !== "string" || value.length > MAX_URL) {
    errors.push({ field, message: "must be an https URL" });
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    errors.push({ field, message: "must be an absolute https URL, e.g. https://example.com/webhooks/flownally" });
    return undefined;
  }
  if (url.protocol !== "https:") {
    errors.push({ field, message: "must use https" });
    return undefined;
  }
  return url.toString();
}

function readEventTypes(value: unknown, errors: FieldViolation[]): string[] | undefined {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === "string")) {
    errors.push({ field: "eventTypes", message: "must be an array of event type names" });
    return undefined;
  }
  const available: readonly string[] = WEBHOOK_EVENT_TYPES;
  const unknown = value.filter((v) => !available.includes(v));
  if (unknown.length > 0) {
    errors.push({
      field: "eventTypes",
      message: `unknown event type(s) ${unknown.join(", ")}; choose from ${WEBHOOK_EVENT_TYPES.join(", ")}`,
    });
    return undefined;
  }
  return [...new Set(value)];
}

/**
 * A deterministic stand-in for the delivery: hosts under the reserved `.invalid`/`.test`
 * TLDs do not resolve, a path ending in `/status/<code>` answers that code, anything else 200.
 */
function simulateDelivery(text: string): { statusCode: number | null; durationMs: number; error?: string } {
  const url = new URL(text);
  if (/\.(invalid|test)$/i.test(url.hostname)) {
    return { statusCode: null, durationMs: 12, error: `getaddrinfo ENOTFOUND ${url.hostname}` };
  }
  const forced = /\/status\/([1-5]\d\d)\/?$/.exec(url.pathname)?.[1];
  const statusCode = forced === undefined ? 200 : Number(forced);
  return statusCode < 300
    ? { statusCode, durationMs: 84 }
    : { statusCode, durationMs: 84, error: `HTTP ${statusCode}` };
}

function createSigningKey(store: Store): SigningKey {
  const key: SigningKey = {
    id: store.id("whk"),
    secret: `whsec_${randomBytes(32).toString("base64")}`,
    status: "active",
    createdAt: store.now(),
    expiresAt: null,
  };
  store.signingKeys.set(key.id, key);
  return key;
}

function expireKeys(store: Store): void {
  const now = store.now();
  for (const key of store.signingKeys.values()) {
    if (key.status === "expiring" && key.expiresAt !== null && key.expiresAt <= now) key.status = "expired";
  }
}

function liveKeys(store: Store): SigningKey[] {
  return [...store.signingKeys.values()]
    .filter((k) => k.status !== "expired")
    .sort((a, b) => (a.status === b.status ? b.createdAt.localeCompare(a.createdAt) : a.status === "active" ? -1 : 1));
}
