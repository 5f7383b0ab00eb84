// The jobs of this process, whichever server, session or HTTP request started
// them (a 2026-era HTTP request gets a server of its own): running ones, and
// the last ones to end. Each belongs to the key that started it.

import { flushJournals } from "../journal/journal.js";
import type { Job } from "./job.js";

/** Ended jobs kept in memory; older ones are known from the journal only. */
const KEEP_ENDED = 50;
/** How long a shutdown waits for its jobs to stop and journal their end. */
const STOP_GRACE_MS = 2_000;

export class JobStore {
  private readonly jobs = new Map<string, Job>();

  add(job: Job): void {
    this.jobs.set(job.id, job);
    void job.finished.then(() => this.evict());
  }

  /** The job, when `owner` started it. */
  get(id: string, owner: string): Job | undefined {
    const job = this.jobs.get(id);
    return job?.owner === owner ? job : undefined;
  }

  /** `owner`'s jobs this process keeps, oldest first. */
  of(owner: string): Job[] {
    return [...this.jobs.values()].filter((j) => j.owner === owner);
  }

  running(owner?: string): Job[] {
    return [...this.jobs.values()].filter((j) => j.running && (owner === undefined || j.owner === owner));
  }

  private evict(): void {
    const ended = [...this.jobs.values()].filter((j) => !j.running);
    for (const job of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) this.jobs.delete(job.id);
  }
}

/** The process's jobs. */
export const processJobs = new JobStore();

/**
 * Before the process exits: running jobs stop (interrupted, journaled as such)
 * and every journal is written out.
 */
export async function stopJobs(reason: string, store: JobStore = processJobs): Promise<void> {
  const running = store.running();
  for (const job of running) job.interrupt(reason);
  const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
  await Promise.race([Promise.all(running.map((j) => j.finished)), grace]);
  await flushJournals();
}
