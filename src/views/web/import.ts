// The import report: how each CSV column will be read, the row errors by row
// and column (the local check's, then the import's own), and an import's
// progress and counts, followed live through the app-only view_import.

import type { FieldDef, ImportState, ImportView, RowError } from "../shapes.js";
import type { Bridge } from "./lib/bridge.js";
import {
  banner,
  call,
  chip,
  errorText,
  h,
  header,
  numberOf,
  recordsOf,
  show,
  startView,
  stringOf,
  structured,
  table,
} from "./lib/ui.js";

/** How often a running import is looked at. */
const POLL_MS = 800;

interface Check {
  rows?: number;
  validRows?: number;
  invalidRows?: number;
  emptyRows?: number;
  duplicateRows?: number;
  columns?: Record<string, string | null>;
  unknownColumns: string[];
  /** The problems found, when the result lists them (a dry run); an upload's result gives only the counts. */
  issues?: RowError[];
  issueCount?: number;
  fatal?: string;
}

interface State {
  source: string;
  dryRun: boolean;
  check: Check | undefined;
  job: ImportState | undefined;
  fields: FieldDef[];
  message: HTMLElement | undefined;
}

startView("flownally-import", (bridge) => {
  const root = document.body.appendChild(h("main"));
  const state: State = { source: "", dryRun: false, check: undefined, job: undefined, fields: [], message: undefined };
  const render = () => show(root, ...view(bridge, state));

  const follow = async () => {
    try {
      const data = await call<ImportView>(bridge, "view_import", state.job ? { importId: state.job.importId } : {});
      state.fields = data.fields;
      if (data.import) state.job = data.import;
      state.message = undefined;
    } catch (err) {
      state.message = banner("error", err instanceof Error ? err.message : String(err));
      render();
      return;
    }
    render();
    if (state.job && running(state.job)) setTimeout(() => void follow(), POLL_MS);
  };

  return {
    toolInput: (args) => {
      const path = stringOf(args.filePath);
      state.source = path ? (path.split(/[\\/]/).pop() ?? path) : "inline CSV";
      state.dryRun = args.dryRun === true;
    },
    toolResult: (result) => {
      if (result.isError) {
        state.message = banner("error", errorText(result));
        render();
        return;
      }
      const data = structured(result);
      state.check = checkOf(data.check);
      state.job = jobOf(data);
      render();
      void follow();
    },
    hostContext: render,
  };
});

function running(job: ImportState): boolean {
  return job.status === "pending" || job.status === "processing";
}

function view(bridge: Bridge, state: State) {
  const { check, job } = state;
  const errors = [...(check?.issues ?? []), ...(job?.errors ?? [])];
  const status = job ? job.status : state.dryRun ? "checked, not uploaded" : "checked";
  return [
    header(bridge, "Import report", [state.source, " ", chip(status, job?.status === "failed" ? "filter" : "")]),
    state.message ?? null,
    check?.fatal ? banner("error", `Cannot be imported: ${check.fatal}`) : null,
    check ? h("div", { class: "stats" }, checkStats(check)) : null,
    job ? progress(bridge, job) : null,
    check?.columns ? mapping(check, state.fields) : null,
    errors.length ? errorGrid(errors, check) : job && !running(job) ? banner("ok", "No row errors.") : null,
    unlisted(check) ? h("p", { class: "muted" }, `${unlisted(check)} more problems in the file are not listed.`) : null,
  ];
}

/** Problems the check found beyond those it lists (a dry run lists the first 50). */
function unlisted(check: Check | undefined): number {
  return check?.issues && check.issueCount !== undefined ? check.issueCount - check.issues.length : 0;
}

function stat(label: string, value: number | undefined, kind = "") {
  return value === undefined
    ? null
    : h("div", { class: `stat ${kind}`.trim() }, h("b", { class: "num" }, value), label);
}

function checkStats(check: Check) {
  return [
    stat("rows", check.rows),
    stat("valid", check.validRows),
    stat("invalid", check.invalidRows, check.invalidRows ? "bad" : ""),
    stat("empty", check.emptyRows),
    stat("duplicates", check.duplicateRows),
  ];
}

function progress(bridge: Bridge, job: ImportState) {
  const done = job.successCount + job.failedCount;
  const locale = bridge.context.locale;
  return h(
    "section",
    { "aria-label": "Import progress" },
    h("h2", {}, running(job) ? "Importing…" : job.status === "completed" ? "Import finished" : `Import ${job.status}`),
    h("progress", { max: Math.max(job.totalRows, 1), value: running(job) && job.totalRows === 0 ? 0 : done }),
    h(
      "p",
      { class: "muted num" },
      `${done.toLocaleString(locale)} of ${job.totalRows.toLocaleString(locale)} rows · ${job.successCount.toLocaleString(locale)} imported · ${job.failedCount.toLocaleString(locale)} failed`,
    ),
  );
}

function mapping(check: Check, fields: readonly FieldDef[]) {
  // An ignored column is named in unknownColumns (results leave out nulls), after those that import.
  const columns: [string, string | null][] = [
    ...Object.entries(check.columns ?? {}).filter(([column]) => !check.unknownColumns.includes(column)),
    ...check.unknownColumns.map((column): [string, null] => [column, null]),
  ];
  return [
    h("h2", {}, "Columns"),
    table(
      { class: "mapping" },
      ["CSV column", "Imported as"],
      columns.map(([column, target]) =>
        h(
          "tr",
          {},
          h("td", {}, column),
          h(
            "td",
            { class: target === null ? "muted" : "" },
            target === null
              ? "ignored: no such field"
              : target === "name"
                ? "Name"
                : target === "phone"
                  ? "Phone"
                  : `Field: ${fields.find((f) => f.id === target)?.name ?? target}`,
          ),
        ),
      ),
    ),
  ];
}

/** The rows with errors against the file's columns; a cell with an error is marked and says it. */
function errorGrid(errors: readonly RowError[], check: Check | undefined) {
  const columns = Object.keys(check?.columns ?? {});
  for (const e of errors) if (e.column && !columns.includes(e.column)) columns.push(e.column);
  const rows = [...new Set(errors.map((e) => e.row))].sort((a, b) => a - b);
  const wholeRows = errors.some((e) => !e.column);
  return [
    h("h2", {}, `Row errors (${errors.length})`),
    h(
      "div",
      { class: "scroll" },
      table(
        { class: "errors" },
        ["Row", ...columns, "Row problem"],
        rows.map((row) => {
          const here = errors.filter((e) => e.row === row);
          const whole = here.filter((e) => !e.column);
          return h(
            "tr",
            { "data-row": row },
            h("td", { class: "num" }, row),
            columns.map((c) => {
              const cell = here.filter((e) => e.column === c);
              return cell.length
                ? h("td", { class: "bad", "data-column": c }, cell.map((e) => e.message).join("; "))
                : h("td", {}, "");
            }),
            wholeRows ? h("td", { class: whole.length ? "bad" : "" }, whole.map((e) => e.message).join("; ")) : null,
          );
        }),
      ),
    ),
  ];
}

// ---- Reading import_contacts and get_import_status results ----

function checkOf(value: unknown): Check | undefined {
  const [c] = recordsOf([value]);
  if (!c) return undefined;
  const columns = recordsOf([c.columns])[0];
  const fatal = stringOf(c.fatal);
  return {
    ...numbers(c, ["rows", "validRows", "invalidRows", "emptyRows", "duplicateRows", "issueCount"]),
    ...(columns && {
      columns: Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, typeof v === "string" ? v : null])),
    }),
    unknownColumns: Array.isArray(c.unknownColumns) ? c.unknownColumns.filter((x) => typeof x === "string") : [],
    ...(Array.isArray(c.issues) && { issues: rowErrors(c.issues) }),
    ...(fatal && { fatal }),
  };
}

function jobOf(data: Record<string, unknown>): ImportState | undefined {
  const importId = stringOf(data.importId) ?? stringOf(data.id);
  if (!importId) return undefined;
  return {
    importId,
    status: stringOf(data.status) ?? "pending",
    totalRows: numberOf(data.totalRows) ?? 0,
    successCount: numberOf(data.successCount) ?? 0,
    failedCount: numberOf(data.failedCount) ?? 0,
    errors: rowErrors(data.errors),
  };
}

function rowErrors(value: unknown): RowError[] {
  return recordsOf(value).flatMap((e) => {
    const row = numberOf(e.row);
    const column = stringOf(e.column);
    return row === undefined ? [] : [{ row, ...(column && { column }), message: stringOf(e.message) ?? "" }];
  });
}

function numbers(record: Record<string, unknown>, keys: readonly (keyof Check)[]): Partial<Check> {
  return Object.fromEntries(keys.flatMap((k) => (numberOf(record[k]) === undefined ? [] : [[k, record[k]]])));
}
