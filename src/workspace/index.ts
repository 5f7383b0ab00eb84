// The workspace as context: cached definitions, names for ids, checks before sending, completions.

export { noteSuccess } from "./changes.js";
export { checkBeforeSending } from "./checks.js";
export { completeContactIds, completeNames } from "./complete.js";
export { resolveNames } from "./names.js";
export { DEFINITION_KINDS, DEFINITIONS, type DefinitionKind, type Workspace, workspaceFor } from "./workspace.js";
