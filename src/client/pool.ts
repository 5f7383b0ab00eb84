// The connections to the API and the cap on requests in flight, shared by every
// client of a process: FLOWNALLY_MAX_CONCURRENCY holds per process, however
// many sessions or keys there are. The HTTP transport makes one for all its
// clients; a client made without one makes its own (stdio has one client).

import type { Dispatcher } from "undici";
import { Limiter } from "./limit.js";

export interface PoolOptions {
  /** Requests in flight at once across every client of the pool (FLOWNALLY_MAX_CONCURRENCY; default 16). */
  maxConcurrency?: number | undefined;
}

/** How long close() lets requests in flight finish before cutting them off. */
const CLOSE_GRACE_MS = 1_000;

type Undici = typeof import("undici").default;
let undici: Promise<Undici> | undefined;

/**
 * undici, loaded on the first request rather than at start-up: evaluating it
 * costs more than the rest of initialize and tools/list together, and neither
 * needs it. The bundle keeps it behind this one dynamic import.
 */
export function loadUndici(): Promise<Undici> {
  // `default` is module.exports (undici is CommonJS), under Node and in the bundle alike.
  undici ??= import("undici").then((m) => m.default);
  return undici;
}

export class ConnectionPool {
  /** Who may send next; fair between API keys. */
  readonly limiter: Limiter;
  private agent: Dispatcher | undefined;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.limiter = new Limiter(options.maxConcurrency ?? 16);
  }

  /** The dispatcher requests go through, made on first use. */
  async dispatcher(): Promise<Dispatcher> {
    if (this.agent) return this.agent;
    const { Agent } = await loadUndici();
    // A pool made after close() would never be closed.
    if (this.closed) throw new Error("connection pool closed");
    this.agent ??= new Agent({
      // As many connections as requests may be in flight: none waits inside undici, where
      // the wait would count against its attempt's timeout.
      connections: this.limiter.max,
      keepAliveTimeout: 10_000,
      pipelining: 1,
      // Each attempt's own timeout governs (http.ts); undici's (300 s by default) must not cut in.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    return this.agent;
  }

  /** Lets requests in flight finish for a moment, then cuts them off, so shutdown never waits on a hung API. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.agent;
    if (!pool) return;
    const closed = pool.close().then(() => "closed" as const);
    const timer = new Promise<"timeout">((resolve) => setTimeout(resolve, CLOSE_GRACE_MS, "timeout").unref());
    if ((await Promise.race([closed, timer])) === "timeout") await pool.destroy();
  }
}

/** One pool for every client of the process: give it to each (ClientOptions.pool), close it last. */
export function createConnectionPool(options: PoolOptions = {}): ConnectionPool {
  return new ConnectionPool(options);
}
