// One bulk job: a change applied to many items by a few workers at one shared
// pace (pace.ts), in the process that started it. It journals as it goes:
// which items it changed (only those that were not in the wanted state),
// those whose write a cancellation cut off, and each failure; so what it did is
// known even if the process dies halfway. It stops early on a cancellation,
// on an answer every further request would get too (401, 403), or when the
// API keeps answering 429 and nothing else.

import { hostname } from "node:os";
import {
  APIUserAbortError,
  ApiError,
  ApiStatusError,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
} from "../client/errors.js";
import type { ApiClient, ApiRequest, ApiResponse, Clock, FlownallyClient } from "../client/http.js";
import type { ChangeRecord, FailureRecord, JobStatus } from "../journal/entry.js";
import type { Journal } from "../journal/journal.js";
import { Pace } from "./pace.js";

/** A request of the job, paced; the job adds its signal. */
export type Send = (req: Omit<ApiRequest, "signal" | "paced">) => Promise<ApiResponse>;

/** A bulk change, as a job runs it. */
export interface BulkChange {
  /** What it does, as status shows it and undo reads it back from the journal. */
  record: ChangeRecord;
  /** Items to change (contact ids), none twice. */
  items: readonly string[];
  /** Items found in the wanted state before the job, and so left out of `items`. */
  unchanged: number;
  /** Requests in flight at once. */
  concurrency: number;
  /**
   * What to read before the first write: the items still to change, the rest
   * counted as unchanged. Each item left may still turn out unchanged in apply.
   */
  prepare(
    items: readonly string[],
    read: { client: ApiClient; signal: AbortSignal },
  ): Promise<{ items: readonly string[]; unchanged: number }>;
  apply(item: string, send: Send): Promise<"changed" | "unchanged">;
  /** One item's failure as the model reads it. */
  describe(err: unknown, item: string): string;
}

export interface JobOptions {
  id: string;
  /** The key's fingerprint: only calls with the same key see the job. */
  owner: string;
  tool: string;
  /** The call's arguments as journaled (secrets removed). */
  args: unknown;
  undoOf?: string | undefined;
  change: BulkChange;
  client: FlownallyClient;
  journal: Journal | undefined;
  clock: Clock;
}

export type Progress = (progress: number, total?: number, message?: string) => Promise<void>;

/** Failures kept in memory and listed; the journal has every one. */
const MAX_FAILURES_LISTED = 50;
/** Progress entries are written at least this often, or every this many items. */
const FLUSH_MS = 1_000;
const FLUSH_ITEMS = 500;
/** Answers of 429 in a row, with no other answer between, after which the job stops. */
const MAX_RATE_LIMITED_IN_A_ROW = 50;

export class Job {
  readonly id: string;
  readonly owner: string;
  readonly tool: string;
  readonly undoOf: string | undefined;
  readonly startedAt: number;
  endedAt: number | undefined;
  status: JobStatus = "running";
  /** Why it ended before its last item. */
  reason: string | undefined;
  /** What made it stop before its first write, for a call still waiting to report as it would have. */
  error: unknown;
  /** The undo job started on it, when there is one. */
  undoneBy: string | undefined;
  /** Where progress goes: the starting call's notifications while it waits, nowhere after. */
  progress: Progress = async () => {};
  /** Settles when the job has ended and journaled its end. */
  readonly finished: Promise<void>;

  /** Without the change: its items are held by run() alone, and let go when the job ends. */
  private readonly options: Omit<JobOptions, "change">;
  private readonly record: BulkChange["record"];
  private readonly total: number;
  /** Items found in the wanted state before the job. */
  private readonly unchangedBefore: number;
  private readonly pace: Pace;
  private readonly stop = new AbortController();
  private applied = 0;
  private unchanged: number;
  private failed = 0;
  private unsure = 0;
  private readonly failures: { contactId: string; error: string }[] = [];
  /** Items whose write is in flight: unsure if the job is stopped under them. */
  private readonly writing = new Set<string>();
  private rateLimitedInARow = 0;
  private pending: { changed: string[]; unsure: string[]; failed: FailureRecord[] } = {
    changed: [],
    unsure: [],
    failed: [],
  };
  private lastFlush: number;
  /** Items handed to a worker so far. */
  private taken = 0;

  constructor(options: JobOptions) {
    const { change, ...rest } = options;
    this.options = rest;
    this.record = change.record;
    this.total = change.items.length;
    this.unchangedBefore = change.unchanged;
    this.id = options.id;
    this.owner = options.owner;
    this.tool = options.tool;
    this.undoOf = options.undoOf;
    this.pace = new Pace(options.clock);
    this.unchanged = change.unchanged;
    this.startedAt = options.clock.now();
    this.lastFlush = this.startedAt;
    this.finished = this.run(change);
  }

  get running(): boolean {
    return this.status === "running";
  }

  /** Stops sending: requests in flight are cut off, and no item is started after. */
  cancel(reason: string): void {
    this.halt("cancelled", reason);
  }

  /** The process is ending. */
  interrupt(reason: string): void {
    this.halt("interrupted", reason);
  }

  /** What manage_job shows. */
  snapshot(): Record<string, unknown> {
    const { type: _type, ...what } = this.record;
    const { perSecond, rateLimited } = this.pace.figures;
    return {
      job: this.id,
      tool: this.tool,
      ...what,
      status: this.status,
      ...(this.reason !== undefined && { reason: this.reason }),
      total: this.total,
      done: this.done,
      applied: this.applied,
      unchanged: this.unchanged,
      failed: this.failed,
      failures: this.failures,
      ...(this.unsure > 0 && { unsure: this.unsure }),
      ...(rateLimited > 0 && { rateLimited, ...(perSecond !== undefined && { pacedTo: perSecond }) }),
      startedAt: new Date(this.startedAt).toISOString(),
      ...(this.endedAt !== undefined && { endedAt: new Date(this.endedAt).toISOString() }),
      ...(this.undoOf !== undefined && { undoOf: this.undoOf }),
      ...(this.undoneBy !== undefined && { undoneBy: this.undoneBy }),
    };
  }

  /** Items of `items` finished: changed, failed, or found unchanged. */
  private get done(): number {
    return this.applied + this.failed + this.unchanged - this.unchangedBefore;
  }

  private halt(status: "cancelled" | "interrupted" | "stopped", reason: string): void {
    if (!this.running || this.stop.signal.aborted) return;
    this.reason = reason;
    this.stop.abort(status);
  }

  private async run(change: BulkChange): Promise<void> {
    const { client, journal, tool, args, undoOf } = this.options;
    journal?.append({
      kind: "job",
      time: new Date(this.startedAt).toISOString(),
      id: this.id,
      key: this.owner,
      tool,
      args,
      change: change.record,
      total: change.items.length,
      ...(undoOf !== undefined && { undoOf }),
      pid: process.pid,
      host: hostname(),
    });
    const release = client.hold();
    try {
      const prepared = await change.prepare(change.items, { client, signal: this.stop.signal });
      this.unchanged += prepared.unchanged;
      this.report();
      await Promise.all(
        Array.from({ length: Math.min(change.concurrency, prepared.items.length) }, () =>
          this.work(change, prepared.items),
        ),
      );
    } catch (err) {
      // Reading before the first write failed: nothing was changed.
      if (!this.stop.signal.aborted) {
        this.error = err;
        this.halt("stopped", change.describe(err, ""));
      }
    } finally {
      release();
    }
    const aborted: unknown = this.stop.signal.reason;
    const status = aborted === "cancelled" || aborted === "interrupted" || aborted === "stopped" ? aborted : "done";
    for (const item of this.writing) this.noteUnsure(item);
    this.endedAt = this.options.clock.now();
    this.flush(true);
    this.status = status;
    journal?.append({
      kind: "end",
      time: new Date(this.endedAt).toISOString(),
      id: this.id,
      key: this.owner,
      status,
      applied: this.applied,
      unchanged: this.unchanged,
      failed: this.failed,
      ...(this.reason !== undefined && { reason: this.reason }),
    });
  }

  private async work(change: BulkChange, items: readonly string[]): Promise<void> {
    const signal = this.stop.signal;
    while (this.taken < items.length && !signal.aborted) {
      const item = items[this.taken++] ?? "";
      try {
        const outcome = await change.apply(item, this.sender(item));
        if (outcome === "changed") {
          this.applied++;
          this.pending.changed.push(item);
        } else this.unchanged++;
      } catch (err) {
        if (signal.aborted) return;
        this.fail(change, item, err);
      }
      this.report();
      this.flush(false);
    }
  }

  private fail(change: BulkChange, item: string, err: unknown): void {
    this.failed++;
    const error = change.describe(err, item);
    if (this.failures.length < MAX_FAILURES_LISTED) this.failures.push({ contactId: item, error });
    const status = err instanceof ApiError ? err.status : undefined;
    const requestId = err instanceof ApiError ? err.requestId : undefined;
    this.pending.failed.push({
      item,
      ...(status !== undefined && { status }),
      ...(requestId !== undefined && { requestId }),
      error,
    });
    // Every further request would be refused the same way.
    if (err instanceof AuthenticationError || err instanceof PermissionDeniedError || err instanceof RateLimitError) {
      this.halt("stopped", `after ${this.applied + this.failed} of ${this.total}: ${error}`);
    }
  }

  /** The requests for `item`: paced, sent again after a 429, and its writes tracked. */
  private sender(item: string): Send {
    const signal = this.stop.signal;
    return async (req) => {
      const write = req.method === "GET" ? undefined : item;
      for (;;) {
        let sentAt: number;
        try {
          sentAt = await this.pace.turn(signal);
        } catch {
          throw new APIUserAbortError();
        }
        if (write !== undefined) this.writing.add(write);
        try {
          const res = await this.options.client.request({ ...req, signal, paced: true });
          if (write !== undefined) this.writing.delete(write);
          this.answered();
          return res;
        } catch (err) {
          // A write cut off by the stop stays in `writing`: its outcome is unknown.
          if (err instanceof APIUserAbortError) throw err;
          if (write !== undefined) this.writing.delete(write);
          if (err instanceof RateLimitError) {
            if (this.rateLimitedInARow++ < MAX_RATE_LIMITED_IN_A_ROW) {
              this.pace.rateLimited(sentAt, err.retryAfterMs);
              continue;
            }
          } else if (err instanceof ApiStatusError) this.answered();
          // No answer, or one that could not be read: the write may have been made.
          else if (write !== undefined) this.noteUnsure(write);
          throw err;
        }
      }
    };
  }

  private noteUnsure(item: string): void {
    this.unsure++;
    this.pending.unsure.push(item);
  }

  private answered(): void {
    this.rateLimitedInARow = 0;
    this.pace.succeeded();
  }

  private report(): void {
    const { done } = this;
    const { total } = this;
    const step = Math.max(1, Math.floor(total / 50));
    if (done % step === 0 || done === total) this.progress(done, total, `${done}/${total}`).catch(() => {});
  }

  /** Writes what was done since the last progress entry, when enough has gathered or time has passed. */
  private flush(force: boolean): void {
    const { changed, unsure, failed } = this.pending;
    const count = changed.length + unsure.length + failed.length;
    const now = this.options.clock.now();
    if (count === 0 || (!force && count < FLUSH_ITEMS && now - this.lastFlush < FLUSH_MS)) return;
    this.options.journal?.append({
      kind: "progress",
      time: new Date(now).toISOString(),
      id: this.id,
      key: this.owner,
      ...(changed.length > 0 && { changed }),
      ...(unsure.length > 0 && { unsure }),
      ...(failed.length > 0 && { failed }),
    });
    this.pending = { changed: [], unsure: [], failed: [] };
    this.lastFlush = now;
  }
}
