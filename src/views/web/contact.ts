// The contact card: identities, tags, field values and the event timeline of
// a get_contact result, named through the app-only view_contact.

import type { ContactCard, FieldDef, TimelineEvent } from "../shapes.js";
import { type Bridge, isRecord } from "./lib/bridge.js";
import {
  banner,
  call,
  chip,
  errorText,
  h,
  header,
  recordsOf,
  show,
  startView,
  stringOf,
  structured,
  when,
} from "./lib/ui.js";

startView("flownally-contact", (bridge) => {
  const root = document.body.appendChild(h("main"));
  let card: ContactCard | undefined;
  let message: HTMLElement | undefined;
  let id: string | undefined;
  const render = () => show(root, ...(card ? view(bridge, card) : []), message ?? null);

  const load = async () => {
    if (!id) return;
    try {
      card = await call<ContactCard>(bridge, "view_contact", { id });
      message = undefined;
    } catch (err) {
      message = banner("error", err instanceof Error ? err.message : String(err));
    }
    render();
  };

  return {
    toolInput: (args) => {
      id = stringOf(args.id);
    },
    toolResult: (result) => {
      if (result.isError) {
        message = banner("error", errorText(result));
        render();
        return;
      }
      card = fromResult(structured(result));
      id = card?.contact.id ?? id;
      render();
      void load();
    },
    hostContext: render,
  };
});

function view(bridge: Bridge, { contact, fields, events, moreEvents }: ContactCard) {
  const values = Object.entries(contact.fields).map(([key, value]) => [nameOf(key, fields), value] as const);
  return [
    header(bridge, contact.name || contact.id, [
      h("span", { class: "mono" }, contact.id),
      contact.createdAt ? ` · since ${when(bridge, contact.createdAt)}` : "",
      contact.archived ? " · " : "",
      contact.archived ? chip("archived") : null,
    ]),
    h("h2", {}, "Identities"),
    contact.identities.length
      ? h(
          "dl",
          {},
          contact.identities.map((i) => [h("dt", {}, i.channel), h("dd", { class: "num" }, i.address)]),
        )
      : h("p", { class: "muted" }, "No identities."),
    h("h2", {}, "Tags"),
    contact.tags.length
      ? h(
          "p",
          {},
          contact.tags.map((t) => chip(t.name)),
        )
      : h("p", { class: "muted" }, "No tags."),
    h("h2", {}, "Fields"),
    values.length
      ? h(
          "dl",
          {},
          values.map(([name, value]) => [h("dt", {}, name), h("dd", {}, value)]),
        )
      : h("p", { class: "muted" }, "No field values."),
    h("h2", {}, "Timeline"),
    events.length
      ? h(
          "ol",
          { class: "timeline" },
          events.map((e) => timelineItem(bridge, e)),
        )
      : h("p", { class: "muted" }, "No events recorded."),
    moreEvents ? h("p", { class: "muted" }, "Older events are not shown.") : null,
  ];
}

function timelineItem(bridge: Bridge, event: TimelineEvent) {
  return h(
    "li",
    {},
    h("b", {}, event.type),
    h("span", { class: "muted" }, ` · ${when(bridge, event.at)}`),
    event.details.length ? h("div", { class: "muted" }, event.details.join(" · ")) : null,
  );
}

function nameOf(key: string, fields: readonly FieldDef[]): string {
  return fields.find((f) => f.key === key || f.id === key)?.name ?? key;
}

/** The card a get_contact result gives before view_contact names its tags and fields. */
function fromResult(data: Record<string, unknown>): ContactCard | undefined {
  const id = stringOf(data.id);
  if (!id) return undefined;
  const identities = recordsOf(data.identities).flatMap((i) => {
    const metadata = isRecord(i.metadata) ? i.metadata : {};
    const address = stringOf(metadata.phoneNumber) ?? stringOf(metadata.email);
    return address ? [{ channel: stringOf(i.channel) ?? "", address }] : [];
  });
  const tagIds = Array.isArray(data.tagIds) ? data.tagIds.filter((t): t is string => typeof t === "string") : [];
  const fields = isRecord(data.customFields)
    ? Object.fromEntries(
        Object.entries(data.customFields).filter((e): e is [string, string] => typeof e[1] === "string"),
      )
    : {};
  const createdAt = stringOf(data.createdAt);
  return {
    contact: {
      id,
      name: stringOf(data.name) ?? "",
      tags: tagIds.map((t) => ({ id: t, name: t })),
      fields,
      archived: typeof data.archivedAt === "string",
      identities,
      ...(createdAt && { createdAt }),
    },
    fields: [],
    events: [],
    moreEvents: false,
  };
}
