// The pace of one bulk job's requests, shared by all its workers. It starts
// unpaced (the workers' concurrency is the only bound); an answer of 429 pauses
// every worker until its Retry-After, and sets the pace just under the rate
// the API was accepting; from there it creeps up again, so a limit that rises
// is found too. A job slows down to the API's limit; it does not fail on it.

import type { Clock } from "../client/http.js";

/** Below the rate the API accepted, so the next window is not overrun at once. */
const MARGIN = 0.97;
/** Faster by 1 % after this many accepted requests without a 429. */
const PROBE_EVERY = 500;
const PROBE_STEP = 1.01;
/** The shortest window over which the accepted rate is measured: most APIs count per second. */
const MIN_WINDOW_MS = 1_000;
/** Success times remembered, for the longest window a Retry-After may hint at. */
const MAX_WINDOW_MS = 60_000;
const MAX_REMEMBERED = 20_000;
/** The wait after a 429 without Retry-After: doubling from 1 s up to 30 s while they keep coming. */
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** Starts paced from the first 429 that says nothing about the rate the API accepts. */
const BLIND_INTERVAL_MS = 100;

export interface PaceFigures {
  /** Requests a second the job is held to; undefined while unpaced. */
  perSecond: number | undefined;
  /** Answers of 429 so far. */
  rateLimited: number;
}

export class Pace {
  /** Time between request starts; 0 is unpaced. */
  private interval = 0;
  private nextStart = 0;
  private pausedUntil = 0;
  /** When the pace last slowed: a 429 to a request sent before then (or in the same ms) is answered by it already. */
  private slowedAt = Number.NEGATIVE_INFINITY;
  /** Answer times of the accepted requests in the last MAX_WINDOW_MS, oldest first. */
  private readonly accepted: number[] = [];
  private sinceProbe = 0;
  private backoffMs = FIRST_BACKOFF_MS;
  private limited = 0;

  constructor(private readonly clock: Clock) {}

  get figures(): PaceFigures {
    return {
      perSecond: this.interval > 0 ? Math.round(100_000 / this.interval) / 100 : undefined,
      rateLimited: this.limited,
    };
  }

  /** Waits for this worker's turn to send; resolves with the time it was sent, for `rateLimited`. */
  async turn(signal: AbortSignal): Promise<number> {
    for (;;) {
      const now = this.clock.now();
      const at = Math.max(this.nextStart, this.pausedUntil);
      if (at <= now) {
        // A late start is not made up for by a burst: the next slot counts from now.
        this.nextStart = now + this.interval;
        return now;
      }
      await this.clock.sleep(at - now, signal);
    }
  }

  /** An accepted request (any answer but 429). */
  succeeded(): void {
    const now = this.clock.now();
    this.accepted.push(now);
    // Dropped in blocks, so remembering costs no copy per request.
    if (this.accepted.length > MAX_REMEMBERED || (this.accepted[0] ?? now) < now - 2 * MAX_WINDOW_MS) {
      const old = this.accepted.findIndex((t) => t >= now - MAX_WINDOW_MS);
      this.accepted.splice(0, Math.max(old < 0 ? this.accepted.length : old, this.accepted.length - MAX_REMEMBERED));
    }
    this.backoffMs = FIRST_BACKOFF_MS;
    if (this.interval > 0 && ++this.sinceProbe >= PROBE_EVERY) {
      this.sinceProbe = 0;
      this.interval /= PROBE_STEP;
    }
  }

  /** A 429 to the request sent at `sentAt`: every worker waits `retryAfterMs`, and the pace drops. */
  rateLimited(sentAt: number, retryAfterMs: number | undefined): void {
    this.limited++;
    const now = this.clock.now();
    const wait = retryAfterMs ?? this.backoffMs;
    if (retryAfterMs === undefined) this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    this.pausedUntil = Math.max(this.pausedUntil, now + wait);
    if (sentAt <= this.slowedAt) return;
    this.slowedAt = now;
    this.sinceProbe = 0;
    // A long Retry-After hints at a long window (per minute, not per second): measure over it.
    const window = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, wait));
    let inWindow = 0;
    for (let i = this.accepted.length - 1; i >= 0 && (this.accepted[i] ?? 0) > now - window; i--) inWindow++;
    const measured = inWindow / window;
    if (measured > 0) {
      const current = this.interval > 0 ? 1 / this.interval : Number.POSITIVE_INFINITY;
      this.interval = 1 / (Math.min(current, measured) * MARGIN);
    } else if (this.interval === 0) {
      this.interval = BLIND_INTERVAL_MS;
    }
  }
}
