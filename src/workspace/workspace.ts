// The workspace's definitions (tags, custom fields, event types, inboxes) as
// the server knows them: fetched whole (all pages, within bounds), kept
// briefly, dropped when our own tools change them, and announced to whoever
// listens (resources). One listing in flight serves every caller that asks
// meanwhile; it is stopped when the last of them is cancelled.

import { APIUserAbortError } from "../client/errors.js";
import type { ApiClient, PageLimits } from "../client/http.js";
import { type Definition, definitionShape } from "../client/shapes.js";
import { kept } from "../memo.js";
import { REFS } from "../refs.js";

export type { Definition };

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

/**
 * Bounds of a definitions listing: far above any real workspace's tags or
 * fields, far below what an API that pages without end would cost.
 */
export const DEFINITION_LIMITS: Partial<PageLimits> = { maxPages: 200, maxItems: 20_000 };

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

/** A listing in flight and how many callers wait for it. */
interface Listing {
  snapshot: Promise<Snapshot>;
  stop: AbortController;
  callers: number;
}

/** What every view of one client's workspace shares. */
class State {
  readonly cache = new Map<DefinitionKind, Snapshot>();
  readonly listings = new Map<DefinitionKind, Listing>();
  // Bumped by invalidate so a listing that started before a change is not cached after it.
  readonly generation = new Map<DefinitionKind, number>();
  readonly listeners = new Set<(change: Change) => void>();
}

export class Workspace {
  readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    readonly client: ApiClient,
    private readonly options: WorkspaceOptions = {},
    private readonly state = new State(),
    /** The caller's cancellation, for a view made by withSignal. */
    private readonly signal?: AbortSignal,
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** The same workspace (cache, listings, listeners) seen by one call: its waits end when `signal` aborts. */
  withSignal(signal: AbortSignal): Workspace {
    return new Workspace(this.client, this.options, this.state, signal);
  }

  /** The cached definitions when still fresh, without any request. */
  peek(kind: DefinitionKind): Snapshot | undefined {
    const snapshot = this.state.cache.get(kind);
    return snapshot && this.now() - snapshot.fetchedAt < this.ttlMs ? snapshot : undefined;
  }

  /**
   * The definitions, from the cache when fresh, else listed (every page).
   * `refresh` skips the cache. A listing already in flight is joined, not repeated.
   */
  async get(kind: DefinitionKind, options: { refresh?: boolean } = {}): Promise<Snapshot> {
    const cached = options.refresh ? undefined : this.peek(kind);
    if (cached) return cached;
    if (this.signal?.aborted) throw new APIUserAbortError();
    return this.join(kind, this.state.listings.get(kind) ?? this.list(kind));
  }

  /** Forget the cached definitions and tell listeners they changed. */
  invalidate(kind: DefinitionKind): void {
    const { cache, listings, generation } = this.state;
    cache.delete(kind);
    listings.delete(kind);
    generation.set(kind, (generation.get(kind) ?? 0) + 1);
    this.emit({ uri: DEFINITIONS[kind].uri, kind });
  }

  /** Tell listeners something other than definitions changed (one contact). */
  touched(uri: string): void {
    this.emit({ uri });
  }

  /** Listen for changes; returns the function that stops listening. */
  onChange(listener: (change: Change) => void): () => void {
    this.state.listeners.add(listener);
    return () => this.state.listeners.delete(listener);
  }

  private emit(change: Change): void {
    for (const listener of this.state.listeners) listener(change);
  }

  private list(kind: DefinitionKind): Listing {
    const { cache, listings, generation } = this.state;
    const started = generation.get(kind) ?? 0;
    const stop = new AbortController();
    const snapshot = this.fetch(kind, stop.signal).then((fetched) => {
      if ((generation.get(kind) ?? 0) === started) cache.set(kind, fetched);
      return fetched;
    });
    const listing: Listing = { snapshot, stop, callers: 0 };
    // Settled or stopped, it is no longer there to join.
    const forget = (): void => {
      if (listings.get(kind) === listing) listings.delete(kind);
    };
    snapshot.then(forget, forget);
    listings.set(kind, listing);
    return listing;
  }

  /**
   * Waits for a listing as one of its callers. A caller without a signal stays
   * to the end; one whose signal aborts leaves at once, and the last to leave
   * stops the listing and takes it out of the way, so a later call lists afresh
   * instead of waiting on it.
   */
  private join(kind: DefinitionKind, listing: Listing): Promise<Snapshot> {
    const { signal } = this;
    listing.callers++;
    return new Promise<Snapshot>((resolve, reject) => {
      let present = true;
      const leave = (): boolean => {
        if (!present) return false;
        present = false;
        signal?.removeEventListener("abort", onAbort);
        listing.callers--;
        return true;
      };
      const onAbort = (): void => {
        if (!leave()) return;
        if (listing.callers === 0) {
          listing.stop.abort();
          if (this.state.listings.get(kind) === listing) this.state.listings.delete(kind);
        }
        reject(new APIUserAbortError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      listing.snapshot.then(
        (snapshot) => {
          if (leave()) resolve(snapshot);
        },
        (err: unknown) => {
          if (leave()) reject(err);
        },
      );
    });
  }

  private async fetch(kind: DefinitionKind, signal: AbortSignal): Promise<Snapshot> {
    const source = DEFINITIONS[kind];
    const items: Definition[] = [];
    const query = source.pageSize === undefined ? {} : { pageSize: source.pageSize };
    const pages = this.client.paginate(
      { method: "GET", path: source.path, query, signal },
      source.itemsKey,
      DEFINITION_LIMITS,
    );
    for await (const item of pages) {
      const definition = definitionShape.safeParse(item);
      if (definition.success) items.push(definition.data);
    }
    return { items, fetchedAt: this.now() };
  }
}

// One Workspace per client: every server (HTTP sessions included) built on the
// same client shares the cache and hears the same invalidations.
const byClient = new WeakMap<ApiClient, Workspace>();

export function workspaceFor(client: ApiClient, options?: WorkspaceOptions): Workspace {
  return kept(byClient, client, () => new Workspace(client, options));
}
