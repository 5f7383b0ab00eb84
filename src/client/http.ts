// The only code that speaks HTTP to Flownally (or the sandbox): bearer auth,
// JSON in and out, multipart, a keep-alive pool, per-attempt timeouts,
// retries, a cap on requests in flight, and pagination. Knows nothing of MCP.

import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, type Dispatcher, type FormData, request } from "undici";
import { ApiError } from "./errors.js";
import { Limiter } from "./limit.js";
import { type QueryValue, toSearchParams } from "./query.js";
import { defaultRetryPolicy, isRetryable, type RetryPolicy, retryDelay } from "./retry.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
  timeoutMs?: number;
  maxConcurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** undici dispatcher to use instead of the built-in keep-alive pool (tests pass a MockAgent). */
  dispatcher?: Dispatcher;
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

export class FlownallyClient {
  private readonly base: string;
  private readonly dispatcher: Dispatcher;
  private readonly limiter: Limiter;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(private readonly options: ClientOptions) {
    // Keep the base's path prefix (https://host/v1 or http://127.0.0.1:1234/api/v1).
    this.base = options.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    const max = options.maxConcurrency ?? 16;
    this.limiter = new Limiter(max);
    this.dispatcher = options.dispatcher ?? new Agent({ connections: max, keepAliveTimeout: 10_000, pipelining: 1 });
  }

  get baseUrl(): string {
    return this.base;
  }

  async request(req: ApiRequest): Promise<ApiResponse> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.limiter.run(() => this.attempt(req), req.signal);
      } catch (err) {
        const error = toApiError(err, req.signal);
        if (
          attempt >= this.retry.maxAttempts ||
          req.signal?.aborted ||
          !isRetryable(req.method, req.idempotencyKey !== undefined, error)
        )
          throw error;
        const delay = retryDelay(this.retry, attempt, error);
        if (Date.now() - started + delay > this.retry.deadlineMs) throw error;
        try {
          await sleep(delay, undefined, req.signal ? { signal: req.signal } : undefined);
        } catch {
          throw toApiError(req.signal?.reason, req.signal);
        }
      }
    }
  }

  /** Every item of every page, following `nextPageToken` until it runs out. */
  async *paginate(req: ApiRequest, itemsKey: string): AsyncGenerator<unknown> {
    let pageToken: string | undefined;
    do {
      const query = { ...req.query, ...(pageToken ? { pageToken } : {}) };
      const { data } = await this.request({ ...req, query });
      const page = (data ?? {}) as Record<string, unknown>;
      const items = page[itemsKey];
      if (Array.isArray(items)) yield* items;
      pageToken = typeof page.nextPageToken === "string" && page.nextPageToken !== "" ? page.nextPageToken : undefined;
    } while (pageToken);
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher.close();
  }

  private async attempt(req: ApiRequest): Promise<ApiResponse> {
    const search = req.query ? toSearchParams(req.query).toString() : "";
    const url = `${this.base}${req.path}${search ? `?${search}` : ""}`;
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
    if (req.idempotencyKey) headers["idempotency-key"] = req.idempotencyKey;

    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const res = await request(url, { method: req.method, headers, body, signal, dispatcher: this.dispatcher });
    const text = await res.body.text();
    const responseHeaders = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (typeof v === "string") responseHeaders.set(k, v);
      else if (Array.isArray(v)) responseHeaders.set(k, v.join(", "));
    }
    const requestId = responseHeaders.get("x-request-id") ?? undefined;
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw ApiError.fromResponse(res.statusCode, responseHeaders, text);
    }
    return { status: res.statusCode, data: parseSuccessBody(res.statusCode, responseHeaders, text), requestId };
  }
}

function parseSuccessBody(status: number, headers: Headers, text: string): unknown {
  if (text.trim() === "") {
    if (status === 204 || status === 202 || status === 205) return undefined;
    throw new ApiError({ kind: "bad_response", status, message: `HTTP ${status} with an empty body where JSON was due` });
  }
  const type = headers.get("content-type") ?? "";
  if (type !== "" && !/json/i.test(type)) {
    throw new ApiError({ kind: "bad_response", status, message: `HTTP ${status} answered ${type.split(";")[0]}, not JSON` });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError({ kind: "bad_response", status, message: `HTTP ${status} with invalid or truncated JSON` });
  }
}

function toApiError(err: unknown, callerSignal: AbortSignal | undefined): ApiError {
  if (err instanceof ApiError) return err;
  if (callerSignal?.aborted) return new ApiError({ kind: "aborted", message: "request cancelled" });
  const name = err instanceof Error ? err.name : "";
  if (name === "TimeoutError" || (err instanceof Error && /timeout/i.test(err.message) && name !== "AbortError")) {
    return new ApiError({ kind: "timeout", message: "the API did not answer in time" });
  }
  if (name === "AbortError") return new ApiError({ kind: "timeout", message: "the API did not answer in time" });
  const code = err && typeof err === "object" && "code" in err ? String((err as { code: unknown }).code) : "";
  return new ApiError({ kind: "network", message: `could not reach the API${code ? ` (${code})` : ""}` });
}

/** A fresh key for a write that must not happen twice; reused across its retries. */
export function newIdempotencyKey(): string {
  return randomUUID();
}
