// What an id argument can refer to. For each kind: its noun, where its ids are
// found (a tool, a resource, or else the user), and, for the workspace's
// definitions, that names resolve. An argument's description, the hint after
// a 404 and name resolution all follow from this table.

import { point, type Text } from "./pointers.js";

export type RefKind =
  | "contacts"
  | "tags"
  | "contactFields"
  | "propertyFields"
  | "eventTypes"
  | "inboxes"
  | "events"
  | "imports"
  | "conversations"
  | "messages"
  | "media"
  | "templates"
  | "users"
  | "teams"
  | "journeys"
  | "journeyVersions"
  | "chatbots"
  | "chatbotVersions"
  | "serviceAccounts"
  | "apiKeys"
  | "wabas"
  | "phoneNumbers";

export interface RefSource {
  /** Singular, for messages: "contact field". */
  noun: string;
  /** The tool whose answer shows these ids (a list, or the call that makes them). */
  from?: string;
  /** The resource that lists them; resources are served whatever the tools are. */
  resource?: string;
  /** The resource template of one of them, told when a tool changed it. */
  item?: string;
  /** Names resolve to ids from the cached definitions (the kind is one of the workspace's definitions). */
  names?: {
    /** What their ids look like: such a value passes through without a lookup when nothing is cached. */
    idPattern: RegExp;
    /** The tool that makes one, suggested when a name is unknown. */
    create?: string;
  };
}

export const REFS: Readonly<Record<RefKind, RefSource>> = {
  contacts: { noun: "contact", from: "list_contacts", item: "flownally://contacts/{id}" },
  tags: {
    noun: "tag",
    from: "list_tags",
    resource: "flownally://tags",
    names: { idPattern: /^tag_\w+$/, create: "create_tag" },
  },
  contactFields: {
    noun: "contact field",
    from: "list_contact_fields",
    resource: "flownally://contacts/custom-fields",
    names: { idPattern: /^cf_\w+$/, create: "create_contact_field" },
  },
  propertyFields: {
    noun: "property field",
    from: "list_property_fields",
    resource: "flownally://properties/custom-fields",
    names: { idPattern: /^cf_\w+$/, create: "create_property_field" },
  },
  eventTypes: {
    noun: "event type",
    from: "list_event_types",
    resource: "flownally://event-types",
    names: { idPattern: /^evt-type_\w+$/, create: "create_event_type" },
  },
  inboxes: { noun: "inbox", from: "list_inboxes", resource: "flownally://inboxes" },
  events: { noun: "event", from: "list_events" },
  imports: { noun: "import", from: "import_contacts" },
  conversations: { noun: "conversation", from: "list_conversations" },
  messages: { noun: "message", from: "list_conversation_messages" },
  media: { noun: "media", from: "upload_media" },
  templates: { noun: "template", from: "list_whatsapp_templates" },
  users: { noun: "user", from: "list_users" },
  teams: { noun: "team", from: "list_teams" },
  journeys: { noun: "journey", from: "list_journeys" },
  journeyVersions: { noun: "journey version", from: "list_journey_versions" },
  chatbots: { noun: "chatbot", from: "list_chatbots" },
  chatbotVersions: { noun: "chatbot version", from: "list_chatbot_versions" },
  serviceAccounts: { noun: "service account", from: "list_service_accounts" },
  apiKeys: { noun: "API key", from: "list_api_keys" },
  wabas: { noun: "WhatsApp Business Account" },
  phoneNumbers: { noun: "phone number", from: "list_waba_phone_numbers" },
};

/** An argument that refers to something: itself (`one`), each item of its list (`many`), or its keys (`keys`). */
export interface ArgRef {
  arg: string;
  kind: RefKind;
  shape: "one" | "many" | "keys";
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * An id argument's description: "From list_contacts", or with a lead,
 * "Sender (from list_inboxes)"; the resource, or "ask the user", where the tool
 * is not served. Names resolve for definitions, so those just say so.
 */
export function refDescription(kind: RefKind, what?: string): Text {
  const { noun, from, names } = REFS[kind];
  if (names || !from) return what ?? `${capital(noun)} id${names ? " or name" : ""}`;
  if (what) return [what, fromSource(kind)];
  return point(
    from,
    `From ${from}`,
    elsewhere(kind, (uri) => `From ${uri}`, `${capital(noun)} id; ask the user`),
  );
}

/** " (from list_event_types)", " (from flownally://event-types)" where the tool is not served, else "; ask the user". */
export function fromSource(kind: RefKind): Text {
  const { from } = REFS[kind];
  const fallback = elsewhere(kind, (uri) => ` (from ${uri})`, "; ask the user");
  return from ? point(from, ` (from ${from})`, fallback) : fallback;
}

/** The next step after a not-found, one sentence per kind: where its ids are, or ask the user. */
export function findIds(kinds: readonly RefKind[]): Text {
  return [...new Set(kinds)].map((kind, i) => {
    const { noun, from } = REFS[kind];
    const lead = i === 0 ? "" : " ";
    const fallback = elsewhere(
      kind,
      (uri) => `${lead}${capital(noun)} ids are in ${uri}.`,
      `${lead}Ask the user which ${noun} they mean.`,
    );
    return from ? point(from, `${lead}Find ${noun} ids with ${from}.`, fallback) : fallback;
  });
}

/** Where a name of `kind` can be looked up: "flownally://tags or list_tags". */
export function whereNamed(kind: RefKind): Text {
  const { resource, from } = REFS[kind];
  return [resource ?? "", from ? point(from, resource ? ` or ${from}` : from) : ""];
}

function elsewhere(kind: RefKind, viaResource: (uri: string) => string, otherwise: string): string {
  const { resource } = REFS[kind];
  return resource ? viaResource(resource) : otherwise;
}
