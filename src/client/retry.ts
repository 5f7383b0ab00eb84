// When a failed attempt may be tried again, and after how long. Reads and
// idempotent writes retry on 408, 429, 5xx and connection errors; a POST only
// when it carries an Idempotency-Key (reused unchanged), so no write is sent twice.

import type { ApiError } from "./errors.js";
import type { HttpMethod } from "./http.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No retry starts after this many ms from the first attempt. */
  deadlineMs: number;
  /** Base of the exponential back-off. */
  baseDelayMs: number;
  /** Longest single wait, Retry-After included. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 3, deadlineMs: 60_000, baseDelayMs: 300, maxDelayMs: 20_000 };

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function isRetryable(method: HttpMethod, hasIdempotencyKey: boolean, err: ApiError): boolean {
  const safe = method === "GET" || method === "PUT" || method === "DELETE" || hasIdempotencyKey;
  if (!safe) return false;
  if (err.kind === "network" || err.kind === "timeout") return true;
  return err.kind === "http" && err.status !== undefined && (RETRYABLE_STATUS.has(err.status) || err.status >= 500);
}

/** Delay before attempt number `attempt + 1` (attempt counts from 1). */
export function retryDelay(policy: RetryPolicy, attempt: number, err: ApiError, random = Math.random): number {
  if (err.retryAfterMs !== undefined) return Math.min(err.retryAfterMs, policy.maxDelayMs);
  const exp = policy.baseDelayMs * 2 ** (attempt - 1);
  // Full jitter between half and the whole exponential step.
  return Math.min(policy.maxDelayMs, Math.round(exp / 2 + random() * (exp / 2)));
}
