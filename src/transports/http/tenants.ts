// Everything the HTTP server keeps per Flownally key, and nothing per request
// or per caller beyond it: one API client, one workspace cache, and one
// 2026-era handler whose change bus reaches only listeners holding that key.
// A per-user key is proven against the API before anything is kept for it.

import { createMcpHandler, type McpHttpHandler } from "@modelcontextprotocol/server";
import { ApiError } from "../../client/errors.js";
import type { ClientOptions, FlownallyClient } from "../../client/http.js";
import type { Config } from "../../config.js";
import { FileRoots } from "../../files/roots.js";
import { log } from "../../log.js";
import { createServer } from "../../server.js";
import { workspaceFor } from "../../workspace/index.js";

export interface Tenant {
  client: FlownallyClient;
  /** 2026-era requests (and, with --stateless, 2025-era ones), served per request. */
  handler: McpHttpHandler;
  files: FileRoots;
  /** Requests and sessions using it now; a tenant in use is never evicted. */
  users: number;
  close(): Promise<void>;
}

export interface TenantOptions {
  config: Config;
  /** Builds the API client for a key (the transport's shared pool and settings). */
  newClient(apiKey: string): FlownallyClient;
  /** Serve 2025-era requests per request too (--stateless), rather than leaving them to sessions. */
  stateless: boolean;
  /** Tenants kept at once; the least recently used idle one makes room. */
  max: number;
}

export class Tenants {
  private readonly byIdentity = new Map<string, Tenant>();

  constructor(private readonly options: TenantOptions) {}

  get size(): number {
    return this.byIdentity.size;
  }

  /** The tenant for `identity`, made on first use; undefined when every slot is busy. */
  acquire(identity: Buffer, apiKey: string): Tenant | undefined {
    const key = identity.toString("hex");
    let tenant = this.byIdentity.get(key);
    if (tenant) {
      // Most recently used last: Map keeps insertion order.
      this.byIdentity.delete(key);
    } else {
      if (this.byIdentity.size >= this.options.max && !this.evictOne()) return undefined;
      tenant = this.make(apiKey);
    }
    this.byIdentity.set(key, tenant);
    tenant.users++;
    return tenant;
  }

  release(tenant: Tenant): void {
    tenant.users--;
  }

  async closeAll(): Promise<void> {
    const all = [...this.byIdentity.values()];
    this.byIdentity.clear();
    await Promise.all(all.map((t) => t.close()));
  }

  private evictOne(): boolean {
    for (const [key, tenant] of this.byIdentity) {
      if (tenant.users > 0) continue;
      this.byIdentity.delete(key);
      void tenant.close();
      return true;
    }
    return false;
  }

  private make(apiKey: string): Tenant {
    const { config, stateless } = this.options;
    const client = this.options.newClient(apiKey);
    // Files only under FLOWNALLY_FILE_ROOTS, and none when it is unset: the
    // caller is remote, so neither its roots nor our working directory apply.
    const files = new FileRoots(config.fileRoots ?? []);
    const handler = createMcpHandler(() => createServer(config, { client, files, changes: { kind: "entry" } }), {
      legacy: stateless ? "stateless" : "reject",
      onerror: (err) => log(`HTTP: ${err.message}`),
    });
    // Changes this key's calls make reach this key's subscriptions/listen streams, and no one else's.
    const stop = workspaceFor(client).onChange((change) => {
      if (change.kind) handler.notify.resourcesChanged();
      handler.notify.resourceUpdated(change.uri);
    });
    return {
      client,
      handler,
      files,
      users: 0,
      close: async () => {
        stop();
        await handler.close().catch(() => undefined);
        await client.close().catch(() => undefined);
      },
    };
  }
}

type Verdict = "valid" | "invalid" | "unknown";

/**
 * Which per-user keys Flownally accepts, by digest, so a made-up token costs
 * one API request and never a tenant or a session. `GET /users/me` proves the
 * key: 401 refuses it; 200, 403 (a key without user:read_self) or 404 show
 * Flownally knows it; a 429, a 5xx or no answer decide nothing. A verdict is kept for a while, a refusal
 * for less; an API that cannot be reached decides nothing.
 */
export class KeyVerdicts {
  private readonly verdicts = new Map<string, { valid: boolean; until: number }>();
  private readonly pending = new Map<string, Promise<Verdict>>();

  constructor(
    private readonly newClient: (apiKey: string, overrides: Partial<ClientOptions>) => FlownallyClient,
    private readonly limits = { max: 10_000, validMs: 10 * 60_000, invalidMs: 60_000, inFlight: 32 },
    private readonly now: () => number = Date.now,
  ) {}

  async check(identity: Buffer, apiKey: string): Promise<Verdict | "busy"> {
    const key = identity.toString("hex");
    const known = this.verdicts.get(key);
    if (known && known.until > this.now()) return known.valid ? "valid" : "invalid";
    const running = this.pending.get(key);
    if (running) return running;
    if (this.pending.size >= this.limits.inFlight) return "busy";
    const verdict = this.prove(apiKey).then((v) => {
      this.pending.delete(key);
      if (v !== "unknown") this.remember(key, v === "valid");
      return v;
    });
    this.pending.set(key, verdict);
    return verdict;
  }

  private remember(key: string, valid: boolean): void {
    this.verdicts.delete(key);
    if (this.verdicts.size >= this.limits.max) {
      const oldest = this.verdicts.keys().next().value;
      if (oldest !== undefined) this.verdicts.delete(oldest);
    }
    this.verdicts.set(key, { valid, until: this.now() + (valid ? this.limits.validMs : this.limits.invalidMs) });
  }

  private async prove(apiKey: string): Promise<Verdict> {
    const client = this.newClient(apiKey, { maxRetries: 0 });
    try {
      await client.request({ method: "GET", path: "/users/me" });
      return "valid";
    } catch (err) {
      if (!(err instanceof ApiError)) return "unknown";
      if (err.status === 401) return "invalid";
      return err.status === 403 || err.status === 404 ? "valid" : "unknown";
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}
