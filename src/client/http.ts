// The only code that speaks HTTP to Flownally (or the sandbox): bearer auth,
// JSON in and out, multipart, a keep-alive pool, per-attempt timeouts,
// retries, a cap on requests in flight, and pagination. Knows nothing of MCP.

import { setTimeout as sleep } from "node:timers/promises";
import type { Dispatcher, FormData } from "undici";
import { redactSecret } from "../log.js";
import { ApiError, type HeaderLookup } from "./errors.js";
import { Limiter } from "./limit.js";
import { type QueryValue, toSearchParams } from "./query.js";
import { defaultRetryPolicy, isRetryable, type RetryPolicy, retryDelay } from "./retry.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
  /** Per attempt, from sending to the last byte of the answer (FLOWNALLY_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Requests in flight at once, per client (FLOWNALLY_MAX_CONCURRENCY). */
  maxConcurrency?: number;
  /** Attempts after the first (FLOWNALLY_MAX_RETRIES). */
  maxRetries?: number;
  /** Total time from the first attempt within which retries happen (FLOWNALLY_RETRY_DEADLINE_MS). */
  retryDeadlineMs?: number;
  /** Back-off tuning; tests shorten it. */
  retry?: Partial<RetryPolicy>;
  /** Largest answer read, in bytes; a bigger one is a bad response, not an out-of-memory. */
  maxResponseBytes?: number;
  /** undici dispatcher to use instead of the built-in keep-alive pool (tests pass a MockAgent). */
  dispatcher?: Dispatcher;
  /** How the wait between attempts is made; tests pass one that records the delay instead of waiting it out. */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

export interface ApiRequest {
  method: HttpMethod;
  /** Path below the base URL, segments already encoded (see path.ts). */
  path: string;
  query?: Readonly<Record<string, QueryValue>> | undefined;
  /** JSON body. */
  body?: unknown;
  /** Multipart body; wins over `body`. */
  form?: FormData | undefined;
  /** Sent as Idempotency-Key on every attempt; makes a POST safe to retry. */
  idempotencyKey?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface ApiResponse {
  status: number;
  /** Parsed JSON body; undefined for 202/204 answers without one. */
  data: unknown;
  requestId: string | undefined;
}

/** What every attempt of one request sends, built once so retries repeat it byte for byte. */
interface Prepared {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body: string | FormData | null;
  idempotencyKey: string | undefined;
}

/** Shortest retried attempt worth making when the deadline is near. */
const MIN_ATTEMPT_MS = 100;
/** How long close() lets requests in flight finish before cutting them off. */
const CLOSE_GRACE_MS = 1_000;

type Undici = typeof import("undici").default;
let undici: Promise<Undici> | undefined;

/**
 * undici, loaded on the first request rather than at start-up: evaluating it
 * costs more than the rest of initialize and tools/list together, and neither
 * needs it. The bundle keeps it behind this one dynamic import.
 */
function loadUndici(): Promise<Undici> {
  // `default` is module.exports (undici is CommonJS), under Node and in the bundle alike.
  undici ??= import("undici").then((m) => m.default);
  return undici;
}

export class FlownallyClient {
  private readonly base: string;
  /** The caller's dispatcher, or our keep-alive pool once the first request made it. */
  private dispatcher: Dispatcher | undefined;
  private readonly limiter: Limiter;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly connections: number;
  private closed = false;

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
    this.connections = options.maxConcurrency ?? 16;
    this.limiter = new Limiter(this.connections);
    this.dispatcher = options.dispatcher;
  }

  get baseUrl(): string {
    return this.base;
  }

  /** Requests running and queued right now. */
  get inFlight(): { active: number; waiting: number } {
    return this.limiter.stats;
  }

  /**
   * Sends a request, retrying what is safe to retry (see retry.ts) within the
   * attempt count and the deadline. Always settles: with the answer, or with an
   * ApiError (kind "aborted" once the caller's signal fires, at once).
   */
  async request(req: ApiRequest): Promise<ApiResponse> {
    const prepared = this.prepare(req);
    const { signal } = req;
    const started = Date.now();
    let timeoutMs = this.timeoutMs;
    for (let retries = 0; ; retries++) {
      let error: ApiError;
      try {
        return await this.limiter.run(() => this.attempt(prepared, signal, timeoutMs), signal);
      } catch (err) {
        error = toApiError(err, signal, timeoutMs);
      }
      if (error.kind === "aborted") throw error;
      if (retries >= this.retry.maxRetries || !isRetryable(req.method, prepared.idempotencyKey !== undefined, error))
        throw error;
      const delay = retryDelay(this.retry, retries + 1, error);
      if (delay === undefined) throw error;
      const remaining = this.retry.deadlineMs - (Date.now() - started) - delay;
      if (remaining < Math.min(this.timeoutMs, MIN_ATTEMPT_MS)) throw error;
      try {
        await (this.options.sleep ?? wait)(delay, signal);
      } catch {
        throw cancelled();
      }
      // The deadline bounds the retried attempts too, not only when they start.
      timeoutMs = Math.min(this.timeoutMs, remaining);
    }
  }

  /**
   * Every item of every page, following `nextPageToken` until it runs out. A page
   * without the `itemsKey` array is an error: not knowing the items is not the same as there being none.
   */
  async *paginate(req: ApiRequest, itemsKey: string): AsyncGenerator<unknown> {
    let pageToken: string | undefined;
    // An API that hands back a token it gave before would loop for ever.
    const seen = new Set<string>();
    do {
      const query = { ...req.query, ...(pageToken ? { pageToken } : {}) };
      const { data } = await this.request({ ...req, query });
      const page = (data ?? {}) as Record<string, unknown>;
      const items = page[itemsKey];
      if (!Array.isArray(items)) {
        throw new ApiError({ kind: "bad_response", message: `GET ${req.path} answered without ${itemsKey}` });
      }
      yield* items;
      pageToken = typeof page.nextPageToken === "string" && page.nextPageToken !== "" ? page.nextPageToken : undefined;
      if (pageToken !== undefined) {
        if (seen.has(pageToken)) {
          throw new ApiError({
            kind: "bad_response",
            message: `GET ${req.path} repeated a nextPageToken; paging stopped`,
          });
        }
        seen.add(pageToken);
      }
    } while (pageToken);
  }

  /** Lets requests in flight finish for a moment, then cuts them off, so shutdown never waits on a hung API. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.dispatcher;
    if (this.options.dispatcher || !pool) return;
    const closed = pool.close();
    const timer = sleep(CLOSE_GRACE_MS, "timeout", { ref: false });
    if ((await Promise.race([closed.then(() => "closed"), timer])) === "timeout") await pool.destroy();
  }

  private prepare(req: ApiRequest): Prepared {
    const search = req.query ? toSearchParams(req.query).toString() : "";
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: "application/json",
      "user-agent": this.options.userAgent,
    };
    let body: string | FormData | null = null;
    if (req.form) {
      body = req.form;
    } else if (req.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(req.body);
    }
    const idempotencyKey = req.idempotencyKey || undefined;
    if (idempotencyKey !== undefined) headers["idempotency-key"] = idempotencyKey;
    return {
      method: req.method,
      url: `${this.base}${req.path}${search ? `?${search}` : ""}`,
      headers,
      body,
      idempotencyKey,
    };
  }

  private async attempt(p: Prepared, callerSignal: AbortSignal | undefined, timeoutMs: number): Promise<ApiResponse> {
    // One signal for undici: the caller's cancellation or this attempt's timeout,
    // whichever comes first; undici then closes the connection and destroys the body.
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    const { request, Agent } = await loadUndici();
    if (!this.dispatcher) {
      // A pool made after close() would never be closed.
      if (this.closed) throw new ApiError({ kind: "network", message: "could not reach the API (client closed)" });
      this.dispatcher = new Agent({
        connections: this.connections,
        keepAliveTimeout: 10_000,
        pipelining: 1,
        // Our per-attempt timeout governs; undici's own (300 s by default) must not outlast it.
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    }
    const res = await request(p.url, {
      method: p.method,
      headers: p.headers,
      body: p.body,
      signal,
      dispatcher: this.dispatcher,
    });
    const text = await readText(res.body, this.maxResponseBytes, res.statusCode);
    const headers = headerLookup(res.headers);
    const requestId = headers.get("x-request-id") ?? undefined;
    if (res.statusCode >= 300 && res.statusCode < 400) {
      throw new ApiError({
        kind: "bad_response",
        status: res.statusCode,
        requestId,
        message: `HTTP ${res.statusCode} redirect instead of an answer; check FLOWNALLY_BASE_URL`,
      });
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      // An API or proxy that echoes the credential must not put it in front of the model.
      throw ApiError.fromResponse(res.statusCode, headers, redactSecret(text, this.options.apiKey));
    }
    return { status: res.statusCode, data: parseSuccessBody(res.statusCode, headers, text), requestId };
  }
}

/** Reads the whole body as UTF-8, refusing (and destroying) one larger than `max` bytes. */
async function readText(body: AsyncIterable<Buffer>, max: number, status: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    // Leaving the loop by throwing destroys the stream, so the rest is not downloaded.
    if (size > max)
      throw new ApiError({ kind: "bad_response", status, message: `HTTP ${status} with an answer over ${max} bytes` });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function headerLookup(raw: Readonly<Record<string, string | string[] | undefined>>): HeaderLookup {
  return {
    get: (name) => {
      const value = raw[name];
      return Array.isArray(value) ? value.join(", ") : (value ?? null);
    },
  };
}

function parseSuccessBody(status: number, headers: HeaderLookup, text: string): unknown {
  if (text.trim() === "") {
    if (status === 204 || status === 202 || status === 205) return undefined;
    throw new ApiError({
      kind: "bad_response",
      status,
      message: `HTTP ${status} with an empty body where JSON was due`,
    });
  }
  const type = headers.get("content-type") ?? "";
  if (type !== "" && !/\bjson\b/i.test(type)) {
    const what = /html/i.test(type) ? "an HTML page" : `${type.split(";")[0]?.trim() || "a non-JSON body"}`;
    throw new ApiError({ kind: "bad_response", status, message: `HTTP ${status} answered ${what}, not JSON` });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError({ kind: "bad_response", status, message: `HTTP ${status} with invalid or truncated JSON` });
  }
}

/** A real wait, cut short (rejecting) when the caller cancels. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return sleep(ms, undefined, signal ? { signal } : undefined);
}

function cancelled(): ApiError {
  return new ApiError({ kind: "aborted", message: "request cancelled" });
}

/**
 * Names what went wrong with an attempt. The caller's cancellation wins over
 * everything; otherwise an abort can only be this attempt's own timeout.
 */
function toApiError(err: unknown, callerSignal: AbortSignal | undefined, timeoutMs: number): ApiError {
  if (callerSignal?.aborted) return cancelled();
  if (err instanceof ApiError) return err;
  const name = err instanceof Error || err instanceof DOMException ? err.name : "";
  const code = err && typeof err === "object" && "code" in err && typeof err.code === "string" ? err.code : "";
  if (name === "TimeoutError" || name === "AbortError" || /TIMEOUT/.test(code) || /Timeout/.test(name)) {
    const connect = code === "UND_ERR_CONNECT_TIMEOUT";
    return new ApiError({
      kind: "timeout",
      message: connect
        ? "could not connect to the API in time"
        : `the API did not answer within ${formatMs(timeoutMs)}`,
    });
  }
  return new ApiError({ kind: "network", message: `could not reach the API${code ? ` (${code})` : ""}` });
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** A fresh key for a write that must not happen twice; reused across its retries. */
export function newIdempotencyKey(): string {
  // Web Crypto's, which node loads on first use; node:crypto would load with this module, at start-up.
  return globalThis.crypto.randomUUID();
}
