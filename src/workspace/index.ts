// The workspace as context: cached definitions, names for ids, checks before sending, completions.

export { applyChanges } from "./changes.js";
export { type Check, dateFieldValue, dateFieldValues, eventPayload, runChecks } from "./checks.js";
export { completeContacts, completeNames, contactIdOf } from "./complete.js";
export { resolveRefs } from "./names.js";
export { DEFINITION_KINDS, DEFINITIONS, type DefinitionKind, type Workspace, workspaceFor } from "./workspace.js";
