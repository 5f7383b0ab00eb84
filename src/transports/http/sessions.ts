// 2025-era sessions (the default, one process): a client that opens with
// `initialize` gets an Mcp-Session-Id and keeps an MCP server for its
// connection, so everything the 2025 revision does between calls works —
// subscriptions and their notifications, list_changed, logging/setLevel,
// cancellation, questions to the client. Bound to the caller that made it,
// bounded per caller and in all, closed when idle.

import { randomUUID, timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { McpServer } from "@modelcontextprotocol/server";
import type { Config } from "../../config.js";
import { createServer } from "../../server.js";
import { SessionTransport } from "./session-transport.js";
import type { Tenant } from "./tenants.js";

export interface Session {
  id: string;
  identity: Buffer;
  tenant: Tenant;
  server: McpServer;
  transport: SessionTransport;
  lastSeen: number;
  /** Aborted when the session closes: what it started listening to stops. */
  ended: AbortController;
  /** Requests being served; a busy session never expires. */
  active: number;
  closed: boolean;
}

export interface SessionLimits {
  /** A session with no request for this long is closed. */
  idleMs: number;
  /** Sessions open at once, in all. */
  max: number;
  /** Sessions one caller may hold; its oldest idle one makes room for a new one. */
  perCaller: number;
  /** The transport's keep-alive interval (its default when unset). */
  keepAliveMs?: number | undefined;
}

export class Sessions {
  private readonly byId = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly config: Config,
    private readonly limits: SessionLimits,
    private readonly onClose: (session: Session) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(Math.max(limits.idleMs / 2, 250), 60_000));
    this.sweeper.unref();
  }

  get size(): number {
    return this.byId.size;
  }

  server(id: string): McpServer | undefined {
    return this.byId.get(id)?.server;
  }

  /** The session `id` names when it belongs to this caller; another caller's looks like none at all. */
  find(id: string, identity: Buffer): Session | undefined {
    const session = this.byId.get(id);
    if (!session || !timingSafeEqual(session.identity, identity)) return undefined;
    session.lastSeen = this.now();
    return session;
  }

  /** A new session for `initialize`, or undefined when no room can be made. */
  open(identity: Buffer, tenant: Tenant): Session | undefined {
    const mine = [...this.byId.values()].filter((s) => s.identity.equals(identity));
    if (mine.length >= this.limits.perCaller) {
      const oldestIdle = mine.filter((s) => s.active === 0).sort((a, b) => a.lastSeen - b.lastSeen)[0];
      if (!oldestIdle) return undefined;
      void this.close(oldestIdle);
    }
    if (this.byId.size >= this.limits.max) this.sweep();
    if (this.byId.size >= this.limits.max) return undefined;
    const ended = new AbortController();
    const id = randomUUID();
    const session: Session = {
      id,
      identity,
      tenant,
      ended,
      server: createServer(this.config, {
        client: tenant.client,
        files: tenant.files,
        changes: { kind: "connection", era: "legacy", closed: ended.signal },
      }),
      transport: new SessionTransport(id, this.limits.keepAliveMs),
      lastSeen: this.now(),
      active: 0,
      closed: false,
    };
    // DELETE /mcp from the client, or the server closing.
    session.transport.onclose = () => void this.close(session);
    this.byId.set(id, session);
    return session;
  }

  /** Counts a request against its session until its response is done: a busy session does not expire. */
  track(session: Session, res: ServerResponse): void {
    session.active++;
    res.once("close", () => {
      session.active--;
      session.lastSeen = this.now();
    });
  }

  async close(session: Session): Promise<void> {
    if (session.closed) return;
    session.closed = true;
    this.byId.delete(session.id);
    session.ended.abort();
    await session.server.close().catch(() => undefined);
    this.onClose(session);
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.byId.values()].map((s) => this.close(s)));
  }

  /** Closes sessions idle past the limit, even with a GET stream open: the client re-initializes on the 404. */
  sweep(): void {
    const now = this.now();
    for (const session of this.byId.values()) {
      if (session.active === 0 && now - session.lastSeen > this.limits.idleMs) void this.close(session);
    }
  }
}
