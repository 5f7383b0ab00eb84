// What a successful tool call changed, so cached definitions are dropped and
// subscribers told: derived from the operation's method and path, so a new
// tool on a definitions path is covered without another list to keep.

import type { Tool } from "../tools/types.js";
import { DEFINITION_KINDS, DEFINITIONS, type DefinitionKind, type Workspace } from "./workspace.js";

/** The definitions a mutating operation on `path` changes, if any. */
function changedKind(tool: Tool): DefinitionKind | undefined {
  if (!tool.path || !tool.method || tool.method === "GET") return undefined;
  const path = tool.path;
  return DEFINITION_KINDS.find((kind) => {
    const base = DEFINITIONS[kind].path;
    return path === base || path.startsWith(`${base}/`);
  });
}

// Operations on one contact: /contacts/{id}… or /contacts/{contactId}/… (its events excepted: they are not on the contact).
const CONTACT_PATH = /^\/contacts\/\{(id|contactId)\}(\/(?!events)|$)/;

/** The registrar's afterSuccess hook. */
export function noteSuccess(workspace: Workspace) {
  return (tool: Tool, args: Record<string, unknown>): void => {
    const kind = changedKind(tool);
    if (kind) {
      workspace.invalidate(kind);
      return;
    }
    const match = tool.method && tool.method !== "GET" && tool.path ? CONTACT_PATH.exec(tool.path) : null;
    const param = match?.[1];
    const id = param ? args[param] : undefined;
    if (typeof id === "string") workspace.touched(`flownally://contacts/${encodeURIComponent(id)}`);
  };
}
