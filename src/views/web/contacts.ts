// The contacts / segment table: the contacts of a list_contacts or
// segment_contacts result, with tag chips and key field values, the total,
// paging, the filters shown and editable, and "Tag…" / "Untag…" on the
// selected rows through the server's tag_contacts.

import type { CallToolResult } from "@modelcontextprotocol/client";
import type { ContactRow, ContactsPage, FieldDef, Named } from "../shapes.js";
import { type Bridge, isRecord } from "./lib/bridge.js";
import {
  banner,
  call,
  chip,
  errorText,
  h,
  header,
  numberOf,
  recordsOf,
  show,
  startView,
  stringOf,
  structured,
  table,
} from "./lib/ui.js";

/** Rows a page when the call did not say (list_contacts' own pageSize is kept). */
const PAGE_SIZE = 25;
const FIELD_COLUMNS = 3;
const CHANNELS = ["whatsapp", "messenger", "instagram", "sms", "email", "webchat"];

type Filters = Record<string, unknown>;

interface State {
  filters: Filters;
  pageSize: number;
  rows: ContactRow[];
  total: number | undefined;
  /** Tokens of the pages before this one (the first page has none), and this page's. */
  previous: (string | undefined)[];
  current: string | undefined;
  next: string | undefined;
  tags: Named[];
  fields: FieldDef[];
  canTag: boolean;
  selected: Set<string>;
  picking: "add" | "remove" | undefined;
  busy: boolean;
  message: HTMLElement | undefined;
}

startView("flownally-contacts", (bridge) => {
  const root = document.body.appendChild(h("main"));
  const state: State = {
    filters: {},
    pageSize: PAGE_SIZE,
    rows: [],
    total: undefined,
    previous: [],
    current: undefined,
    next: undefined,
    tags: [],
    fields: [],
    canTag: false,
    selected: new Set(),
    picking: undefined,
    busy: false,
    message: undefined,
  };
  const render = () => show(root, ...view(bridge, state, actions));

  const load = async (token: string | undefined, count: boolean) => {
    state.busy = true;
    render();
    try {
      const page = await call<ContactsPage>(bridge, "view_contacts", {
        ...state.filters,
        pageSize: state.pageSize,
        ...(token && { pageToken: token }),
        ...(count && { count: true }),
      });
      state.rows = page.contacts;
      state.current = token;
      state.next = page.nextPageToken;
      state.tags = page.tags;
      state.fields = page.fields;
      state.canTag = page.canTag;
      if (page.total !== undefined) state.total = page.total;
      state.message = undefined;
    } catch (err) {
      state.message = banner("error", String(err instanceof Error ? err.message : err));
    }
    state.busy = false;
    render();
  };

  const actions: Actions = {
    apply: (filters) => {
      state.filters = filters;
      state.previous = [];
      state.selected.clear();
      state.total = undefined;
      void load(undefined, true);
    },
    page: (forward) => {
      if (forward) {
        state.previous.push(state.current);
        void load(state.next, false);
      } else {
        void load(state.previous.pop(), false);
      }
    },
    toggle: (id) => {
      if (state.selected.has(id)) state.selected.delete(id);
      else state.selected.add(id);
      render();
      void tellSelection(bridge, state);
    },
    toggleAll: () => {
      const all = state.rows.every((r) => state.selected.has(r.id));
      for (const r of state.rows) {
        if (all) state.selected.delete(r.id);
        else state.selected.add(r.id);
      }
      render();
      void tellSelection(bridge, state);
    },
    pick: (mode) => {
      state.picking = mode;
      render();
    },
    tag: async (tagId) => {
      const remove = state.picking === "remove";
      const contactIds = [...state.selected];
      state.picking = undefined;
      state.busy = true;
      render();
      const result = await bridge.callServerTool("tag_contacts", {
        tagId,
        contactIds,
        ...(remove && { remove: true }),
      });
      const tag = state.tags.find((t) => t.id === tagId)?.name ?? tagId;
      if (result.isError) {
        state.message = banner("error", errorText(result));
        state.busy = false;
        render();
        return;
      }
      const outcome = structured(result);
      const done = numberOf(outcome.applied) ?? contactIds.length;
      // The job changes only contacts not already as wanted, and says how many those were.
      const already = numberOf(outcome.unchanged) ?? 0;
      const said = [
        `${remove ? "Removed" : "Added"} tag ${tag} ${remove ? "from" : "to"} ${done} of ${contactIds.length} selected contacts`,
        already > 0 ? `; ${already} ${remove ? "did not have" : "had"} it already` : "",
      ].join("");
      state.selected.clear();
      await bridge
        .updateModelContext(`In the contacts view the user ${said.toLowerCase()}.`, {
          tool: "tag_contacts",
          tagId,
          contactIds,
          remove,
        })
        .catch(() => {});
      // Read again, counted: the change may take contacts into or out of the filters.
      await load(state.current, true);
      state.message = banner("ok", `${said}.`);
      render();
    },
  };

  return {
    toolInput: (args) => {
      state.filters = filtersOf(args);
      state.pageSize = numberOf(args.pageSize) ?? PAGE_SIZE;
      render();
    },
    toolResult: (result) => {
      fromResult(state, result);
      render();
      // The table's own page (tag names, field values, paging) replaces the sample; counted unless the result did.
      void load(undefined, state.total === undefined);
    },
    toolCancelled: () => {
      state.message = banner("warn", "The call was cancelled.");
      render();
    },
    hostContext: render,
  };
});

interface Actions {
  apply(filters: Filters): void;
  page(forward: boolean): void;
  toggle(id: string): void;
  toggleAll(): void;
  pick(mode: "add" | "remove" | undefined): void;
  tag(tagId: string): Promise<void>;
}

function view(bridge: Bridge, state: State, actions: Actions) {
  const n = state.selected.size;
  const tagButtons = state.canTag
    ? [
        h("button", { disabled: n === 0 || state.busy, onclick: () => actions.pick("add") }, "Tag…"),
        h("button", { disabled: n === 0 || state.busy, onclick: () => actions.pick("remove") }, "Untag…"),
      ]
    : [];
  const total =
    state.total === undefined
      ? `${state.rows.length} shown`
      : `${state.total.toLocaleString(bridge.context.locale)} contact${state.total === 1 ? "" : "s"}`;
  return [
    header(bridge, "Contacts", [total, n > 0 ? ` · ${n} selected` : ""], ...tagButtons),
    state.picking ? picker(state, actions) : null,
    state.message ?? null,
    filterBar(state, actions),
    h("div", { class: "scroll" }, contactTable(state, actions)),
    h(
      "div",
      { class: "bar" },
      h(
        "button",
        { disabled: state.previous.length === 0 || state.busy, onclick: () => actions.page(false) },
        "Previous",
      ),
      h("button", { disabled: !state.next || state.busy, onclick: () => actions.page(true) }, "Next"),
      h("span", { class: "muted" }, state.busy ? "Loading…" : `Page ${state.previous.length + 1}`),
    ),
  ];
}

function picker(state: State, actions: Actions) {
  const select = h(
    "select",
    { "aria-label": "Tag" },
    state.tags.map((t) => h("option", { value: t.id }, t.name)),
  );
  const verb = state.picking === "remove" ? "Remove" : "Add";
  return h(
    "div",
    { class: "banner info bar", role: "dialog", "aria-label": `${verb} a tag` },
    `${verb} tag`,
    select,
    `${state.picking === "remove" ? "from" : "to"} ${state.selected.size} contact${state.selected.size === 1 ? "" : "s"}`,
    h("button", { class: "primary", onclick: () => void actions.tag(select.value) }, verb),
    h("button", { onclick: () => actions.pick(undefined) }, "Cancel"),
  );
}

function filterBar(state: State, actions: Actions) {
  const f = state.filters;
  const search = h("input", {
    type: "search",
    placeholder: "Search name, phone, tag",
    "aria-label": "Search",
    value: stringOf(f.search) ?? "",
  });
  const chosenTags = Array.isArray(f.tagIds) ? f.tagIds.filter((t): t is string => typeof t === "string") : [];
  const tag = h(
    "select",
    { "aria-label": "Tag filter" },
    h("option", { value: "" }, "Any tag"),
    state.tags.map((t) => h("option", { value: t.id, selected: chosenTags.some((c) => sameTag(c, t)) }, t.name)),
  );
  const chosenChannel = Array.isArray(f.channels) ? stringOf(f.channels[0]) : undefined;
  const channel = h(
    "select",
    { "aria-label": "Channel filter" },
    h("option", { value: "" }, "Any channel"),
    CHANNELS.map((c) => h("option", { value: c, selected: c === chosenChannel }, c)),
  );
  const archived = h("input", { type: "checkbox", checked: f.archived === true, "aria-label": "Archived only" });
  const apply = () => {
    const next: Filters = { ...f };
    setOrDrop(next, "search", search.value.trim() || undefined);
    setOrDrop(next, "tagIds", tag.value ? [tag.value] : undefined);
    setOrDrop(next, "channels", channel.value ? [channel.value] : undefined);
    setOrDrop(next, "archived", archived.checked || undefined);
    actions.apply(next);
  };
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") apply();
  });
  // Filters the bar has no control for are shown as chips; × drops one.
  const others = Object.entries(f).filter(([k]) => !["search", "tagIds", "channels", "archived"].includes(k));
  return h(
    "div",
    { class: "bar" },
    search,
    tag,
    channel,
    h("label", {}, archived, " Archived"),
    h("button", { onclick: apply }, "Apply"),
    others.map(([k, v]) =>
      h(
        "span",
        { class: "chip filter" },
        `${k}: ${describe(v, state.fields)} `,
        h(
          "button",
          { class: "ghost", "aria-label": `Remove filter ${k}`, onclick: () => actions.apply(without(f, k)) },
          "×",
        ),
      ),
    ),
  );
}

function contactTable(state: State, actions: Actions) {
  const columns = keyFields(state);
  const allSelected = state.rows.length > 0 && state.rows.every((r) => state.selected.has(r.id));
  return table(
    {},
    [
      h("input", { type: "checkbox", "aria-label": "Select all", checked: allSelected, onchange: actions.toggleAll }),
      "Name",
      "Phone",
      "Tags",
      ...columns.map((c) => c.name),
    ],
    state.rows.length === 0
      ? h(
          "tr",
          {},
          h("td", { colspan: 4 + columns.length, class: "muted" }, state.busy ? "Loading…" : "No contacts match."),
        )
      : state.rows.map((r) =>
          h(
            "tr",
            { class: state.selected.has(r.id) ? "selected" : "", "data-id": r.id },
            h(
              "td",
              {},
              h("input", {
                type: "checkbox",
                "aria-label": `Select ${r.name || r.id}`,
                checked: state.selected.has(r.id),
                onchange: () => actions.toggle(r.id),
              }),
            ),
            h(
              "td",
              { class: "nowrap" },
              r.name || h("span", { class: "muted mono" }, r.id),
              r.archived ? chip("archived") : null,
            ),
            h("td", { class: "num nowrap" }, r.phone ?? ""),
            h(
              "td",
              {},
              r.tags.map((t) => chip(t.name)),
            ),
            columns.map((c) => h("td", { class: "nowrap" }, r.fields[c.key] ?? "")),
          ),
        ),
  );
}

/** The fields most rows of this page have values for, in the workspace's order. */
function keyFields(state: State): FieldDef[] {
  const filled = (f: FieldDef) => state.rows.filter((r) => r.fields[f.key]).length;
  const chosen = new Set(
    state.fields
      .filter((f) => filled(f) > 0)
      .sort((a, b) => filled(b) - filled(a))
      .slice(0, FIELD_COLUMNS),
  );
  return state.fields.filter((f) => chosen.has(f));
}

/** The model hears which contacts the user picked, so "message them" means these. */
async function tellSelection(bridge: Bridge, state: State): Promise<void> {
  const picked = state.rows.filter((r) => state.selected.has(r.id));
  const names = picked.map((r) => `${r.name || "(no name)"} (${r.id})`).join(", ");
  const text =
    picked.length === 0
      ? "In the contacts view the user has selected no contacts."
      : `In the contacts view the user selected ${picked.length} contact${picked.length === 1 ? "" : "s"}: ${names}.`;
  await bridge.updateModelContext(text, { selectedContactIds: picked.map((r) => r.id) }).catch(() => {});
}

// ---- Reading the tool's own input and result (any shape a version of the server gives) ----

/** The filters among a list_contacts or segment_contacts call's arguments. */
function filtersOf(args: Record<string, unknown>): Filters {
  const { pageSize: _size, pageToken: _token, limit: _limit, ...filters } = args;
  return filters;
}

/** The rows and total a list_contacts or segment_contacts result carries, until the table's own page comes. */
function fromResult(state: State, result: CallToolResult): void {
  if (result.isError) {
    state.message = banner("error", errorText(result));
    return;
  }
  const data = structured(result);
  state.total = numberOf(data.total);
  state.rows = recordsOf(data.contacts ?? data.sample).flatMap(rowOf);
  state.next = stringOf(data.nextPageToken);
}

function rowOf(item: Record<string, unknown>): ContactRow[] {
  const id = stringOf(item.id);
  if (!id) return [];
  const identities = recordsOf(item.identities);
  const phone =
    stringOf(item.phone) ??
    identities.map((i) => (isRecord(i.metadata) ? stringOf(i.metadata.phoneNumber) : undefined)).find(Boolean);
  // Tag names where the result gives them (a segment's sample), else the ids.
  const given = Array.isArray(item.tags) ? item.tags : Array.isArray(item.tagIds) ? item.tagIds : [];
  const tags = given.flatMap((t): Named[] => {
    if (typeof t === "string") return [{ id: t, name: t }];
    const id = isRecord(t) ? stringOf(t.id) : undefined;
    return id && isRecord(t) ? [{ id, name: stringOf(t.name) ?? id }] : [];
  });
  const fields = isRecord(item.customFields)
    ? Object.fromEntries(
        Object.entries(item.customFields).filter((e): e is [string, string] => typeof e[1] === "string"),
      )
    : {};
  return [
    {
      id,
      name: stringOf(item.name) ?? "",
      ...(phone && { phone }),
      tags,
      fields,
      archived: typeof item.archivedAt === "string",
    },
  ];
}

function sameTag(given: string, tag: Named): boolean {
  return given === tag.id || given.toLowerCase() === tag.name.toLowerCase();
}

function setOrDrop(filters: Filters, key: string, value: unknown): void {
  if (value === undefined) delete filters[key];
  else filters[key] = value;
}

function without(filters: Filters, key: string): Filters {
  const { [key]: _, ...rest } = filters;
  return rest;
}

function describe(value: unknown, fields: readonly FieldDef[]): string {
  if (isRecord(value)) {
    return Object.entries(value)
      .map(([k, v]) => `${fields.find((f) => f.key === k || f.id === k)?.name ?? k} = ${String(v)}`)
      .join(", ");
  }
  return Array.isArray(value) ? value.join(", ") : String(value);
}
