// Clocks for tests where time matters (src/client/http.ts Clock): nothing
// waits on the wall clock and nothing asserts a wall-clock duration.

import type { Clock } from "../../src/client/http.js";

function aborted(): DOMException {
  return new DOMException("The operation was aborted", "AbortError");
}

/** Time moves only when the test says (advance): a sleep ends when the clock reaches its end. */
export class ManualClock implements Clock {
  private time = 0;
  private readonly sleepers = new Set<{ due: number; wake: () => void }>();

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(aborted());
      const sleeper = {
        due: this.time + ms,
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers.delete(sleeper);
        reject(aborted());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.sleepers.add(sleeper);
    });
  }

  /** Sleeps not yet over. */
  get sleeping(): number {
    return this.sleepers.size;
  }

  /** Moves time on by `ms`, ending every sleep due by then. */
  advance(ms: number): void {
    this.time += ms;
    for (const sleeper of [...this.sleepers]) {
      if (sleeper.due > this.time) continue;
      this.sleepers.delete(sleeper);
      sleeper.wake();
    }
  }
}

/**
 * Virtual time that runs as fast as the code under test: a sleep ends at the
 * next turn of the event loop, and time jumps to when it would have ended. A
 * paced job then runs its whole schedule in moments, and an API that counts
 * requests per second on the same clock sees the pace the job keeps.
 */
export class JumpingClock implements Clock {
  private time = 0;

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const due = this.time + ms;
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw aborted();
    this.time = Math.max(this.time, due);
  }
}
