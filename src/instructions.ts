// What the server tells a client about itself at the start of a session
// (initialize; server/discover in the 2026 era). Free of the MCP SDK: the stdio
// front door (transports/stdio-front.ts) answers with it too.

import type { Config } from "./config.js";

export function instructions(config: Config): string {
  return [
    "Flownally CRM and messaging workspace.",
    "Definitions are resources: flownally://tags, flownally://contacts/custom-fields, flownally://properties/custom-fields,",
    "flownally://event-types (with payloadSchema), flownally://inboxes; one contact is flownally://contacts/{id}.",
    "Resources are read live.",
    "tagId, tagIds, customFieldId and eventTypeId take an id or the exact name (any case).",
    "Event payloads, date field values and phones are checked before sending; a refusal means nothing was sent.",
    "Prompts: segment-and-tag, record-an-event, triage-open-conversations.",
    // The shared `confirm` argument is described here once (tools/confirm.ts), not in every schema.
    config.confirm.mode === "never"
      ? ""
      : "Some changes ask the user first. Without a form to ask, the call answers with a preview and a token: pass it back as confirm, with the same arguments, only after the user agreed.",
    config.sandbox ? "This is the SANDBOX demo workspace: simulated data, changes vanish on exit." : "",
  ]
    .filter(Boolean)
    .join(" ");
}
