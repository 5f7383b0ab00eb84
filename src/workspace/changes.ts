// What a successful call changed, as its definition states it, applied to the
// workspace: cached definitions of a changed kind are dropped (the next read
// lists them again) and their resource's subscribers told; each changed item
// that has a resource of its own (a contact) is told to its subscribers.

import { REFS, type RefKind } from "../refs.js";
import { isDefinitionKind, type Workspace } from "./workspace.js";

/** One kind a call changed, with the ids of the items it changed (those known). */
export interface Changed {
  kind: RefKind;
  ids: readonly string[];
}

export function applyChanges(workspace: Workspace) {
  return (changes: readonly Changed[]): void => {
    for (const { kind, ids } of changes) {
      if (isDefinitionKind(kind)) workspace.invalidate(kind);
      const item = REFS[kind].item;
      if (item) for (const id of ids) workspace.touched(item.replace("{id}", encodeURIComponent(id)));
    }
  };
}
