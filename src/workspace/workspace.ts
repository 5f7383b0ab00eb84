// The workspace's definitions (tags, custom fields, event types, inboxes) as
// the server knows them: fetched whole (all pages), kept briefly, dropped when
// our own tools change them, and announced to whoever listens (resources).

import type { FlownallyClient } from "../client/http.js";
import { REFS } from "../refs.js";

export type DefinitionKind = "tags" | "contactFields" | "propertyFields" | "eventTypes" | "inboxes";

export interface DefinitionSource {
  /** The resource that shows them. */
  uri: string;
  /** The API collection they are listed from. */
  path: string;
  /** The list answer's array attribute. */
  itemsKey: string;
  /** pageSize asked for, where the collection pages (event types); the others answer whole. */
  pageSize?: number;
  /** The tool that lists them. */
  listTool: string;
}

/** How a kind of definitions is listed; its resource and list tool are the ref table's (src/refs.ts). */
function definitions(kind: DefinitionKind, how: Pick<DefinitionSource, "path" | "itemsKey" | "pageSize">) {
  const { resource, from } = REFS[kind];
  if (!resource || !from) throw new Error(`REFS.${kind} needs a resource and a list tool`);
  return { ...how, uri: resource, listTool: from };
}

export const DEFINITIONS: Readonly<Record<DefinitionKind, DefinitionSource>> = {
  tags: definitions("tags", { path: "/tags", itemsKey: "tags" }),
  contactFields: definitions("contactFields", { path: "/contacts/custom-fields", itemsKey: "customFields" }),
  propertyFields: definitions("propertyFields", { path: "/properties/custom-fields", itemsKey: "customFields" }),
  eventTypes: definitions("eventTypes", { path: "/event-types", itemsKey: "eventTypes", pageSize: 100 }),
  inboxes: definitions("inboxes", { path: "/inboxes", itemsKey: "inboxes" }),
};

export const DEFINITION_KINDS = Object.keys(DEFINITIONS) as DefinitionKind[];

export function isDefinitionKind(kind: string): kind is DefinitionKind {
  return Object.hasOwn(DEFINITIONS, kind);
}

/** One definition as the API lists it; `id` and `name` are all the lookups rely on. */
export interface Definition {
  id: string;
  name: string;
  readonly [attribute: string]: unknown;
}

export interface Snapshot {
  items: readonly Definition[];
  fetchedAt: number;
}

/** Something changed at `uri`: a definitions resource (`kind` set) or one contact. */
export interface Change {
  uri: string;
  kind?: DefinitionKind;
}

export interface WorkspaceOptions {
  /** How long definitions are reused before they are listed again. */
  ttlMs?: number;
  now?: () => number;
}

export const DEFAULT_TTL_MS = 30_000;

export class Workspace {
  private readonly cache = new Map<DefinitionKind, Snapshot>();
  private readonly inflight = new Map<DefinitionKind, Promise<Snapshot>>();
  // Bumped by invalidate so a listing that started before a change is not cached after it.
  private readonly generation = new Map<DefinitionKind, number>();
  private readonly listeners = new Set<(change: Change) => void>();
  readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    readonly client: FlownallyClient,
    options: WorkspaceOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** The cached definitions when still fresh, without any request. */
  peek(kind: DefinitionKind): Snapshot | undefined {
    const snapshot = this.cache.get(kind);
    return snapshot && this.now() - snapshot.fetchedAt < this.ttlMs ? snapshot : undefined;
  }

  /** The definitions, from the cache when fresh, else listed (every page). `refresh` skips the cache. */
  async get(kind: DefinitionKind, options: { refresh?: boolean } = {}): Promise<Snapshot> {
    const cached = options.refresh ? undefined : this.peek(kind);
    if (cached) return cached;
    const running = this.inflight.get(kind);
    if (running) return running;
    const generation = this.generation.get(kind) ?? 0;
    const pending: Promise<Snapshot> = this.fetch(kind)
      .then((snapshot) => {
        if ((this.generation.get(kind) ?? 0) === generation) this.cache.set(kind, snapshot);
        return snapshot;
      })
      .finally(() => {
        if (this.inflight.get(kind) === pending) this.inflight.delete(kind);
      });
    this.inflight.set(kind, pending);
    return pending;
  }

  /** Forget the cached definitions and tell listeners they changed. */
  invalidate(kind: DefinitionKind): void {
    this.cache.delete(kind);
    this.inflight.delete(kind);
    this.generation.set(kind, (this.generation.get(kind) ?? 0) + 1);
    this.emit({ uri: DEFINITIONS[kind].uri, kind });
  }

  /** Tell listeners something other than definitions changed (one contact). */
  touched(uri: string): void {
    this.emit({ uri });
  }

  /** Listen for changes; returns the function that stops listening. */
  onChange(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: Change): void {
    for (const listener of this.listeners) listener(change);
  }

  private async fetch(kind: DefinitionKind): Promise<Snapshot> {
    const source = DEFINITIONS[kind];
    const items: Definition[] = [];
    const query = source.pageSize === undefined ? {} : { pageSize: source.pageSize };
    for await (const item of this.client.paginate({ method: "GET", path: source.path, query }, source.itemsKey)) {
      if (isDefinition(item)) items.push(item);
    }
    return { items, fetchedAt: this.now() };
  }
}

function isDefinition(item: unknown): item is Definition {
  if (!item || typeof item !== "object") return false;
  const record = item as Record<string, unknown>;
  return typeof record.id === "string" && typeof record.name === "string";
}

// One Workspace per client: every server (HTTP sessions included) built on the
// same client shares the cache and hears the same invalidations.
const byClient = new WeakMap<FlownallyClient, Workspace>();

export function workspaceFor(client: FlownallyClient, options?: WorkspaceOptions): Workspace {
  let workspace = byClient.get(client);
  if (!workspace) {
    workspace = new Workspace(client, options);
    byClient.set(client, workspace);
  }
  return workspace;
}
