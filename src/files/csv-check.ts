// Checks a contacts CSV the way POST /contacts/import will read it, streaming,
// in memory that does not grow with the file: a 100,000-row file or a 1 GB one
// is checked without holding it. Row numbers count as the API counts them: the
// header is row 1, blank lines are skipped and not counted.

import { addAbortSignal, pipeline, Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { DATE_RULE, dateProblem, E164, isIsoDate } from "../formats.js";

/** Longest row (or quoted field) in characters: a contacts row is short; past this the file is not one. */
export const MAX_ROW_CHARS = 64 * 1024;
/** Distinct rows remembered for the duplicate check (about 24 MB at most); later rows are compared with these. */
export const MAX_REMEMBERED_ROWS = 1_000_000;

/** A custom field a column may map to (GET /contacts/custom-fields). */
export interface FieldRef {
  id: string;
  key?: string | undefined;
  name: string;
  type?: string | undefined;
}

export interface CsvIssue {
  row: number;
  column?: string;
  message: string;
}

export interface CsvReport {
  /** Data rows (records after the header). */
  rows: number;
  /** Rows that should import. */
  validRows: number;
  invalidRows: number;
  emptyRows: number;
  duplicateRows: number;
  /** How each header column will be read: name, phone, a custom field id, or null (ignored by the API). */
  columns: Record<string, string | null>;
  unknownColumns: string[];
  /** The first `maxIssues` problems, in file order. */
  issues: CsvIssue[];
  issueCount: number;
  /** Bytes read: the whole file unless the check stopped at a fatal problem. */
  bytes: number;
  /** The file cannot be imported at all (not CSV, no usable header, a row too long). */
  fatal?: string;
  /** Set when the duplicate check could not remember every row. */
  note?: string;
}

export interface CsvCheckOptions {
  fields?: readonly FieldRef[];
  maxIssues?: number;
  /** Stops the check: it then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after every further MiB read, with the data rows so far. */
  onProgress?: (rows: number) => void;
  /** Distinct rows the duplicate check remembers; default MAX_REMEMBERED_ROWS. */
  rememberRows?: number;
}

const PROGRESS_BYTES = 1024 * 1024;

type Column = { kind: "name" } | { kind: "phone" } | { kind: "field"; field: FieldRef } | { kind: "ignored" };

export async function checkCsv(
  input: AsyncIterable<string | Uint8Array>,
  options: CsvCheckOptions = {},
): Promise<CsvReport> {
  const maxIssues = options.maxIssues ?? 50;
  const report: CsvReport = {
    rows: 0,
    validRows: 0,
    invalidRows: 0,
    emptyRows: 0,
    duplicateRows: 0,
    columns: {},
    unknownColumns: [],
    issues: [],
    issueCount: 0,
    bytes: 0,
  };
  const issue = (row: number, column: string | undefined, message: string): void => {
    report.issueCount += 1;
    if (report.issues.length < maxIssues) report.issues.push(column ? { row, column, message } : { row, message });
  };

  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
    max_record_size: MAX_ROW_CHARS,
  });
  const remember = options.rememberRows ?? MAX_REMEMBERED_ROWS;
  const firstRows = new FirstRows(remember);
  let header: string[] | undefined;
  let columns: Column[] = [];
  let row = 0;

  async function* counted(): AsyncGenerator<string | Uint8Array> {
    let nextProgress = PROGRESS_BYTES;
    for await (const chunk of input) {
      report.bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
      if (report.bytes >= nextProgress) {
        nextProgress = report.bytes + PROGRESS_BYTES;
        options.onProgress?.(report.rows);
      }
      yield chunk;
    }
  }
  // pipeline() carries a read error into the parser and stops reading when iteration stops early;
  // the signal destroys the source, which also stops a file of blank lines that yields no records.
  const source = Readable.from(counted(), { objectMode: false });
  if (options.signal) addAbortSignal(options.signal, source);
  const records = pipeline(source, parser, () => {});

  try {
    for await (const record of records as AsyncIterable<string[]>) {
      row += 1;
      if (!header) {
        header = record;
        columns = header.map((name) => resolveColumn(name, options.fields ?? []));
        header.forEach((name, i) => {
          const column = columns[i];
          report.columns[name] =
            !column || column.kind === "ignored" ? null : column.kind === "field" ? column.field.id : column.kind;
          if (column?.kind === "ignored") report.unknownColumns.push(name);
        });
        if (!columns.some((c) => c.kind === "name" || c.kind === "phone")) {
          report.fatal = "the header has neither a name nor a phone column";
          issue(1, undefined, `${report.fatal}; columns: ${clip(header.join(", "), 200) || "none"}`);
        }
        continue;
      }
      report.rows += 1;
      if (checkRow(record, row)) report.validRows += 1;
      else report.invalidRows += 1;
    }
  } catch (err) {
    // A read failure, a cancellation: not something wrong with the CSV.
    if (!(err instanceof CsvError)) throw err;
    if (err.code === "CSV_MAX_RECORD_SIZE") {
      report.fatal = `row ${row + 1} is longer than ${MAX_ROW_CHARS} characters; a contacts CSV has short rows (is this the right file?)`;
      issue(row + 1, undefined, report.fatal);
    } else {
      report.fatal = `not valid CSV: ${err.message.split("\n")[0]}`;
      // Row 0, as the API reports a file it cannot parse; the message names the line.
      issue(0, undefined, report.fatal);
    }
  }
  if (!header && !report.fatal) {
    report.fatal = "the file is empty: expected a header row";
    issue(1, undefined, report.fatal);
  }
  if (firstRows.full) {
    report.note = `duplicates were looked for among the first ${remember} distinct rows; later rows were compared with those only`;
  }
  return report;

  function checkRow(cells: readonly string[], at: number): boolean {
    if (cells.every((c) => c === "")) {
      report.emptyRows += 1;
      issue(at, undefined, "empty row: a row needs a name or a phone");
      return false;
    }
    let ok = true;
    let hasName = false;
    let phone: string | undefined;
    columns.forEach((column, i) => {
      const value = cells[i] ?? "";
      const name = header?.[i] ?? "";
      if (value === "") return;
      if (column.kind === "name") hasName = true;
      else if (column.kind === "phone") {
        if (E164.test(value)) phone = value;
        else {
          ok = false;
          issue(at, name, `"${clip(value)}" is not an E.164 phone number such as +48123456789`);
        }
      } else if (column.kind === "field" && column.field.type === "date" && !isIsoDate(value)) {
        ok = false;
        issue(at, name, `"${clip(value)}" ${dateProblem(value)}; a date field takes ${DATE_RULE}`);
      }
    });
    if (ok && !hasName && phone === undefined) {
      issue(at, "name", "a row needs a name or a phone");
      return false;
    }
    if (!ok) return false;
    // A phone identifies the contact; a row without one is a duplicate only when it repeats exactly.
    // Phones are positive keys, row hashes negative ones, so the two never meet.
    const earlier = firstRows.seen(phone === undefined ? -hashRow(cells) - 1 : Number(phone.slice(1)), at);
    if (earlier !== undefined) {
      report.duplicateRows += 1;
      issue(
        at,
        phone === undefined ? undefined : "phone",
        `duplicate of row ${earlier}${phone === undefined ? "" : " (same phone)"}`,
      );
    }
    // A duplicate still imports; it is reported so the caller can decide.
    return true;
  }
}

function resolveColumn(header: string, fields: readonly FieldRef[]): Column {
  const name = header.trim().toLowerCase();
  if (name === "name") return { kind: "name" };
  if (name === "phone") return { kind: "phone" };
  const field = fields.find(
    (f) =>
      f.id === header || f.key?.toLowerCase() === name || f.name.toLowerCase() === name || f.id.toLowerCase() === name,
  );
  return field ? { kind: "field", field } : { kind: "ignored" };
}

function clip(value: string, max = 40): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

/**
 * The first row of each duplicate key: an open-addressing hash table of numbers
 * (a phone's digits, or a row's 53-bit hash, never 0), growing to 2^21 slots
 * (24 MB) for MAX_REMEMBERED_ROWS keys and no further. Once full, new keys are
 * not remembered but every row is still compared with those that are.
 */
class FirstRows {
  private keys = new Float64Array(4096);
  private rows = new Uint32Array(4096);
  private count = 0;
  full = false;

  constructor(private readonly limit: number) {}

  /** The row `key` was first seen at; undefined (and `row` remembered, room permitting) when it is new. */
  seen(key: number, row: number): number | undefined {
    const mask = this.keys.length - 1;
    let i = slotOf(key) & mask;
    for (let k = this.keys[i]; k !== 0 && k !== undefined; k = this.keys[i]) {
      if (k === key) return this.rows[i];
      i = (i + 1) & mask;
    }
    if (this.count >= this.limit || row > 0xffffffff) {
      this.full = true;
      return undefined;
    }
    this.keys[i] = key;
    this.rows[i] = row;
    this.count += 1;
    if (this.count * 2 > this.keys.length) this.grow();
    return undefined;
  }

  private grow(): void {
    const { keys, rows } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.rows = new Uint32Array(keys.length * 2);
    const mask = this.keys.length - 1;
    keys.forEach((key, from) => {
      if (key === 0) return;
      let i = slotOf(key) & mask;
      while (this.keys[i] !== 0) i = (i + 1) & mask;
      this.keys[i] = key;
      this.rows[i] = rows[from] ?? 0;
    });
  }
}

/** Mixes a key of up to 53 bits into 32. */
function slotOf(key: number): number {
  const x = Math.abs(key);
  let h = Math.imul((x >>> 0) ^ Math.imul((x / 4294967296) >>> 0, 0x85ebca6b), 0x9e3779b1);
  h ^= h >>> 15;
  return h >>> 0;
}

// cyrb53: a fast 53-bit string hash; collisions are negligible at a million rows.
function hashRow(cells: readonly string[]): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (const cell of cells) {
    for (let i = 0; i < cell.length; i++) {
      const ch = cell.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ 0x1f, 2654435761);
    h2 = Math.imul(h2 ^ 0x1f, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
