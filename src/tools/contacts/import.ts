// import_contacts: checks a CSV locally (streaming), uploads it as multipart,
// and optionally waits for the background import with progress notifications.

import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import * as z from "zod";
import { APIUserAbortError } from "../../client/errors.js";
import { apiPath } from "../../client/path.js";
import { type ImportStatus, importStatusShape, readShape } from "../../client/shapes.js";
import { type CsvReport, checkCsv, type FieldRef } from "../../files/csv-check.js";
import type { OpenedFile } from "../../files/open.js";
import { ToolInputError } from "../../refusal.js";
import { fieldKey } from "../../workspace/names.js";
import { importStatus } from "../present.js";
import { CREATE, defineTool, type ToolContext } from "../types.js";

const WAIT_BUDGET_MS = 5 * 60_000;
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 5_000;
const MAX_ROW_ERRORS = 50;

export const importContacts = defineTool({
  name: "import_contacts",
  toolset: "contacts",
  title: "Import contacts",
  description: "Check a contacts CSV (name, phone, field columns) locally, then upload it; the header is row 1.",
  scopes: ["contact:create"],
  method: "POST",
  path: "/contacts/import",
  input: {
    filePath: z.string().min(1).optional().describe("CSV path under the allowed roots"),
    csv: z.string().min(1).optional().describe("Inline CSV instead of filePath"),
    dryRun: z.boolean().optional().describe("Only check; upload nothing"),
    wait: z.boolean().optional().describe("Wait up to 5 min for the result"),
  },
  output: importStatus,
  hints: CREATE,
  confirm: "bulk",
  run: async (args, ctx) => {
    if ((args.filePath === undefined) === (args.csv === undefined)) {
      throw new ToolInputError("Give exactly one of filePath or csv. Nothing was sent.");
    }
    const file = args.filePath === undefined ? undefined : await ctx.readableFile(args.filePath);
    // Closed once sent: waiting for the import needs the file no more.
    const { check, started } = await checkAndUpload(file, args.csv ?? "", args.dryRun ?? false, ctx).finally(() =>
      file?.close(),
    );
    if (!started) return { data: { dryRun: true, uploaded: false, check } };
    const importId = importStatusShape.safeParse(started.data).data?.importId;
    if (!args.wait || typeof importId !== "string") {
      const next = typeof importId === "string" ? { next: "poll get_import_status with this importId" } : {};
      return { data: { ...(started.data as object), ...next, check: summary(check) } };
    }
    const status = await waitForImport(importId, check.rows, ctx);
    return { data: { ...status, errors: status.errors?.slice(0, MAX_ROW_ERRORS), check: summary(check) } };
  },
});

/**
 * Checks the opened file or the inline CSV, then (unless a dry run) uploads it:
 * both read the same descriptor, and the upload sends exactly the bytes the check read.
 */
async function checkAndUpload(file: OpenedFile | undefined, csv: string, dryRun: boolean, ctx: ToolContext) {
  const fields = await customFields(ctx);
  let reported = 0;
  const check = await checkCsv(file ? file.read() : Readable.from([csv]), {
    fields,
    signal: ctx.signal,
    // A client may give up on a quiet call, and a large file takes a while. Progress
    // counts rows, which must only increase: checked rows, then (waiting) imported ones.
    onProgress: (rows) => {
      if (rows > reported) ctx.progress(rows, undefined, `checked ${rows} rows`).catch(() => {});
      reported = rows;
    },
  }).catch((err: unknown) => {
    throw ctx.signal.aborted ? cancelled("the CSV check") : err;
  });
  if (dryRun) return { check, started: undefined };
  if (check.fatal) throw new ToolInputError(`Not uploaded: ${check.fatal}. Fix the file and call again.`);
  if (check.rows === 0) throw new ToolInputError("Not uploaded: the file has a header but no data rows.");
  // Each row creates or updates a contact: above the threshold the user says yes first, told how many.
  await ctx.confirm(() => ({ action: `Import ${file ? file.path : "the given CSV"}`, count: check.rows }));

  // The file's part carries its own name: given a filename too, FormData would copy it into a new File and
  // lose the stream from the descriptor (the upload would be empty).
  const multipart = file
    ? [{ name: "file", value: file.part(check.bytes, "text/csv") }]
    : [{ name: "file", value: new Blob([csv], { type: "text/csv" }), filename: "contacts.csv" }];
  const started = await ctx.client
    .request({ method: "POST", path: "/contacts/import", multipart, signal: ctx.signal })
    .catch((err: unknown) => {
      // A file that changed under the upload fails the request; say that, not "network error".
      throw file?.failure ?? err;
    });
  return { check, started };
}

/**
 * Polls GET /contacts/imports/{id} until completed or failed, backing off from
 * 250 ms, at most 5 minutes. Progress goes on from the rows checked before.
 */
async function waitForImport(
  id: string,
  expectedRows: number,
  ctx: ToolContext,
): Promise<ImportStatus & { waitedMs: number; note?: string }> {
  const started = Date.now();
  let delay = FIRST_POLL_MS;
  for (;;) {
    const { data } = await ctx.client.request({
      method: "GET",
      path: apiPath`/contacts/imports/${id}`,
      signal: ctx.signal,
    });
    const status = readShape(
      importStatusShape,
      data ?? {},
      `GET /contacts/imports/${id} answered without an import status`,
    );
    const done = (status.successCount ?? 0) + (status.failedCount ?? 0);
    const total = status.totalRows || expectedRows;
    await ctx.progress(
      expectedRows + done,
      expectedRows + total,
      `import ${status.status ?? "pending"}: ${done}/${total} rows`,
    );
    const waitedMs = Date.now() - started;
    if (status.status === "completed" || status.status === "failed") return { ...status, waitedMs };
    if (waitedMs + delay > WAIT_BUDGET_MS) {
      return {
        ...status,
        waitedMs,
        note: `still ${status.status ?? "running"}; poll get_import_status with this importId`,
      };
    }
    await pause(delay, ctx.signal);
    delay = Math.min(MAX_POLL_MS, Math.round(delay * 1.5));
  }
}

/** The custom fields a column may name, by id, key or name. */
async function customFields(ctx: ToolContext): Promise<FieldRef[]> {
  const { data } = await ctx.client.request({ method: "GET", path: "/contacts/custom-fields", signal: ctx.signal });
  const list = (data as { customFields?: unknown } | undefined)?.customFields;
  if (!Array.isArray(list)) return [];
  return list.flatMap((f: unknown) => {
    const field = f as Partial<Record<"id" | "name" | "type", unknown>>;
    if (typeof field.id !== "string") return [];
    return [
      {
        id: field.id,
        key: fieldKey(field.id),
        name: typeof field.name === "string" ? field.name : field.id,
        type: typeof field.type === "string" ? field.type : undefined,
      },
    ];
  });
}

/** The local check, without repeating what the API's own row errors will say. */
function summary(check: CsvReport) {
  const { rows, validRows, invalidRows, emptyRows, duplicateRows, unknownColumns, issueCount, note } = check;
  return { rows, validRows, invalidRows, emptyRows, duplicateRows, unknownColumns, issueCount, ...(note && { note }) };
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw cancelled("waiting for the import");
  }
}

function cancelled(during: string): APIUserAbortError {
  return new APIUserAbortError(`cancelled during ${during}`);
}
