// Background CSV contact import. The job moves pending → processing → completed
// (or failed when the file is not CSV) on timers, in chunks, so a client polling
// GET /contacts/imports/{id} right away sees the intermediate states, like a real import.
//
// Row numbers count the header as row 1: the first data row is row 2, i.e. the
// record's position in the file (blank lines are skipped and not counted).

import { parse } from "csv-parse/sync";
import { createContact, E164_MESSAGE, isE164 } from "./contact-model.js";
import { checkFieldValue, fieldKey, findField } from "./routes/custom-fields.js";
import type { ContactImport, CustomFieldDefinition, ImportRowError, Store } from "./store.js";

const PENDING_MS = 20;
const CHUNK_ROWS = 500;
const CHUNK_DELAY_MS = 10;

type Column =
  | { kind: "name" }
  | { kind: "phone" }
  | { kind: "field"; field: CustomFieldDefinition }
  | { kind: "ignored" };

/** Registers the job and schedules its processing; returns the import id at once. */
export function startImport(store: Store, data: Buffer): string {
  const job: ContactImport = {
    id: store.id("import"),
    status: "pending",
    totalRows: 0,
    successCount: 0,
    failedCount: 0,
    errors: [],
    createdAt: store.now(),
  };
  store.imports.set(job.id, job);
  later(PENDING_MS, () => begin(store, job, data));
  return job.id;
}

function begin(store: Store, job: ContactImport, data: Buffer): void {
  let records: string[][];
  try {
    records = parse(data, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (err) {
    job.status = "failed";
    job.errors.push({ row: 0, column: "", message: `not a valid CSV file: ${(err as Error).message}` });
    return;
  }
  const [header, ...rows] = records;
  if (!header) {
    job.status = "failed";
    job.errors.push({ row: 1, column: "", message: "the file is empty: expected a header row" });
    return;
  }
  job.status = "processing";
  job.totalRows = rows.length;
  const columns = header.map((name) => resolveColumn(store, name));
  const step = (offset: number): void => {
    const end = Math.min(offset + CHUNK_ROWS, rows.length);
    for (let i = offset; i < end; i += 1) importRow(store, job, header, columns, rows[i] ?? [], i + 2);
    if (end < rows.length) later(CHUNK_DELAY_MS, () => step(end));
    else later(CHUNK_DELAY_MS, () => (job.status = "completed"));
  };
  later(CHUNK_DELAY_MS, () => step(0));
}

function resolveColumn(store: Store, header: string): Column {
  const name = header.trim().toLowerCase();
  if (name === "name") return { kind: "name" };
  if (name === "phone") return { kind: "phone" };
  const field = findField(store.contactFields, header);
  return field ? { kind: "field", field } : { kind: "ignored" };
}

function importRow(
  store: Store,
  job: ContactImport,
  header: readonly string[],
  columns: readonly Column[],
  cells: readonly string[],
  row: number,
): void {
  const errors: ImportRowError[] = [];
  let name = "";
  let phone: string | undefined;
  const customFields: Record<string, string> = {};
  columns.forEach((column, i) => {
    const value = cells[i] ?? "";
    const columnName = header[i] ?? "";
    if (column.kind === "name") name = value;
    else if (column.kind === "phone" && value !== "") {
      if (isE164(value)) phone = value;
      else errors.push({ row, column: columnName, message: E164_MESSAGE });
    } else if (column.kind === "field" && value !== "") {
      const violation = checkFieldValue(column.field, value, columnName);
      if (violation) errors.push({ row, column: columnName, message: violation.message });
      else customFields[fieldKey(column.field.id)] = value;
    }
  });
  if (errors.length === 0 && name === "" && phone === undefined) {
    errors.push({ row, column: "name", message: "a row needs a name or a phone" });
  }
  if (errors.length > 0) {
    job.failedCount += 1;
    job.errors.push(...errors);
    return;
  }
  createContact(store, { name: name || (phone ?? ""), ...(phone === undefined ? {} : { phone }), customFields });
  job.successCount += 1;
}

/** A timer that never keeps the process alive (a closed sandbox must let Node exit). */
function later(ms: number, fn: () => void): void {
  setTimeout(fn, ms).unref();
}
