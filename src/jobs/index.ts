// Bulk jobs as tools see them (ctx.jobs). A bulk change runs as a job in this
// process; the call that starts it waits up to FLOWNALLY_JOB_WAIT_MS (30 s),
// sending progress, and returns the whole result when the job ends by then,
// else a handle: the job goes on whatever the client does next, and
// manage_job reports, cancels or undoes it. Cancelling the call while it
// still waits cancels the job.

import { APIUserAbortError } from "../client/errors.js";
import { type Clock, type FlownallyClient, systemClock } from "../client/http.js";
import { DEFAULT_JOB_WAIT_MS } from "../config.js";
import { journalArgs, newEntryId } from "../journal/entry.js";
import type { Journal } from "../journal/journal.js";
import { point, render } from "../pointers.js";
import { ToolInputError } from "../refusal.js";
import type { ToolContext } from "../tools/types.js";
import { type History, journaledSnapshot, readHistory, whereRunning } from "./history.js";
import { type BulkChange, Job } from "./job.js";
import { type JobStore, processJobs } from "./store.js";

export type { History, JournaledJob } from "./history.js";
export type { BulkChange, Send } from "./job.js";

/** Jobs one key may have running at once in a process. */
const MAX_RUNNING_PER_KEY = 4;
/** Entries listed when manage_job is called without a job id. */
const RECENT = 10;

export interface JobsOptions {
  /** The API client of the key calls are made with. */
  client: FlownallyClient;
  journal?: Journal | undefined;
  store?: JobStore;
  clock?: Clock;
  waitMs?: number;
}

/** What a job's call says about it: which tool, its arguments, and the job it undoes. */
export interface JobCall {
  tool: string;
  args: Readonly<Record<string, unknown>>;
  undoOf?: string;
}

/** What a bulk change's call answers; `running` while the job goes on after the call returns its handle. */
export interface JobOutcome {
  data: Record<string, unknown>;
  running?: Promise<void>;
}

export class Jobs {
  private readonly store: JobStore;
  private readonly clock: Clock;
  private readonly waitMs: number;

  constructor(private readonly options: JobsOptions) {
    this.store = options.store ?? processJobs;
    this.clock = options.clock ?? systemClock;
    this.waitMs = options.waitMs ?? DEFAULT_JOB_WAIT_MS;
  }

  /**
   * Runs `change` as a job: its result when it ends within the wait, else a
   * handle. A job that fails before its first write fails the call as the
   * same error would have without a job.
   */
  async run(
    change: BulkChange,
    call: JobCall,
    ctx: Pick<ToolContext, "signal" | "progress" | "profile">,
  ): Promise<JobOutcome> {
    const owner = await this.owner();
    const running = this.store.running(owner);
    if (running.length >= MAX_RUNNING_PER_KEY) {
      throw new ToolInputError(
        `${running.length} bulk jobs of this key are running (${running.map((j) => j.id).join(", ")}); wait for one to end or cancel one. Nothing was sent.`,
      );
    }
    const job = new Job({
      id: newEntryId("job"),
      owner,
      tool: call.tool,
      args: journalArgs(call.args),
      undoOf: call.undoOf,
      change,
      client: this.options.client,
      journal: this.options.journal,
      clock: this.clock,
    });
    this.store.add(job);
    if (call.undoOf !== undefined) {
      const undone = this.store.get(call.undoOf, owner);
      if (undone) undone.undoneBy = job.id;
    }
    job.progress = ctx.progress;
    const cancel = (): void => job.cancel("the call that started it was cancelled");
    ctx.signal.addEventListener("abort", cancel, { once: true });
    if (ctx.signal.aborted) cancel();
    const timer = new AbortController();
    const ended = await Promise.race([
      job.finished.then(() => true),
      this.clock.sleep(this.waitMs, timer.signal).then(
        () => false,
        () => false,
      ),
    ]);
    timer.abort();
    ctx.signal.removeEventListener("abort", cancel);
    if (!ended) {
      // The call returns; the job goes on, and nobody listens to its progress any more.
      job.progress = async () => {};
      const { job: id, status, total, done, applied, failed } = job.snapshot();
      return {
        data: { job: id, status, total, done, applied, failed, next: render(STILL_RUNNING, ctx.profile) },
        running: job.finished,
      };
    }
    if (ctx.signal.aborted) throw new APIUserAbortError(`${call.tool} cancelled`);
    if (job.error !== undefined) throw job.error;
    const {
      job: id,
      status,
      reason,
      applied,
      unchanged,
      failed,
      failures,
      unsure,
      rateLimited,
      pacedTo,
    } = job.snapshot();
    return {
      data: {
        job: id,
        ...(status !== "done" && { status, reason }),
        applied,
        unchanged,
        failed,
        failures,
        ...(unsure !== undefined && { unsure }),
        ...(rateLimited !== undefined && { rateLimited, pacedTo }),
      },
    };
  }

  /** A job's status: from memory while this process has it, else from the journal. */
  async status(id: string): Promise<Record<string, unknown>> {
    const owner = await this.owner();
    const job = this.store.get(id, owner);
    if (job) return job.snapshot();
    const history = await this.history(id);
    if (!history.job) throw notAJob(id, history);
    return {
      ...journaledSnapshot(history.job),
      ...(history.undos.length > 0 && { undoneBy: history.undos.map((u) => u.start.id).join(", ") }),
    };
  }

  /** Stops a running job of this process; a job that has ended is reported as it is. */
  async cancel(id: string): Promise<Record<string, unknown>> {
    const owner = await this.owner();
    const job = this.store.get(id, owner);
    if (job?.running) {
      job.cancel("cancelled with manage_job");
      await job.finished;
      return job.snapshot();
    }
    if (job) return { ...job.snapshot(), note: `${id} had already ended; nothing to cancel.` };
    const history = await this.history(id);
    if (!history.job) throw notAJob(id, history);
    const elsewhere = history.job.end ? undefined : whereRunning(history.job.start);
    if (elsewhere) throw new ToolInputError(`${id} runs ${elsewhere}; only that process can cancel it.`);
    return { ...journaledSnapshot(history.job), note: `${id} had already ended; nothing to cancel.` };
  }

  /** What the journal says about `id` (a job, or a single call), for undo. */
  async history(id: string): Promise<History> {
    const journal = this.options.journal;
    if (!journal) throw new ToolInputError(`Nothing is known of ${id} beyond this process: ${JOURNAL_OFF}`);
    return readHistory(journal, await this.owner(), id);
  }

  /** Whether `id` is a job of this key running in this process. */
  async runningHere(id: string): Promise<boolean> {
    return this.store.get(id, await this.owner())?.running ?? false;
  }

  /** The running job of this process undoing `id`, if there is one. */
  async undoing(id: string): Promise<string | undefined> {
    return this.store.running(await this.owner()).find((j) => j.undoOf === id)?.id;
  }

  /** This key's last writes and jobs, newest first: from the journal, and this process's jobs. */
  async recent(): Promise<Record<string, unknown>[]> {
    const owner = await this.owner();
    // The newest RECENT entries, in the order written; memory stays at that whatever the journal's size.
    const kept = new Map<string, Record<string, unknown>>();
    const keep = (id: string, item: Record<string, unknown>): void => {
      kept.set(id, item);
      const oldest = kept.keys().next();
      if (kept.size > RECENT && !oldest.done) kept.delete(oldest.value);
    };
    const journal = this.options.journal;
    for await (const entry of journal?.entries((line) => line.includes(owner)) ?? []) {
      if (entry.key !== owner) continue;
      if (entry.kind === "call") {
        const { id, time, tool, ok, status } = entry;
        keep(id, { id, time, tool, ok, ...(status !== undefined && { status }) });
      } else if (entry.kind === "job") {
        const { type: _type, ...what } = entry.change;
        const status = whereRunning(entry) ? "running" : "interrupted";
        keep(entry.id, { id: entry.id, time: entry.time, tool: entry.tool, ...what, total: entry.total, status });
      } else if (entry.kind === "end") {
        const item = kept.get(entry.id);
        if (item) item.status = entry.status;
      }
    }
    // This process's jobs as they are now: still running, or ended (and known here even with the journal off).
    for (const job of this.store.of(owner)) {
      const { job: id, tool, status, total, done } = job.snapshot();
      const time = new Date(job.startedAt).toISOString();
      kept.set(job.id, { id, time, ...kept.get(job.id), tool, status, total, done });
    }
    return [...kept.values()].sort((a, b) => String(b.time).localeCompare(String(a.time))).slice(0, RECENT);
  }

  private owner(): Promise<string> {
    return this.options.client.keyFingerprint();
  }
}

const STILL_RUNNING = point(
  "manage_job",
  "Still running, and it goes on after this call: manage_job with this jobId shows its progress, cancels or undoes it.",
  "Still running, and it goes on after this call.",
);

const JOURNAL_OFF =
  "The journal is off (FLOWNALLY_JOURNAL=off, --no-journal, or no state folder), so nothing records what a job did.";

function notAJob(id: string, history: History): ToolInputError {
  if (history.call) {
    return new ToolInputError(
      `${id} is a single ${history.call.tool} call, not a bulk job: only bulk tag changes can be reported on or undone here.`,
    );
  }
  return new ToolInputError(`No job ${id} of this key in the journal. Job ids come from tag_contacts.`);
}
