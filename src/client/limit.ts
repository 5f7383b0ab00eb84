// A counting semaphore, fair between keys: at most `max` requests to the API
// are in flight at once for everyone sharing it (one per process, see pool.ts),
// and waiting callers are served round-robin by key, so one key's bulk job
// cannot starve another key's calls. A waiter whose signal aborts leaves the
// queue at once; a slot is always given back.

type Grant = () => void;

export class Limiter {
  private active = 0;
  /** Waiters by key; the Map's order is the round-robin order. */
  private readonly queues = new Map<string, Set<Grant>>();
  private waiting = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError("concurrency must be a positive integer");
  }

  /** Requests running now and waiting for a slot (for tests and diagnostics). */
  get stats(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting };
  }

  /** Runs `task` once a slot is free; `key` is whose turn it is (the API key). */
  async run<T>(task: () => Promise<T>, key = "", signal?: AbortSignal): Promise<T> {
    await this.acquire(key, signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(key: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.max && this.waiting === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant: Grant = () => {
        signal?.removeEventListener("abort", onAbort);
        this.active++;
        resolve();
      };
      const onAbort = (): void => {
        this.leave(key, grant);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      let queue = this.queues.get(key);
      if (!queue) {
        queue = new Set();
        this.queues.set(key, queue);
      }
      queue.add(grant);
      this.waiting++;
    });
  }

  private leave(key: string, grant: Grant): void {
    const queue = this.queues.get(key);
    if (!queue?.delete(grant)) return;
    this.waiting--;
    if (queue.size === 0) this.queues.delete(key);
  }

  private release(): void {
    this.active--;
    // The key first in line gets the slot, then goes to the back of the line.
    const next = this.queues.entries().next();
    if (next.done) return;
    const [key, queue] = next.value;
    const grant = queue.values().next().value;
    if (!grant) return;
    this.leave(key, grant);
    if (queue.size > 0) {
      this.queues.delete(key);
      this.queues.set(key, queue);
    }
    grant();
  }
}
