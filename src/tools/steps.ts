// The steps around a call that its definition drives, run by the registrar:
// names resolved where its `ref` arguments allow them, the checks it lists,
// and, after success, what it states it changes.

import type { RefKind } from "../refs.js";
import { applyChanges, resolveRefs, runChecks, type Workspace } from "../workspace/index.js";
import type { Preparer } from "./registry.js";
import type { Tool, ToolOutput } from "./types.js";

/** Preparer: each id-or-name argument becomes the id, `customFields` keys the API's keys. */
export function resolveNames(workspace: Workspace): Preparer {
  const resolve = resolveRefs(workspace);
  return (tool, args) => resolve(tool.refs, args);
}

/** Preparer, after resolveNames: the definition's checks. */
export function checkBeforeSending(workspace: Workspace): Preparer {
  const check = runChecks(workspace);
  return async (tool, args) => (tool.checks ? check(tool.checks, args) : args);
}

/** The registrar's afterSuccess: what the call changed is listed again and its subscribers told. */
export function noteSuccess(workspace: Workspace) {
  const apply = applyChanges(workspace);
  return (tool: Tool, args: Readonly<Record<string, unknown>>, output: ToolOutput): void => {
    // A run that reports what it changed is believed: kinds it leaves out (a dry run: all) did not change.
    const kinds = (tool.changes ?? []).filter((kind) => !output.changed || kind in output.changed);
    apply(kinds.map((kind) => changed(tool, kind, args, output)));
  };
}

/** The items of `kind` a call changed: those its arguments name, and those its run reports. */
function changed(tool: Tool, kind: RefKind, args: Readonly<Record<string, unknown>>, output: ToolOutput) {
  const named = tool.refs
    .filter((r) => r.kind === kind && r.shape !== "keys")
    .flatMap(({ arg }) => [args[arg]].flat())
    .filter((id): id is string => typeof id === "string");
  return { kind, ids: [...new Set([...named, ...(output.changed?.[kind] ?? [])])] };
}
