// Checks a contacts CSV the way POST /contacts/import will read it, streaming,
// so a 100,000-row file is checked without holding it in memory. Row numbers
// count as the API counts them: the header is row 1, blank lines are skipped
// and not counted.

import { pipeline, Readable } from "node:stream";
import { parse } from "csv-parse";
import { DATE_RULE, dateProblem, E164, isIsoDate } from "../formats.js";

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
  /** The file cannot be imported at all (not CSV, no usable header). */
  fatal?: string;
}

export interface CsvCheckOptions {
  fields?: readonly FieldRef[];
  maxIssues?: number;
}

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
  };
  const issue = (row: number, column: string | undefined, message: string): void => {
    report.issueCount += 1;
    if (report.issues.length < maxIssues) report.issues.push(column ? { row, column, message } : { row, message });
  };

  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  // Duplicates are remembered by number (phone digits, or a 53-bit hash of a
  // row without a phone): a few dozen bytes per row instead of the row's text.
  const seenPhones = new Map<number, number>();
  const seenRows = new Map<number, number>();
  let header: string[] | undefined;
  let columns: Column[] = [];
  let row = 0;

  // pipeline() carries a read error into the parser and closes the file when iteration stops early.
  const source = input instanceof Readable ? input : Readable.from(input);
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
          issue(1, undefined, `${report.fatal}; columns: ${header.join(", ") || "none"}`);
        }
        continue;
      }
      report.rows += 1;
      if (checkRow(record, row)) report.validRows += 1;
      else report.invalidRows += 1;
    }
  } catch (err) {
    report.fatal = `not valid CSV: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`;
    // Row 0, as the API reports a file it cannot parse; the message names the line.
    issue(0, undefined, report.fatal);
  }
  if (!header && !report.fatal) {
    report.fatal = "the file is empty: expected a header row";
    issue(1, undefined, report.fatal);
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
    const [seen, key] = phone === undefined ? [seenRows, hashRow(cells)] : [seenPhones, Number(phone.slice(1))];
    const earlier = seen.get(key);
    if (earlier === undefined) seen.set(key, at);
    else {
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

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 39)}…` : value;
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
