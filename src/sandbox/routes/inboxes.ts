// Inboxes: the connected channels that send and receive messages, their team routing,
// WhatsApp templates, and the WhatsApp Business Account numbers that can become inboxes.

import {
  ALL_ROLES,
  bodyObject,
  conflict,
  type FieldViolation,
  found,
  invalid,
  MANAGERS,
  noContent,
  notFound,
  ok,
  optionalString,
  type Route,
} from "../framework.js";
import { CHANNELS, type Channel, type Inbox, type Store, type WhatsAppTemplate } from "../store.js";

const MAX_NAME = 100;

export interface WabaPhoneNumber {
  id: string;
  displayPhoneNumber: string;
  /** E.164, the inbox's `phoneNumber` once connected. */
  phoneNumber: string;
  verifiedName: string;
  qualityRating: "GREEN" | "YELLOW" | "RED";
}

/**
 * The WhatsApp Business Accounts the sandbox pretends Meta knows about. The first number is the
 * seeded WhatsApp inbox; the others are free to connect with POST /inboxes.
 */
export const WABAS: Readonly<Record<string, readonly WabaPhoneNumber[]>> = {
  "104857392016482": [
    {
      id: "112233445566701",
      displayPhoneNumber: "+48 22 100 20 30",
      phoneNumber: "+48221002030",
      verifiedName: "Sklep Flownally",
      qualityRating: "GREEN",
    },
    {
      id: "112233445566702",
      displayPhoneNumber: "+48 12 300 40 50",
      phoneNumber: "+48123004050",
      verifiedName: "Sklep Flownally Kraków",
      qualityRating: "GREEN",
    },
    {
      id: "112233445566703",
      displayPhoneNumber: "+48 61 500 60 70",
      phoneNumber: "+48615006070",
      verifiedName: "Sklep Flownally Poznań",
      qualityRating: "YELLOW",
    },
  ],
};

export function routes(store: Store): Route[] {
  return [
    {
      method: "GET",
      path: "/inboxes",
      roles: ALL_ROLES,
      handle: () => ok({ inboxes: [...store.inboxes.values()].map(inboxView) }),
    },
    {
      method: "POST",
      path: "/inboxes",
      roles: MANAGERS,
      handle: (ctx) => {
        const body = bodyObject(ctx);
        const channel = body.channel;
        const match = CHANNELS.find((c) => c === channel);
        if (match === undefined)
          throw invalid([{ field: "channel", message: `must be one of ${CHANNELS.join(", ")}` }]);
        const name = optionalString(body, "name")?.trim();
        if (name !== undefined && (name === "" || name.length > MAX_NAME)) {
          throw invalid([{ field: "name", message: `must be 1 to ${MAX_NAME} characters` }]);
        }
        const teamId = optionalString(body, "teamId");
        if (teamId !== undefined && !store.teams.has(teamId)) throw notFound("team", teamId);
        const created =
          match === "whatsapp"
            ? connectWhatsApp(store, body, name, teamId ?? null)
            : [createInbox(store, match, name ?? defaultName(match), addressOf(body), teamId ?? null)];
        return ok({ inboxes: created.map(inboxView) });
      },
    },
    {
      method: "DELETE",
      path: "/inboxes/{id}",
      roles: MANAGERS,
      handle: (ctx) => {
        const inbox = findInbox(store, ctx.params.id ?? "");
        store.inboxes.delete(inbox.id);
        for (const [id, template] of store.whatsappTemplates) {
          if (template.inboxId === inbox.id) store.whatsappTemplates.delete(id);
        }
        // Conversations stay for history but can no longer continue on a removed channel.
        for (const conversation of store.conversations.values()) {
          if (conversation.inboxId === inbox.id) conversation.status = "closed";
        }
        return noContent();
      },
    },
    {
      method: "PUT",
      path: "/inboxes/{id}/team",
      roles: MANAGERS,
      handle: (ctx) => {
        const inbox = findInbox(store, ctx.params.id ?? "");
        const teamId = bodyObject(ctx).teamId;
        if (typeof teamId !== "string" || teamId === "") {
          throw invalid([{ field: "teamId", message: "is required: a team id from GET /teams" }]);
        }
        if (!store.teams.has(teamId)) throw notFound("team", teamId);
        inbox.teamId = teamId;
        return ok(inboxView(inbox));
      },
    },
    {
      method: "DELETE",
      path: "/inboxes/{id}/team",
      roles: MANAGERS,
      handle: (ctx) => {
        const inbox = findInbox(store, ctx.params.id ?? "");
        inbox.teamId = null;
        return ok(inboxView(inbox));
      },
    },
    {
      method: "GET",
      path: "/inboxes/{id}/whatsapp/templates",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const inbox = findInbox(store, ctx.params.id ?? "");
        if (inbox.channel !== "whatsapp") {
          throw conflict(
            "inbox_not_whatsapp",
            `Inbox ${inbox.id} is a ${inbox.channel} inbox; templates exist only on WhatsApp inboxes.`,
          );
        }
        const templates = [...store.whatsappTemplates.values()].filter(
          (t) => t.inboxId === inbox.id && t.status !== "rejected",
        );
        return ok({ templates: templates.map(templateView) });
      },
    },
    {
      method: "GET",
      path: "/whatsapp/{wabaId}/phone-numbers",
      roles: MANAGERS,
      handle: (ctx) => {
        const wabaId = ctx.params.wabaId ?? "";
        const numbers = WABAS[wabaId];
        if (!numbers) throw notFound("waba", wabaId);
        return ok({
          phoneNumbers: numbers.map((n) => {
            const inbox = inboxFor(store, n.phoneNumber);
            return { ...n, connected: inbox !== undefined, inboxId: inbox?.id ?? null };
          }),
        });
      },
    },
  ];
}

function inboxView(inbox: Inbox) {
  const phone = inbox.channel === "whatsapp" || inbox.channel === "sms";
  return {
    id: inbox.id,
    name: inbox.name,
    channel: inbox.channel,
    phoneNumber: phone ? (inbox.address ?? null) : null,
    ...(!phone && inbox.address !== undefined ? { address: inbox.address } : {}),
    teamId: inbox.teamId,
    createdAt: inbox.createdAt,
  };
}

/** Meta's template shape: upper-case status and components, the body with `{{n}}` placeholders. */
function templateView(template: WhatsAppTemplate) {
  return {
    name: template.name,
    language: template.language,
    status: template.status.toUpperCase(),
    category: (template.category ?? "utility").toUpperCase(),
    components: template.body === undefined ? [] : [{ type: "BODY", text: template.body }],
  };
}

function findInbox(store: Store, id: string): Inbox {
  return found(store.inboxes, "inbox", id);
}

function inboxFor(store: Store, phoneNumber: string): Inbox | undefined {
  return [...store.inboxes.values()].find((i) => i.channel === "whatsapp" && i.address === phoneNumber);
}

/** One inbox per WhatsApp number: `wabaId` plus `phoneNumberIds` from GET /whatsapp/{wabaId}/phone-numbers. */
function connectWhatsApp(
  store: Store,
  body: Record<string, unknown>,
  name: string | undefined,
  teamId: string | null,
): Inbox[] {
  const errors: FieldViolation[] = [];
  const wabaId = body.wabaId;
  const numbers = typeof wabaId === "string" ? WABAS[wabaId] : undefined;
  if (typeof wabaId !== "string" || wabaId === "") {
    errors.push({ field: "wabaId", message: "is required for WhatsApp: the WhatsApp Business Account id" });
  } else if (!numbers) {
    errors.push({ field: "wabaId", message: `no WhatsApp Business Account ${wabaId} is shared with this workspace` });
  }
  const ids = body.phoneNumberIds;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === "string")) {
    errors.push({ field: "phoneNumberIds", message: "is required: a non-empty array of phone number ids" });
  }
  if (errors.length > 0 || !numbers || !Array.isArray(ids)) throw invalid(errors);
  const chosen: WabaPhoneNumber[] = [];
  for (const [i, id] of ids.entries()) {
    const number = numbers.find((n) => n.id === id);
    if (!number) {
      errors.push({ field: `phoneNumberIds[${i}]`, message: `not a phone number of WABA ${String(wabaId)}` });
    } else if (inboxFor(store, number.phoneNumber)) {
      throw conflict("inbox_already_exists", `${number.displayPhoneNumber} is already connected as an inbox.`);
    } else if (!chosen.includes(number)) {
      chosen.push(number);
    }
  }
  if (errors.length > 0) throw invalid(errors);
  return chosen.map((n) =>
    createInbox(store, "whatsapp", name ?? `WhatsApp ${n.displayPhoneNumber}`, n.phoneNumber, teamId),
  );
}

/** Other channels keep the request open: whichever handle the body names becomes the inbox address. */
function addressOf(body: Record<string, unknown>): string | undefined {
  for (const key of ["address", "phoneNumber", "email", "pageId", "instagramAccountId", "domain"]) {
    const value = body[key];
    if (typeof value === "string" && value !== "") return value;
  }
  const ids = body.phoneNumberIds;
  return Array.isArray(ids) && typeof ids[0] === "string" ? ids[0] : undefined;
}

function defaultName(channel: Channel): string {
  return `${channel.charAt(0).toUpperCase()}${channel.slice(1)} inbox`;
}

export function createInbox(
  store: Store,
  channel: Channel,
  name: string,
  address: string | undefined,
  teamId: string | null,
  id?: string,
  createdAt?: string,
): Inbox {
  const inbox: Inbox = {
    id: id ?? store.id("inb"),
    name,
    channel,
    ...(address === undefined ? {} : { address }),
    teamId,
    createdAt: createdAt ?? store.now(),
  };
  store.inboxes.set(inbox.id, inbox);
  return inbox;
}
