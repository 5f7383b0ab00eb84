// The only code that speaks HTTP to Flownally (or the sandbox): bearer auth,
// JSON in and out, multipart, per-attempt timeouts, retries, a fair per-process
// cap on requests in flight (pool.ts), bounded pagination, and secrets kept out
// of every answer it hands back. Knows nothing of MCP.

import { setTimeout as sleep } from "node:timers/promises";
import type { FormData } from "undici";
import { holdSecret } from "../log.js";
import { compileSecret, redactText, redactValue, type Secret } from "../redact.js";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  ApiError,
  ApiStatusError,
  BadResponseError,
  type HeaderLookup,
  NotFoundError,
  PagingLimitError,
  RateLimitError,
} from "./errors.js";
import { type ConnectionPool, createConnectionPool, loadUndici } from "./pool.js";
import { type QueryValue, toSearchParams } from "./query.js";
import { defaultRetryPolicy, isRetryable, type RetryPolicy, repeatable, retryDelay } from "./retry.js";
import { readPage } from "./shapes.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Time as the client sees it; tests pass their own. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: Date.now,
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : undefined),
};

/** Where a walk over pages stops, whatever the API answers (see paginate). */
export interface PageLimits {
  maxPages: number;
  maxItems: number;
  /** From the first page's request. */
  maxMs: number;
}

export const DEFAULT_PAGE_LIMITS: PageLimits = { maxPages: 1_000, maxItems: 100_000, maxMs: 5 * 60_000 };

export interface ClientOptions {
  baseUrl: string;
  /** Sent as the bearer token; a secret for the client's life: redacted from every answer and log line. */
  apiKey: string;
  userAgent: string;
  /** Per attempt, from sending to the last byte of the answer; time queued for a slot is not counted (FLOWNALLY_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Connections and the cap on requests in flight, shared with other clients; default: one of the client's own. */
  pool?: ConnectionPool;
  /** Requests in flight at once, for the pool the client makes when given none (FLOWNALLY_MAX_CONCURRENCY). */
  maxConcurrency?: number;
  /** Attempts after the first (FLOWNALLY_MAX_RETRIES). */
  maxRetries?: number;
  /** Total time from the first attempt within which retries happen (FLOWNALLY_RETRY_DEADLINE_MS). */
  retryDeadlineMs?: number;
  /** Back-off tuning; tests shorten it. */
  retry?: Partial<RetryPolicy>;
  /** Largest answer read, in bytes; a bigger one is a bad response, not an out-of-memory. */
  maxResponseBytes?: number;
  /** Bounds of every walk over pages, unless a caller narrows them. */
  pageLimits?: Partial<PageLimits>;
  clock?: Clock;
}

/** One part of a multipart body; the client builds the form, so callers need no HTTP library. */
export interface MultipartField {
  name: string;
  value: string | Blob;
  /** For a file part. */
  filename?: string;
}

export interface ApiRequest {
  method: HttpMethod;
  /** Path below the base URL, segments already encoded (see path.ts). */
  path: string;
  query?: Readonly<Record<string, QueryValue>> | undefined;
  /** JSON body. */
  body?: unknown;
  /** Multipart body; wins over `body`. */
  multipart?: readonly MultipartField[] | undefined;
  /** Sent as Idempotency-Key on every attempt; makes a POST safe to retry. */
  idempotencyKey?: string | undefined;
  /** Values that are secrets for this request's life (e.g. a token it carries): redacted from its answer and from logs. */
  secrets?: readonly string[] | undefined;
  signal?: AbortSignal | undefined;
  /**
   * The caller paces its own requests (a bulk job, src/jobs/pace.ts): a 429
   * comes back at once, for the caller to slow down and send again, instead of
   * this request alone waiting out its Retry-After while the others run on.
   */
  paced?: boolean | undefined;
}

export interface ApiResponse {
  status: number;
  /** Parsed JSON body, secrets redacted; undefined for 202/204 answers without one. */
  data: unknown;
  requestId: string | undefined;
  /**
   * A DELETE the API answered 404 that this client knows to be gone: it deleted
   * that path itself within DELETED_MEMORY_MS (`repeat`), or an earlier attempt
   * of this very request went unanswered and may have deleted it (`retried`).
   */
  alreadyGone?: "repeat" | "retried";
}

/** What tools call the API through: a FlownallyClient, or a view of one that records what it sends. */
export type ApiClient = Pick<FlownallyClient, "request" | "paginate" | "derivedSecret">;

/** How long a client remembers a path it deleted, so a repeat of that DELETE is told as such, not as a wrong id. */
const DELETED_MEMORY_MS = 10 * 60_000;
const DELETED_MEMORY_SIZE = 1000;

/** What every attempt of one request sends, built once so retries repeat it byte for byte. */
interface Prepared {
  method: HttpMethod;
  paced: boolean;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  multipart: readonly MultipartField[] | undefined;
  idempotencyKey: string | undefined;
  secrets: readonly Secret[];
}

/** Shortest retried attempt worth making when the deadline is near. */
const MIN_ATTEMPT_MS = 100;

export class FlownallyClient {
  private readonly base: string;
  private readonly pool: ConnectionPool;
  private readonly ownsPool: boolean;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly pageLimits: PageLimits;
  private readonly clock: Clock;
  private readonly secret: Secret;
  private readonly releaseSecret: () => void;
  /** URLs this client deleted, oldest first, with when. */
  private readonly deleted = new Map<string, number>();
  private closed = false;
  /** Work holding the client open (hold()), and whether close() waits for it to let go. */
  private holders = 0;
  private closeWhenReleased = false;
  private fingerprint: Promise<string> | undefined;

  constructor(private readonly options: ClientOptions) {
    // Keep the base's path prefix (https://host/v1 or http://127.0.0.1:1234/api/v1).
    this.base = options.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = {
      ...defaultRetryPolicy,
      ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
      ...(options.retryDeadlineMs !== undefined && { deadlineMs: options.retryDeadlineMs }),
      ...options.retry,
    };
    this.maxResponseBytes = options.maxResponseBytes ?? 50 * 1024 * 1024;
    this.pageLimits = { ...DEFAULT_PAGE_LIMITS, ...options.pageLimits };
    this.clock = options.clock ?? systemClock;
    this.ownsPool = options.pool === undefined;
    this.pool = options.pool ?? createConnectionPool({ maxConcurrency: options.maxConcurrency });
    this.secret = compileSecret(options.apiKey);
    this.releaseSecret = holdSecret(options.apiKey);
  }

  get baseUrl(): string {
    return this.base;
  }

  /** Requests running and queued right now, in this client's pool. */
  get inFlight(): { active: number; waiting: number } {
    return this.pool.limiter.stats;
  }

  /**
   * Sends a request, retrying what is safe to retry (see retry.ts) within the
   * attempt count and the deadline. Always settles: with the answer, or with an
   * ApiError (APIUserAbortError once the caller's signal fires, at once).
   */
  async request(req: ApiRequest): Promise<ApiResponse> {
    const releases = (req.secrets ?? []).map(holdSecret);
    try {
      return await this.send(this.prepare(req), req.signal);
    } finally {
      for (const release of releases) release();
    }
  }

  private async send(prepared: Prepared, signal: AbortSignal | undefined): Promise<ApiResponse> {
    let started: number | undefined;
    let timeoutMs = this.timeoutMs;
    /** An earlier attempt may have been carried out though its answer never came. */
    let unanswered = false;
    for (let retries = 0; ; retries++) {
      let error: ApiError;
      try {
        const res = await this.pool.limiter.run(
          () => {
            // The deadline counts from the first attempt sent, not from joining the queue.
            started ??= this.clock.now();
            return this.attempt(prepared, signal, timeoutMs);
          },
          this.options.apiKey,
          signal,
        );
        if (prepared.method === "DELETE") this.rememberDeleted(prepared.url);
        return res;
      } catch (err) {
        error = toApiError(err, signal, timeoutMs, repeatable(prepared.method, prepared.idempotencyKey !== undefined));
      }
      if (error instanceof APIUserAbortError || (prepared.paced && error instanceof RateLimitError)) throw error;
      if (prepared.method === "DELETE" && error instanceof NotFoundError) {
        const alreadyGone = unanswered ? "retried" : this.deletedRecently(prepared.url) ? "repeat" : undefined;
        if (alreadyGone) return { status: error.status, data: undefined, requestId: error.requestId, alreadyGone };
      }
      unanswered ||= !(error instanceof ApiStatusError) || error.status >= 500;
      if (
        retries >= this.retry.maxRetries ||
        !isRetryable(prepared.method, prepared.idempotencyKey !== undefined, error)
      )
        throw error;
      const delay = retryDelay(this.retry, retries + 1, error);
      if (delay === undefined) throw error;
      const remaining = this.retry.deadlineMs - (this.clock.now() - (started ?? this.clock.now())) - delay;
      if (remaining < Math.min(this.timeoutMs, MIN_ATTEMPT_MS)) throw error;
      try {
        await this.clock.sleep(delay, signal);
      } catch {
        throw new APIUserAbortError();
      }
      // The deadline bounds the retried attempts too, not only when they start.
      timeoutMs = Math.min(this.timeoutMs, remaining);
    }
  }

  private rememberDeleted(url: string): void {
    this.deleted.delete(url);
    this.deleted.set(url, this.clock.now());
    for (const oldest of this.deleted.keys()) {
      if (this.deleted.size <= DELETED_MEMORY_SIZE) break;
      this.deleted.delete(oldest);
    }
  }

  private deletedRecently(url: string): boolean {
    const at = this.deleted.get(url);
    return at !== undefined && this.clock.now() - at < DELETED_MEMORY_MS;
  }

  /**
   * Every item of every page, following `nextPageToken` until it runs out or a
   * bound is hit (PagingLimitError): pages, items, time. A page without the
   * `itemsKey` array, or a token given twice, is a BadResponseError: not knowing
   * the items is not the same as there being none.
   */
  async *paginate(req: ApiRequest, itemsKey: string, limits: Partial<PageLimits> = {}): AsyncGenerator<unknown> {
    const bounds = { ...this.pageLimits, ...limits };
    const started = this.clock.now();
    // Hashes of the tokens seen: an API that hands back one it gave before would loop for ever.
    // A hash, so memory follows the page count whatever the tokens' size.
    const seen = new Set<number>();
    let pages = 0;
    let items = 0;
    let pageToken: string | undefined;
    do {
      if (pages >= bounds.maxPages) throw new PagingLimitError(req.path, "pages", bounds.maxPages, pages, items);
      if (this.clock.now() - started >= bounds.maxMs)
        throw new PagingLimitError(req.path, "time", bounds.maxMs, pages, items);
      const query = { ...req.query, ...(pageToken ? { pageToken } : {}) };
      const { data } = await this.request({ ...req, query });
      pages++;
      const page = readPage(data, itemsKey, `GET ${req.path} answered without ${itemsKey}`);
      items += page.items.length;
      if (items > bounds.maxItems) throw new PagingLimitError(req.path, "items", bounds.maxItems, pages, items);
      yield* page.items;
      pageToken = page.next;
      if (pageToken !== undefined) {
        const hash = hash53(pageToken);
        if (seen.has(hash)) throw new BadResponseError(`GET ${req.path} repeated a nextPageToken; paging stopped`);
        seen.add(hash);
      }
    } while (pageToken);
  }

  /**
   * A short, stable name for the key that cannot be turned back into it: the
   * first 12 hex digits of its SHA-256 (what the journal and jobs record).
   */
  keyFingerprint(): Promise<string> {
    // Web Crypto's, which node loads on first use; node:crypto would load with this module, at start-up.
    this.fingerprint ??= globalThis.crypto.subtle
      .digest("SHA-256", new TextEncoder().encode(this.options.apiKey))
      .then((digest) => Buffer.from(digest).toString("hex").slice(0, 12));
    return this.fingerprint;
  }

  /**
   * A secret for one purpose, derived from the key: HMAC-SHA256 keyed with it
   * over "flownally-mcp <purpose>". Every process serving this key derives the
   * same one, another key or purpose an unrelated one, and it leads back to
   * nothing: the key itself never leaves the client (confirm.ts signs with it).
   */
  async derivedSecret(purpose: string): Promise<Uint8Array> {
    // Web Crypto, like keyFingerprint: node:crypto would load with this module, at start-up.
    const { subtle } = globalThis.crypto;
    const utf8 = new TextEncoder();
    const key = await subtle.importKey(
      "raw",
      utf8.encode(this.options.apiKey),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    return new Uint8Array(await subtle.sign("HMAC", key, utf8.encode(`flownally-mcp ${purpose}`)));
  }

  /**
   * Keeps the client open for work that outlives the call that started it (a
   * bulk job), until the returned function is called: a close() meanwhile (an
   * HTTP tenant evicted) takes effect when the last holder lets go.
   */
  hold(): () => void {
    this.holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders === 0 && this.closeWhenReleased) void this.close();
    };
  }

  /** Stops sending; closes the pool when it is the client's own. Its key stops being a held secret. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.holders > 0) {
      this.closeWhenReleased = true;
      return;
    }
    this.closed = true;
    this.releaseSecret();
    if (this.ownsPool) await this.pool.close();
  }

  private prepare(req: ApiRequest): Prepared {
    const search = req.query ? toSearchParams(req.query).toString() : "";
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: "application/json",
      "user-agent": this.options.userAgent,
    };
    let body: string | null = null;
    if (req.body !== undefined && !req.multipart) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(req.body);
    }
    const idempotencyKey = req.idempotencyKey || undefined;
    if (idempotencyKey !== undefined) headers["idempotency-key"] = idempotencyKey;
    return {
      method: req.method,
      paced: req.paced === true,
      url: `${this.base}${req.path}${search ? `?${search}` : ""}`,
      headers,
      body,
      multipart: req.multipart,
      idempotencyKey,
      secrets: req.secrets?.length ? [this.secret, ...req.secrets.map(compileSecret)] : [this.secret],
    };
  }

  private async attempt(p: Prepared, callerSignal: AbortSignal | undefined, timeoutMs: number): Promise<ApiResponse> {
    if (this.closed) throw new APIConnectionError("could not reach the API (client closed)", false);
    const [{ request, FormData }, dispatcher] = await Promise.all([loadUndici(), this.pool.dispatcher()]);
    // One signal for undici: the caller's cancellation or this attempt's timeout (from
    // here, as it is sent), whichever comes first; undici then closes the connection.
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    const res = await request(p.url, {
      method: p.method,
      headers: p.headers,
      body: p.multipart ? toForm(new FormData(), p.multipart) : p.body,
      signal,
      dispatcher,
    });
    const text = await readText(res.body, this.maxResponseBytes, res.statusCode);
    // Header values are echoed in summaries (request id, content type): an API could put the key there too.
    const headers = headerLookup(res.headers, p.secrets);
    const requestId = headers.get("x-request-id") ?? undefined;
    const status = res.statusCode;
    if (status >= 300 && status < 400) {
      throw new BadResponseError(`HTTP ${status} redirect instead of an answer; check FLOWNALLY_BASE_URL`, {
        status,
        requestId,
      });
    }
    if (status < 200 || status >= 300) {
      const problem = parseJsonObject(text);
      throw ApiStatusError.generate(
        status,
        headers,
        // An API or proxy that echoes the credential must not put it in front of the model.
        problem ? { problem: redactValue(problem, p.secrets) } : { unreadable: describeUnreadable(text) },
      );
    }
    return { status, data: redactValue(parseSuccessBody(status, headers, text, requestId), p.secrets), requestId };
  }
}

function toForm(form: FormData, fields: readonly MultipartField[]): FormData {
  for (const field of fields) {
    if (typeof field.value === "string") form.append(field.name, field.value);
    else form.append(field.name, field.value, field.filename);
  }
  return form;
}

/** Reads the whole body as UTF-8, refusing (and destroying) one larger than `max` bytes. */
async function readText(body: AsyncIterable<Buffer>, max: number, status: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    // Leaving the loop by throwing destroys the stream, so the rest is not downloaded.
    if (size > max) throw new BadResponseError(`HTTP ${status} with an answer over ${max} bytes`, { status });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function headerLookup(
  raw: Readonly<Record<string, string | string[] | undefined>>,
  secrets: readonly Secret[],
): HeaderLookup {
  return {
    get: (name) => {
      const value = raw[name];
      if (value === undefined) return null;
      return redactText(Array.isArray(value) ? value.join(", ") : value, secrets);
    },
  };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What an error body that is not a problem detail is, in a few words (it is never echoed). */
function describeUnreadable(text: string): string {
  if (text.trim() === "") return "an empty body";
  return /^\s*</.test(text) ? "an HTML page" : "a non-JSON body";
}

function parseSuccessBody(status: number, headers: HeaderLookup, text: string, requestId: string | undefined): unknown {
  const answer = { status, requestId };
  if (text.trim() === "") {
    if (status === 204 || status === 202 || status === 205) return undefined;
    throw new BadResponseError(`HTTP ${status} with an empty body where JSON was due`, answer);
  }
  const type = headers.get("content-type") ?? "";
  if (type !== "" && !/\bjson\b/i.test(type)) {
    const what = /html/i.test(type) ? "an HTML page" : `${type.split(";")[0]?.trim() || "a non-JSON body"}`;
    throw new BadResponseError(`HTTP ${status} answered ${what}, not JSON`, answer);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BadResponseError(`HTTP ${status} with invalid or truncated JSON`, answer);
  }
}

/** Error codes of a connection that failed before the request could be sent. */
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
  "UND_ERR_DESTROYED",
]);

/**
 * Names what went wrong with an attempt. The caller's cancellation wins over
 * everything; otherwise an abort can only be this attempt's own timeout. Once
 * the request may have been sent, a write that is not safe to repeat has an
 * unknown outcome.
 */
function toApiError(
  err: unknown,
  callerSignal: AbortSignal | undefined,
  timeoutMs: number,
  safeToRepeat: boolean,
): ApiError {
  if (callerSignal?.aborted) return new APIUserAbortError();
  if (err instanceof ApiError) return err;
  const name = err instanceof Error || err instanceof DOMException ? err.name : "";
  const code = err && typeof err === "object" && "code" in err && typeof err.code === "string" ? err.code : "";
  const sent = !NOT_SENT.has(code) && !/^ERR_TLS_|CERT|SELF_SIGNED/.test(code);
  const outcomeUnknown = sent && !safeToRepeat;
  if (name === "TimeoutError" || name === "AbortError" || /TIMEOUT/.test(code) || /Timeout/.test(name)) {
    return code === "UND_ERR_CONNECT_TIMEOUT"
      ? new APIConnectionTimeoutError("could not connect to the API in time", false)
      : new APIConnectionTimeoutError(`the API did not answer within ${formatMs(timeoutMs)}`, outcomeUnknown);
  }
  const why = code ? ` (${code})` : "";
  return outcomeUnknown
    ? new APIConnectionError(`the connection failed${why} after the request was sent`, true)
    : new APIConnectionError(`could not reach the API${why}`, false);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/**
 * A 53-bit hash of a string (cyrb53). Two distinct page tokens share one with a
 * chance of about pages² / 2⁵⁴: never, at the page bound.
 */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A fresh key for a write that must not happen twice; reused across its retries. */
export function newIdempotencyKey(): string {
  // Web Crypto's, which node loads on first use; node:crypto would load with this module, at start-up.
  return globalThis.crypto.randomUUID();
}
