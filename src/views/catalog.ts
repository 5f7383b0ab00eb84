// The views: each a ui:// resource (text/html;profile=mcp-app), linked from
// the tools whose results it shows, with the app-only tools it reads from.

export type ViewId = "contacts" | "contact" | "conversation" | "import" | "bulk";

export interface View {
  id: ViewId;
  uri: string;
  title: string;
  description: string;
  /** Model-visible tools whose results the view shows: their tools/list entries name it. */
  tools: readonly string[];
  /** App-only tools the view reads from (src/views/tools.ts). */
  appTools: readonly string[];
}

export const VIEWS: readonly View[] = [
  {
    id: "contacts",
    uri: "ui://flownally/contacts.html",
    title: "Contacts",
    description: "A table of contacts with tags and field values, filters, paging, and tagging of selected rows.",
    tools: ["list_contacts", "segment_contacts"],
    appTools: ["view_contacts"],
  },
  {
    id: "contact",
    uri: "ui://flownally/contact.html",
    title: "Contact card",
    description: "One contact: identities, tags, field values and the event timeline.",
    tools: ["get_contact"],
    appTools: ["view_contact"],
  },
  {
    id: "conversation",
    uri: "ui://flownally/conversation.html",
    title: "Conversation",
    description: "A conversation as a chat, with delivery states, the reply window and a reply box.",
    tools: ["get_conversation", "list_conversation_messages"],
    appTools: ["view_conversation"],
  },
  {
    id: "import",
    uri: "ui://flownally/import.html",
    title: "Import report",
    description: "A CSV import: column mapping, row errors by row and column, then progress and counts.",
    tools: ["import_contacts", "get_import_status"],
    appTools: ["view_import"],
  },
  {
    id: "bulk",
    uri: "ui://flownally/bulk.html",
    title: "Bulk change",
    description:
      "A bulk tag change: what it will change, accept or decline, the job's live progress, its result, and undo.",
    tools: ["tag_contacts", "manage_job"],
    appTools: ["view_bulk"],
  },
];

/** The view showing `tool`'s results, if any. */
export function viewOf(tool: string): View | undefined {
  return VIEWS.find((v) => v.tools.includes(tool));
}
