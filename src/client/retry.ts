// When a failed attempt may be tried again, and after how long. Reads and
// idempotent writes (GET, PUT, DELETE) retry on 408, 429, 5xx and connection
// errors; a POST only when it carries an Idempotency-Key (reused unchanged), so
// no other write is sent twice. PATCH is not idempotent by contract: never retried.

import { APIConnectionError, type ApiError, ApiStatusError } from "./errors.js";
import type { HttpMethod } from "./http.js";

export interface RetryPolicy {
  /** Attempts after the first (FLOWNALLY_MAX_RETRIES). */
  maxRetries: number;
  /** No retry starts, and no retried attempt runs, past this many ms from the first attempt (FLOWNALLY_RETRY_DEADLINE_MS). */
  deadlineMs: number;
  /** Base of the exponential back-off. */
  baseDelayMs: number;
  /** Longest back-off step. */
  maxDelayMs: number;
  /** Longest Retry-After honoured; a longer one is not waited for: the error says when to retry. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 2,
  deadlineMs: 60_000,
  baseDelayMs: 300,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 30_000,
};

const RETRYABLE_STATUS = new Set([408, 429]);

/** Whether sending the request twice does no harm: reads, idempotent writes, and a POST under an Idempotency-Key. */
export function repeatable(method: HttpMethod, hasIdempotencyKey: boolean): boolean {
  return method === "GET" || method === "PUT" || method === "DELETE" || (method === "POST" && hasIdempotencyKey);
}

export function isRetryable(method: HttpMethod, hasIdempotencyKey: boolean, err: ApiError): boolean {
  if (!repeatable(method, hasIdempotencyKey)) return false;
  if (err instanceof APIConnectionError) return true;
  return err instanceof ApiStatusError && (RETRYABLE_STATUS.has(err.status) || err.status >= 500);
}

/**
 * Delay before attempt number `attempt + 1` (attempt counts from 1), or
 * undefined when the server asked for a longer wait than the policy allows.
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  err: ApiError,
  random = Math.random,
): number | undefined {
  const retryAfterMs = err instanceof ApiStatusError ? err.retryAfterMs : undefined;
  if (retryAfterMs !== undefined) return retryAfterMs <= policy.maxRetryAfterMs ? retryAfterMs : undefined;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Jitter between half and the whole exponential step, so clients that failed together do not retry together.
  return Math.round(exp / 2 + random() * (exp / 2));
}
