// Completions for prompt arguments and resource-template variables: names from
// the cached definitions, contact ids from a search. A completion never fails
// loudly: on any error it offers nothing.

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

/** Ids of the contacts a search for what was typed finds (name, email, phone, or the id itself). */
export function completeContactIds(workspace: Workspace) {
  return async (typed: string | undefined): Promise<string[]> => {
    const text = (typed ?? "").trim();
    try {
      const { data } = await workspace.client.request({
        method: "GET",
        path: "/contacts",
        query: { pageSize: 10, ...(text && !text.startsWith("con_") ? { search: text } : {}) },
      });
      const contacts = (data as { contacts?: unknown } | undefined)?.contacts;
      if (!Array.isArray(contacts)) return [];
      const ids = contacts
        .map((c: unknown) => (c && typeof c === "object" ? (c as Record<string, unknown>).id : undefined))
        .filter((id): id is string => typeof id === "string");
      return text.startsWith("con_") ? ids.filter((id) => id.startsWith(text)) : ids;
    } catch {
      return [];
    }
  };
}
