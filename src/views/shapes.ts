// What the views' app-only tools answer (src/views/tools.ts) and the views read
// (src/views/web/): display-ready, names beside ids. No imports, so the server
// and the browser code both compile it.

export interface Named {
  id: string;
  name: string;
}

/** A contact custom field: values sit under `key` in a contact's customFields. */
export interface FieldDef extends Named {
  key: string;
  type?: string;
}

export interface ContactRow {
  id: string;
  name: string;
  phone?: string;
  email?: string;
  tags: Named[];
  /** Field values by field key. */
  fields: Record<string, string>;
  archived: boolean;
  createdAt?: string;
}

/** view_contacts: one page of the contacts table. */
export interface ContactsPage {
  contacts: ContactRow[];
  nextPageToken?: string;
  /** Every contact matching the filters, when counting was asked for. */
  total?: number;
  /** Every tag (chips, filters and the tag picker) and every contact field. */
  tags: Named[];
  fields: FieldDef[];
  /** Whether this server serves tag_contacts, which the table's "Tag…" and "Untag…" call. */
  canTag: boolean;
}

export interface Identity {
  channel: string;
  address: string;
}

export interface TimelineEvent {
  id: string;
  type: string;
  at: string;
  /** The payload as short "key: value" pairs. */
  details: string[];
}

/** view_contact: the contact card. */
export interface ContactCard {
  contact: ContactRow & { identities: Identity[]; archivedAt?: string; updatedAt?: string };
  fields: FieldDef[];
  /** Newest first. */
  events: TimelineEvent[];
  moreEvents: boolean;
}

export interface ThreadMessage {
  id: string;
  direction: "inbound" | "outbound";
  /** text, template or media. */
  kind: string;
  text: string;
  /** accepted, sent, delivered, read or failed. */
  status: string;
  at: string;
}

export interface ReplyWindow {
  canSend: boolean;
  reason?: string;
  expiresAt?: string;
}

export interface Template {
  name: string;
  language: string;
  body?: string;
}

/** view_conversation: the conversation thread. */
export interface Thread {
  conversation: { id: string; status: string; channel: string };
  contact?: { id: string; name: string; phone?: string };
  inbox?: Named & { channel: string };
  window: ReplyWindow;
  /** Oldest first. */
  messages: ThreadMessage[];
  /** Continues with older messages. */
  olderPageToken?: string;
  /** Approved WhatsApp templates of the inbox, for a reply when the window is closed. */
  templates: Template[];
  /** Whether this server serves send_conversation_message, which the reply box calls. */
  canReply: boolean;
}

export interface RowError {
  /** The CSV line: the header is row 1. */
  row: number;
  column?: string;
  message: string;
}

export interface ImportState {
  importId: string;
  /** pending, processing, completed or failed. */
  status: string;
  totalRows: number;
  successCount: number;
  failedCount: number;
  errors: RowError[];
}

/** view_import: the contact fields (to name mapped columns) and, given an import id, its state. */
export interface ImportView {
  fields: FieldDef[];
  import?: ImportState;
}

export interface JobFailure {
  contactId: string;
  /** The contact's name, or its id when it has none (or cannot be read). */
  name: string;
  error: string;
}

/** A bulk job as manage_job reports it, with the failing contacts named. */
export interface JobState {
  id: string;
  /** The tool that started it: tag_contacts, or manage_job for an undo. */
  tool: string;
  tag?: Named;
  action?: "add" | "remove";
  /** running, done, cancelled, stopped or interrupted. */
  status: string;
  reason?: string;
  total: number;
  done: number;
  applied: number;
  unchanged: number;
  failed: number;
  /** The first failures (manage_job lists up to 50), while this process has the job. */
  failures: JobFailure[];
  undoOf?: string;
  undoneBy?: string;
}

/** view_bulk: a job's state, and the names of given contacts (a preview's sample). */
export interface BulkView {
  job?: JobState;
  contacts: Named[];
  /** Whether this server serves manage_job, which the view's Undo and Cancel call. */
  canManage: boolean;
}
