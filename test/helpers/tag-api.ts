// A loopback API that only tags contacts, and counts what it is asked to do:
// how many writes changed a contact, how many came for a contact already in
// that state (a doubled change), how many repeated an Idempotency-Key (a safe
// retry), how many it refused with 429. Optionally slow (every answer after
// `latencyMs`), rate-limited (`perSecond` accepted requests in any second,
// 429 with Retry-After above it, on its own clock), or paused (writes held
// until resumed). Used by the job tests and by the job benchmark.

import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface TagApiOptions {
  contacts: number;
  tag?: { id: string; name: string };
  latencyMs?: number;
  /** Requests accepted in any 1,000 ms; more get 429 with Retry-After. */
  perSecond?: number;
  /** The rate limit's clock (ms); default the wall clock. */
  now?: () => number;
}

export interface TagApi {
  baseUrl: string;
  tagId: string;
  contactIds: readonly string[];
  /** Contacts that have the tag now. */
  readonly tagged: Set<string>;
  counts: {
    requests: number;
    /** GET /contacts/{id}. */
    contactReads: number;
    writes: number;
    changed: number;
    doubled: number;
    replayed: number;
    rateLimited: number;
  };
  /** Writes that arrived and are held while paused. */
  held(): number;
  /** Holds every write from now until resume(). */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

const PREFIX = "/v1";

export async function startTagApi(options: TagApiOptions): Promise<TagApi> {
  const tag = options.tag ?? { id: "tag_job", name: "Job" };
  const now = options.now ?? Date.now;
  const contactIds = Array.from({ length: options.contacts }, (_, i) => `con_${String(i).padStart(6, "0")}`);
  const known = new Set(contactIds);
  const tagged = new Set<string>();
  const keys = new Set<string>();
  const counts = { requests: 0, contactReads: 0, writes: 0, changed: 0, doubled: 0, replayed: 0, rateLimited: 0 };
  /** Times of the accepted requests within the last second. */
  const window: number[] = [];
  let paused = false;
  let waiting: (() => void)[] = [];

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    const type = status >= 400 ? "application/problem+json" : "application/json";
    res.writeHead(status, body === undefined ? headers : { "content-type": type, ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const contact = (id: string) => ({ id, name: `Person ${id}`, tagIds: tagged.has(id) ? [tag.id] : [] });

  const http = createServer(async (req, res) => {
    req.resume();
    // What it counted, for a benchmark that runs it in a process of its own; not part of the API, never limited.
    if (req.url === "/counts") return send(res, 200, { ...counts, tagged: tagged.size });
    counts.requests++;
    if (options.perSecond !== undefined) {
      const at = now();
      while (window.length > 0 && (window[0] ?? 0) <= at - 1_000) window.shift();
      if (window.length >= options.perSecond) {
        counts.rateLimited++;
        const seconds = Math.max(1, Math.ceil(((window[0] ?? at) + 1_000 - at) / 1_000));
        return send(res, 429, { status: 429, code: "rate_limited" }, { "retry-after": String(seconds) });
      }
      window.push(at);
    }
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.slice(PREFIX.length);
    if (req.method === "GET" && path === "/tags") {
      return send(res, 200, { tags: [{ ...tag, labeledCount: tagged.size }] });
    }
    if (req.method === "GET" && path === "/contacts") {
      const from = Number(url.searchParams.get("pageToken") ?? 0);
      const size = Number(url.searchParams.get("pageSize") ?? 50);
      const byTag = url.searchParams.getAll("tagIds").includes(tag.id);
      const archived = url.searchParams.get("archived") === "true";
      const all = archived ? [] : byTag ? contactIds.filter((id) => tagged.has(id)) : contactIds;
      const page = all.slice(from, from + size).map(contact);
      return send(res, 200, { contacts: page, nextPageToken: from + size < all.length ? String(from + size) : "" });
    }
    const one = /^\/contacts\/([^/]+)$/.exec(path);
    if (req.method === "GET" && one?.[1] && known.has(one[1])) {
      counts.contactReads++;
      return send(res, 200, contact(one[1]));
    }
    const write = /^\/contacts\/([^/]+)\/tags\/([^/]+)$/.exec(path);
    if (
      write?.[1] &&
      write[2] === tag.id &&
      known.has(write[1]) &&
      (req.method === "POST" || req.method === "DELETE")
    ) {
      if (paused) await new Promise<void>((resolve) => waiting.push(resolve));
      counts.writes++;
      const key = req.headers["idempotency-key"];
      if (typeof key === "string" && keys.has(key)) {
        counts.replayed++;
        return send(res, 204);
      }
      if (typeof key === "string") keys.add(key);
      const id = write[1];
      const add = req.method === "POST";
      if (tagged.has(id) === add) counts.doubled++;
      else {
        counts.changed++;
        if (add) tagged.add(id);
        else tagged.delete(id);
      }
      return send(res, 204);
    }
    send(res, 404, { status: 404, code: "not_found", title: "Not found" });
  });
  http.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  const resume = (): void => {
    paused = false;
    for (const go of waiting.splice(0)) go();
  };
  return {
    baseUrl: `http://127.0.0.1:${port}${PREFIX}`,
    tagId: tag.id,
    contactIds,
    tagged,
    counts,
    held: () => waiting.length,
    pause: () => {
      paused = true;
    },
    resume,
    close: () => {
      resume();
      waiting = [];
      http.closeAllConnections();
      return new Promise((resolve) => http.close(() => resolve()));
    },
  };
}
