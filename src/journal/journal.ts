// The journal: every write the server makes, one JSON object a line, appended
// to a local file (FLOWNALLY_JOURNAL). Appending never blocks or fails a call:
// lines queue in memory (bounded) and one writer per file appends them in
// order, so concurrent calls of one process never interleave a line; a failure
// to write is logged, once until writing works again. Reading streams the file.

import { createReadStream } from "node:fs";
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { log } from "../log.js";
import type { JournalEntry } from "./entry.js";

/** Lines waiting for the disk, at most; past it new entries are dropped (and counted in the log). */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

export class Journal {
  private pending: string[] = [];
  private pendingBytes = 0;
  private dropped = 0;
  private writing: Promise<void> | undefined;
  private failing = false;

  constructor(readonly path: string) {}

  /** Queues one entry; returns at once and never throws. */
  append(entry: JournalEntry): void {
    let line: string;
    try {
      line = `${JSON.stringify(entry)}\n`;
    } catch (err) {
      log(`journal: an entry of ${entry.tool ?? entry.id} could not be written as JSON (${messageOf(err)})`);
      return;
    }
    if (this.pendingBytes + line.length > MAX_PENDING_BYTES) {
      this.dropped++;
      return;
    }
    this.pending.push(line);
    this.pendingBytes += line.length;
    this.writing ??= this.drain();
  }

  /** Resolves once every entry appended so far is on disk (or failed to get there). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Every entry in the file, oldest first, streamed; `keep` sees each raw line first, so most are never parsed. */
  async *entries(keep: (line: string) => boolean = () => true): AsyncGenerator<JournalEntry> {
    await this.flush();
    const stream = createReadStream(this.path, { encoding: "utf8" });
    const opened = new Promise<boolean>((resolve) => {
      stream.once("open", () => resolve(true));
      stream.once("error", () => resolve(false));
    });
    if (!(await opened)) return;
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of lines) {
        if (!keep(line)) continue;
        const entry = parseEntry(line);
        if (entry) yield entry;
      }
    } finally {
      lines.close();
      stream.destroy();
    }
  }

  private async drain(): Promise<void> {
    try {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    } catch {
      // appendFile below says why, once.
    }
    while (this.pending.length > 0) {
      const batch = this.pending.join("");
      this.pending = [];
      this.pendingBytes = 0;
      try {
        // O_APPEND: each batch lands whole at the end, even with another process appending too.
        await appendFile(this.path, batch, { mode: 0o600 });
        if (this.failing) log(`journal: writing to ${this.path} works again`);
        this.failing = false;
      } catch (err) {
        if (!this.failing)
          log(`journal: cannot write ${this.path} (${messageOf(err)}); writes go unrecorded until it can`);
        this.failing = true;
      }
      if (this.dropped > 0 && !this.failing) {
        log(`journal: ${this.dropped} entries were not recorded (more were waiting than fit in memory)`);
        this.dropped = 0;
      }
    }
    this.writing = undefined;
  }
}

function parseEntry(line: string): JournalEntry | undefined {
  try {
    const value: unknown = JSON.parse(line);
    // A line cut short by a crash, or anything else not an entry, is skipped.
    return value && typeof value === "object" && !Array.isArray(value) && "id" in value
      ? (value as JournalEntry)
      : undefined;
  } catch {
    return undefined;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const open = new Map<string, Journal>();

/** The one journal of the process writing to `path`, so its entries are appended in order. */
export function journalAt(path: string): Journal {
  let journal = open.get(path);
  if (!journal) {
    journal = new Journal(path);
    open.set(path, journal);
  }
  return journal;
}

/** Waits for every journal of the process to be written, before it exits. */
export async function flushJournals(): Promise<void> {
  await Promise.all([...open.values()].map((j) => j.flush()));
}
