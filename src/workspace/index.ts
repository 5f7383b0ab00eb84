// The workspace as context: cached definitions, names for ids, checks before sending, completions.

export { changedKind, noteSuccess } from "./changes.js";
export { checkBeforeSending, isIsoDate } from "./checks.js";
export { completeContactIds, completeNames } from "./complete.js";
export { resolveNames } from "./names.js";
export {
  type Change,
  DEFINITION_KINDS,
  DEFINITIONS,
  type Definition,
  type DefinitionKind,
  Workspace,
  workspaceFor,
} from "./workspace.js";
