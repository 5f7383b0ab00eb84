// What the journal says about a job: the shared truth of what it did, read
// back for status (a job of another process, or one that ended long ago) and
// for undo (exactly the items it changed). Streamed: only lines naming the job
// are parsed.

import { hostname } from "node:os";
import type { CallEntry, JobEndEntry, JobStartEntry, JournalEntry } from "../journal/entry.js";
import type { Journal } from "../journal/journal.js";

export interface JournaledJob {
  start: JobStartEntry;
  end: JobEndEntry | undefined;
  /** Items it changed, and those whose write was cut off (they were not in the wanted state before it). */
  changed: Set<string>;
  unsure: Set<string>;
  failed: number;
}

export interface History {
  /** The entry is a single call, not a job. */
  call?: CallEntry;
  job?: JournaledJob;
  /** Jobs that undid it (or are undoing it), oldest first. */
  undos: JournaledJob[];
}

/** Everything `owner`'s journal says about `id`. */
export async function readHistory(journal: Journal, owner: string, id: string): Promise<History> {
  const history: History = { undos: [] };
  const jobs = new Map<string, JournaledJob>();
  const undoIds: string[] = [];
  await collect(journal, owner, [id], jobs, (entry) => {
    if (entry.kind === "call" && entry.id === id) history.call = entry;
    if (entry.kind === "job" && entry.undoOf === id) undoIds.push(entry.id);
  });
  if (undoIds.length > 0) await collect(journal, owner, undoIds, jobs);
  const job = jobs.get(id);
  if (job) history.job = job;
  history.undos = undoIds.flatMap((undo) => jobs.get(undo) ?? []);
  return history;
}

async function collect(
  journal: Journal,
  owner: string,
  ids: readonly string[],
  jobs: Map<string, JournaledJob>,
  also: (entry: JournalEntry) => void = () => {},
): Promise<void> {
  const wanted = new Set(ids);
  for await (const entry of journal.entries((line) => ids.some((id) => line.includes(id)))) {
    if (entry.key !== owner) continue;
    also(entry);
    if (!wanted.has(entry.id)) continue;
    if (entry.kind === "job") {
      jobs.set(entry.id, { start: entry, end: undefined, changed: new Set(), unsure: new Set(), failed: 0 });
      continue;
    }
    const job = jobs.get(entry.id);
    if (!job) continue;
    if (entry.kind === "progress") {
      for (const item of entry.changed ?? []) job.changed.add(item);
      for (const item of entry.unsure ?? []) job.unsure.add(item);
      job.failed += entry.failed?.length ?? 0;
    } else if (entry.kind === "end") job.end = entry;
  }
}

/**
 * Where a job with no end entry, and not running in this process, is: still
 * running in another process (of this host, or of another host, which cannot
 * be told), or cut short when its process ended.
 */
export function whereRunning(start: JobStartEntry): string | undefined {
  if (start.host !== hostname()) return `on host ${start.host} (process ${start.pid}), as far as this one can tell`;
  if (start.pid === process.pid || !alive(start.pid)) return undefined;
  return `in process ${start.pid} on this host`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A journaled job as status shows it. */
export function journaledSnapshot(job: JournaledJob): Record<string, unknown> {
  const { start, end } = job;
  const { type: _type, ...what } = start.change;
  const elsewhere = end ? undefined : whereRunning(start);
  const status = end?.status ?? (elsewhere ? "running" : "interrupted");
  return {
    job: start.id,
    tool: start.tool,
    ...what,
    status,
    ...(elsewhere && { where: `runs ${elsewhere}; only that process can cancel it` }),
    ...(!end && !elsewhere && { reason: "its process ended before it did" }),
    ...(end?.reason !== undefined && { reason: end.reason }),
    total: start.total,
    applied: end?.applied ?? job.changed.size,
    ...(end && { unchanged: end.unchanged }),
    failed: end?.failed ?? job.failed,
    ...(job.unsure.size > 0 && { unsure: job.unsure.size }),
    startedAt: start.time,
    ...(end && { endedAt: end.time }),
    ...(start.undoOf !== undefined && { undoOf: start.undoOf }),
  };
}
