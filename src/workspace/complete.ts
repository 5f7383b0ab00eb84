// Completions for prompt arguments and resource-template variables: names from
// the cached definitions, contacts from a search. A completion never fails
// loudly: on any error it offers nothing.
//
// A completion is a plain string, so a contact's says who it is after its id:
// "con_… — Anna Kowalska (+48123456789)". Whoever takes the value back (the
// contact resource, the prompts) reads the id in front (`contactIdOf`); the
// rest is for the person picking and the model reading the prompt.

import { apiPath } from "../client/path.js";
import { contactShape, phoneOf } from "../client/shapes.js";
import type { DefinitionKind, Workspace } from "./workspace.js";

const MAX = 20;

/** Definition names starting with what was typed, then those containing it. */
export function completeNames(workspace: Workspace, kind: DefinitionKind) {
  return async (typed: string | undefined): Promise<string[]> => {
    try {
      const { items } = await workspace.get(kind);
      const lower = (typed ?? "").toLowerCase();
      const names = items.map((d) => d.name);
      const starts = names.filter((n) => n.toLowerCase().startsWith(lower));
      const contains = names.filter((n) => !n.toLowerCase().startsWith(lower) && n.toLowerCase().includes(lower));
      return [...starts, ...contains].slice(0, MAX);
    } catch {
      return [];
    }
  };
}

const SEPARATOR = " — ";

/** "con_1 — Anna Kowalska (+48123456789)": the id, then who it is. */
function contactLabel(contact: unknown): string | undefined {
  const parsed = contactShape.safeParse(contact);
  if (!parsed.success) return undefined;
  const { id, name } = parsed.data;
  const phone = phoneOf(parsed.data);
  const who = [name, phone && `(${phone})`].filter(Boolean).join(" ");
  return who ? `${id}${SEPARATOR}${who}` : id;
}

/** The contact id a value stands for: a completion's id in front of its label, else the value itself. */
export function contactIdOf(value: string): string {
  const at = value.indexOf(SEPARATOR);
  return at > 0 ? value.slice(0, at) : value;
}

/**
 * Contacts a search for what was typed finds (name, email, phone, tag name),
 * each labelled; for a typed id, those on the first page it begins, else the
 * contact with that id.
 */
export function completeContacts(workspace: Workspace) {
  const { client } = workspace;
  return async (typed: string | undefined): Promise<string[]> => {
    const text = contactIdOf((typed ?? "").trim());
    const byId = text.startsWith("con_");
    try {
      const { data } = await client.request({
        method: "GET",
        path: "/contacts",
        query: { pageSize: 10, ...(text && !byId ? { search: text } : {}) },
      });
      const contacts = (data as { contacts?: unknown } | undefined)?.contacts;
      const found = (Array.isArray(contacts) ? contacts : []).filter(
        (c) => !byId || contactShape.safeParse(c).data?.id.startsWith(text),
      );
      if (found.length === 0 && byId)
        found.push((await client.request({ method: "GET", path: apiPath`/contacts/${text}` })).data);
      return found.flatMap((c) => contactLabel(c) ?? []);
    } catch {
      return [];
    }
  };
}
