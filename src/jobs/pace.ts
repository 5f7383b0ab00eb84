// The pace of one bulk job's requests, shared by all its workers. It starts
// unpaced (the workers' concurrency is the only bound). An answer of 429 pauses
// every worker until its Retry-After and slows the pace: to just under the rate
// the API accepted (measured at the first 429, and again at the end of a quick
// climb, since the first measure is low when the segment's own reads shared the
// limit), later a step below the pace that was refused. It then climbs slowly,
// so a limit that rises is found too, at the cost of a pause every few minutes.
// Requests are evenly spaced, and no more go in any window (a second, or as long
// as a Retry-After hints) than the pace allows, so a late timer cannot bunch
// them into a refusal. A job slows down to the API's limit; it does not fail on it.

import type { Clock } from "../client/http.js";

/**
 * Below the rate the API accepted: requests leave on schedule, but reach the
 * API a little bunched (a busy event loop or machine at either end), and 2 %
 * below a per-second limit was found to be too close for that.
 */
const MARGIN = 0.96;
/** A 429 met again by the slow climb: the pace was only a little too fast. */
const STEP_DOWN = 0.98;
/** How the pace climbs: by `step` after `every` accepted requests without a 429. */
const FAST_PROBE = { every: 10, step: 1.1 };
const SLOW_PROBE = { every: 1_000, step: 1.01 };
/** The shortest window over which the accepted rate is measured: most APIs count per second. */
const MIN_WINDOW_MS = 1_000;
/** The longest window a Retry-After may hint at. */
const MAX_WINDOW_MS = 60_000;
/** Times remembered at most, of sends and of accepted requests. */
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
  /** Time between sends; 0 is unpaced. */
  private interval = 0;
  /** The API's window as the last 429 hinted at it. */
  private window = MIN_WINDOW_MS;
  private nextStart = 0;
  private pausedUntil = 0;
  /** When the pace last slowed: a 429 to a request sent before then (or in the same ms) is answered by it already. */
  private slowedAt = Number.NEGATIVE_INFINITY;
  private readonly sent = new Times();
  private readonly accepted = new Times();
  private sinceProbe = 0;
  /** Times the pace slowed for a 429. */
  private slowdowns = 0;
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
      const at = Math.max(this.nextStart, this.pausedUntil, this.windowFreeAt());
      if (at <= now) {
        // The slots keep to their schedule when a worker comes less than a slot late (a timer fires
        // late, the event loop was busy), so the pace is what it says; after a gap (a pause) the
        // schedule starts again from now, with nothing sent to make up for it.
        this.nextStart = (now - this.nextStart < this.interval ? this.nextStart : now) + this.interval;
        if (this.interval > 0) this.sent.add(now, this.window);
        return now;
      }
      await this.clock.sleep(at - now, signal);
    }
  }

  /** An accepted request (any answer but 429). */
  succeeded(): void {
    this.accepted.add(this.clock.now(), MAX_WINDOW_MS);
    this.backoffMs = FIRST_BACKOFF_MS;
    const probe = this.slowdowns < 2 ? FAST_PROBE : SLOW_PROBE;
    if (this.interval > 0 && ++this.sinceProbe >= probe.every) {
      this.sinceProbe = 0;
      this.interval /= probe.step;
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
    this.slowdowns++;
    this.sinceProbe = 0;
    // A long Retry-After hints at a long window (per minute, not per second).
    this.window = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, wait));
    const current = this.interval > 0 ? 1 / this.interval : Number.POSITIVE_INFINITY;
    if (this.slowdowns > 2) {
      // Found again after the climb: the pace it had was a little too fast.
      this.interval = 1 / (current * STEP_DOWN);
      return;
    }
    // Unpaced, or at the end of the quick climb: the rate the API accepted over the window measures its limit.
    const accepted = this.accepted.countAfter(now - this.window);
    if (accepted > 0) this.interval = this.window / (Math.min(current * this.window, accepted) * MARGIN);
    else if (this.interval === 0) this.interval = BLIND_INTERVAL_MS;
  }

  /** When one more send fits the window at the pace's rate; 0 while unpaced. */
  private windowFreeAt(): number {
    if (this.interval === 0) return 0;
    const allowed = Math.max(1, Math.round(this.window / this.interval));
    const oldest = this.sent.latest(allowed);
    return oldest === undefined ? 0 : oldest + this.window;
  }
}

/** Recent times, oldest first, within a span; dropped in blocks, so remembering costs no copy per time. */
class Times {
  private readonly times: number[] = [];

  add(time: number, span: number): void {
    this.times.push(time);
    const first = this.times[0] ?? time;
    if (this.times.length > MAX_REMEMBERED || first < time - 2 * span) {
      const kept = this.times.findIndex((t) => t >= time - span);
      this.times.splice(0, Math.max(kept < 0 ? this.times.length : kept, this.times.length - MAX_REMEMBERED));
    }
  }

  /** How many are later than `since`. */
  countAfter(since: number): number {
    let count = 0;
    for (let i = this.times.length - 1; i >= 0 && (this.times[i] ?? 0) > since; i--) count++;
    return count;
  }

  /** The `n`th latest (1: the latest). */
  latest(n: number): number | undefined {
    return this.times[this.times.length - n];
  }
}
