// The bulk change: what a tag_contacts call will change (a dry run's plan, or
// the preview of a call that needs the user's yes), Accept / Decline where the
// host lets the view call tools, then the job's live progress, its result, and
// Undo, through manage_job. Accept and Undo are the server's own calls with
// the same arguments: where the server asks for a yes (a confirmation token),
// the view shows its question and sends the token only on the user's Accept.

import type { CallToolResult } from "@modelcontextprotocol/client";
import type { BulkView, JobState, Named } from "../shapes.js";
import { type Bridge, isRecord } from "./lib/bridge.js";
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

/** How often a running job is looked at. */
const POLL_MS = 500;

interface SampleRow extends Named {
  phone?: string;
}

/** What a tag change will do, as its dry run says. */
interface Plan {
  tag: Named;
  remove: boolean;
  /** Contacts it changes. */
  count: number;
  matched: number;
  /** Matched contacts already as wanted (filters only). */
  already: number | undefined;
  sample: SampleRow[];
}

/** The server's question before a change (the preview that hands out a confirmation token). */
interface Asked {
  question: string;
  token: string;
  /** The call it is about: applying the change, or undoing the job. */
  about: "apply" | "undo";
}

type Args = Record<string, unknown>;
type Started = "accepted" | "undo" | "cancelled";

interface State {
  tool: string;
  args: Args;
  plan: Plan | undefined;
  asked: Asked | undefined;
  job: JobState | undefined;
  /** What the user did here that the followed job answers: the model hears how it ended. */
  started: Started | undefined;
  recent: Record<string, unknown>[] | undefined;
  canManage: boolean;
  declined: boolean;
  busy: boolean;
  message: HTMLElement | undefined;
}

startView("flownally-bulk", (bridge) => {
  const root = document.body.appendChild(h("main"));
  const state: State = {
    tool: "",
    args: {},
    plan: undefined,
    asked: undefined,
    job: undefined,
    started: undefined,
    recent: undefined,
    canManage: false,
    declined: false,
    busy: false,
    message: undefined,
  };
  const render = () => show(root, ...view(bridge, state, actions));
  const fail = (err: unknown) => {
    state.message = banner("error", err instanceof Error ? err.message : String(err));
    state.busy = false;
    render();
  };

  /** Reads the job until it ends; then, when the user started it here, tells the model how it went. */
  const follow = async (jobId: string) => {
    try {
      const data = await call<BulkView>(bridge, "view_bulk", { jobId });
      state.job = data.job;
      state.canManage = data.canManage;
    } catch (err) {
      fail(err);
      return;
    }
    state.busy = false;
    render();
    const job = state.job;
    if (job?.status === "running") setTimeout(() => void follow(jobId), POLL_MS);
    else if (job && state.started) void tell(bridge, state, outcome(state.started, state.plan, job), job);
  };

  /** What Accept or Undo answered: the job it started, the server's question, or why not. */
  const answered = (result: CallToolResult, about: Asked["about"]) => {
    state.asked = undefined;
    if (result.isError) {
      state.asked = askedOf(result, about);
      if (!state.asked) state.message = banner("error", errorText(result));
      state.busy = false;
      render();
      return;
    }
    const jobId = stringOf(structured(result).job);
    state.started = about === "apply" ? "accepted" : "undo";
    state.message = undefined;
    if (jobId) void follow(jobId);
    else fail(new Error("The call answered without a job."));
  };

  /** The plan of the call the view shows, read as its dry run (which changes nothing), its sample named. */
  const plan = async (data?: Args) => {
    try {
      const planned = planOf(data ?? (await call<Args>(bridge, "tag_contacts", { ...applyArgs(state), dryRun: true })));
      const unnamed = planned?.sample.filter((s) => !s.name) ?? [];
      if (planned && unnamed.length > 0) {
        const { contacts } = await call<BulkView>(bridge, "view_bulk", { contactIds: unnamed.map((s) => s.id) });
        const names = new Map(contacts.map((c) => [c.id, c.name]));
        for (const row of planned.sample) row.name ||= names.get(row.id) ?? row.id;
      }
      state.plan = planned;
      render();
    } catch (err) {
      fail(err);
    }
  };

  const run = async (tool: string, args: Args, about: Asked["about"]) => {
    state.busy = true;
    render();
    try {
      answered(await bridge.callServerTool(tool, args), about);
    } catch (err) {
      fail(err);
    }
  };

  const actions: Actions = {
    accept: () => {
      const token = state.asked?.about === "apply" ? state.asked.token : undefined;
      void run("tag_contacts", { ...applyArgs(state), ...(token && { confirm: token }) }, "apply");
    },
    decline: () => {
      const about = state.asked?.about ?? "apply";
      state.asked = undefined;
      if (about === "undo") {
        state.message = banner("info", "Undo declined: nothing was changed.");
        render();
        void tell(bridge, state, `declined undoing ${state.job?.id ?? "the job"}: nothing was changed.`);
        return;
      }
      state.declined = true;
      render();
      void tell(bridge, state, `declined ${changeText(state.plan)}: nothing was changed.`);
    },
    undo: () => {
      const jobId = state.job?.undoOf ?? state.job?.id;
      const token = state.asked?.about === "undo" ? state.asked.token : undefined;
      if (jobId) void run("manage_job", { jobId, action: "undo", ...(token && { confirm: token }) }, "undo");
    },
    cancel: async () => {
      const jobId = state.job?.id;
      if (!jobId) return;
      state.busy = true;
      render();
      try {
        await call(bridge, "manage_job", { jobId, action: "cancel" });
        state.started = "cancelled";
        await follow(jobId);
      } catch (err) {
        fail(err);
      }
    },
    show: (jobId) => {
      state.recent = undefined;
      void follow(jobId);
    },
  };

  return {
    toolInput: (args) => {
      state.args = args;
    },
    toolResult: (result) => {
      // The host names the call's tool where it says; else its arguments do (a tag change has a tagId).
      state.tool = bridge.context.toolInfo?.tool.name ?? ("tagId" in state.args ? "tag_contacts" : "manage_job");
      const data = structured(result);
      if (result.isError) {
        // A call that needs the user's yes: its question, and what it will change, read as a dry run.
        state.asked = askedOf(result, state.tool === "manage_job" ? "undo" : "apply");
        if (!state.asked) state.message = banner("error", errorText(result));
        else if (state.tool === "manage_job") {
          const jobId = stringOf(state.args.jobId);
          if (jobId) void follow(jobId);
        } else void plan();
      } else if (data.dryRun === true) void plan(data);
      else if (Array.isArray(data.recent)) state.recent = recordsOf(data.recent);
      else {
        const jobId = stringOf(data.job);
        if (jobId) void follow(jobId);
      }
      render();
    },
    toolCancelled: () => {
      state.message = banner("warn", "The call was cancelled.");
      render();
    },
    hostContext: render,
  };
});

interface Actions {
  accept(): void;
  decline(): void;
  undo(): void;
  cancel(): Promise<void>;
  show(jobId: string): void;
}

function view(bridge: Bridge, state: State, actions: Actions) {
  const { plan, job } = state;
  const title = job?.undoOf ? `Undo of ${job.undoOf}` : "Bulk change";
  const change = job?.tag ? { tag: job.tag, remove: job.action === "remove", count: job.total } : plan;
  const said = change ? changeText(change) : "";
  const subtitle = `${said.charAt(0).toUpperCase()}${said.slice(1)}`;
  return [
    header(bridge, title, subtitle, job ? chip(job.status, job.status === "done" ? "" : "filter") : null),
    state.message ?? null,
    state.recent ? recentList(state.recent, actions) : null,
    plan && !job ? preview(bridge, plan) : null,
    state.asked ? question(state.asked) : null,
    state.declined ? banner("info", "Declined: nothing was changed.") : null,
    (plan && !job && !state.declined) || state.asked ? decision(bridge, state, actions) : null,
    job ? progress(bridge, job) : null,
    job ? jobActions(state, job, actions) : null,
  ];
}

function preview(bridge: Bridge, plan: Plan) {
  const n = (v: number) => v.toLocaleString(bridge.context.locale);
  const more = plan.count - plan.sample.length;
  return h(
    "section",
    { "aria-label": "Preview" },
    h(
      "div",
      { class: "stats" },
      h("div", { class: "stat" }, h("b", { class: "num" }, n(plan.count)), "will change"),
      h("div", { class: "stat" }, h("b", { class: "num" }, n(plan.matched)), "match"),
      plan.already === undefined
        ? null
        : h(
            "div",
            { class: "stat" },
            h("b", { class: "num" }, n(plan.already)),
            plan.remove ? "do not have it" : "have it already",
          ),
    ),
    plan.sample.length
      ? table(
          { class: "sample" },
          ["Name", "Phone"],
          plan.sample.map((s) =>
            h("tr", { "data-id": s.id }, h("td", {}, s.name || s.id), h("td", { class: "num" }, s.phone ?? "")),
          ),
        )
      : null,
    more > 0 ? h("p", { class: "muted" }, `and ${n(more)} more`) : null,
  );
}

function question(asked: Asked) {
  return banner("warn", "Flownally asks for your yes: ", asked.question);
}

/** Accept / Decline, where the host lets the view call tools; otherwise the answer is given in the chat. */
function decision(bridge: Bridge, state: State, actions: Actions) {
  if (!bridge.callsTools) return h("p", { class: "muted" }, "Answer in the chat: this host does not let the view act.");
  const undo = state.asked?.about === "undo";
  return h(
    "div",
    { class: "bar" },
    h(
      "button",
      { class: "primary", disabled: state.busy, onclick: undo ? actions.undo : actions.accept },
      undo ? "Accept undo" : "Accept",
    ),
    h("button", { disabled: state.busy, onclick: actions.decline }, "Decline"),
    state.busy ? h("span", { class: "muted" }, "Working…") : null,
  );
}

function progress(bridge: Bridge, job: JobState) {
  const n = (v: number) => v.toLocaleString(bridge.context.locale);
  const heading =
    job.status === "running"
      ? "Applying…"
      : job.status === "done"
        ? "Done"
        : `${job.status[0]?.toUpperCase() ?? ""}${job.status.slice(1)}`;
  return h(
    "section",
    { "aria-label": "Job progress" },
    h("h2", {}, heading, " ", h("span", { class: "muted mono" }, job.id)),
    h("progress", { max: Math.max(job.total, 1), value: job.total === 0 ? 1 : job.done }),
    h(
      "p",
      { class: "num", "aria-label": "Counts" },
      `${n(job.done)} of ${n(job.total)} · ${n(job.applied)} applied · ${n(job.unchanged)} unchanged · ${n(job.failed)} failed`,
    ),
    job.reason ? banner(job.status === "done" ? "info" : "warn", job.reason) : null,
    job.failures.length
      ? table(
          { class: "failures" },
          ["Contact", "Why it failed"],
          job.failures.map((f) =>
            h("tr", { "data-id": f.contactId }, h("td", {}, f.name), h("td", { class: "bad" }, f.error)),
          ),
        )
      : null,
    job.undoneBy ? banner("info", `Undone by ${job.undoneBy}.`) : null,
  );
}

function jobActions(state: State, job: JobState, actions: Actions) {
  if (!state.canManage || state.asked) return null;
  if (job.status === "running") {
    return h(
      "div",
      { class: "bar" },
      h("button", { disabled: state.busy, onclick: () => void actions.cancel() }, "Cancel"),
    );
  }
  // An undo is not undone from here (that would redo), nor a job undone already or that changed nothing.
  if (job.undoOf || job.undoneBy || job.applied + job.failed === 0) return null;
  return h(
    "div",
    { class: "bar" },
    h("button", { disabled: state.busy, onclick: actions.undo }, "Undo"),
    state.busy ? h("span", { class: "muted" }, "Working…") : null,
  );
}

function recentList(items: Record<string, unknown>[], actions: Actions) {
  return table(
    { class: "recent" },
    ["When", "What", "Status", null],
    items.map((item) => {
      const id = stringOf(item.id) ?? "";
      const isJob = id.startsWith("job_");
      return h(
        "tr",
        {},
        h("td", { class: "nowrap" }, stringOf(item.time) ?? ""),
        h("td", {}, stringOf(item.tool) ?? "", " ", h("span", { class: "muted mono" }, id)),
        h("td", {}, stringOf(item.status) ?? (item.ok === false ? "failed" : "ok")),
        h("td", {}, isJob ? h("button", { class: "ghost", onclick: () => actions.show(id) }, "Show") : null),
      );
    }),
  );
}

// ---- Reading results ----

/** The arguments that apply the change the view shows: the call's own, without dryRun or a used token. */
function applyArgs(state: State): Args {
  const { dryRun: _dry, confirm: _token, ...args } = state.args;
  return args;
}

/** A dry run's plan. */
function planOf(data: Args): Plan | undefined {
  const tag = isRecord(data.tag) ? { id: stringOf(data.tag.id) ?? "", name: stringOf(data.tag.name) ?? "" } : undefined;
  const count = numberOf(data.wouldChange);
  if (!tag || count === undefined) return undefined;
  const remove = data.action === "remove";
  return {
    tag,
    remove,
    count,
    matched: numberOf(data.matched) ?? count,
    already: numberOf(remove ? data.notTagged : data.alreadyTagged),
    sample: recordsOf(data.sample).flatMap((s): SampleRow[] => {
      const id = stringOf(s.id);
      const phone = stringOf(s.phone);
      return id ? [{ id, name: stringOf(s.name) ?? "", ...(phone && { phone }) }] : [];
    }),
  };
}

/** The server's question and its token, when a result is one (confirm.ts: a preview with a single-use token). */
function askedOf(result: CallToolResult, about: Asked["about"]): Asked | undefined {
  const text = errorText(result);
  const token = /"confirm": "(cf_[\w-]+)"/.exec(text)?.[1];
  if (!token) return undefined;
  const question = /^Needs the user's yes first\. (.*?) Show this to the user;/s.exec(text)?.[1] ?? text;
  return { question, token, about };
}

function changeText(plan: Pick<Plan, "tag" | "remove" | "count"> | undefined): string {
  if (!plan) return "the bulk change";
  const many = `${plan.count} contact${plan.count === 1 ? "" : "s"}`;
  return plan.remove ? `removing tag ${plan.tag.name} from ${many}` : `adding tag ${plan.tag.name} to ${many}`;
}

function outcome(started: Started, plan: Plan | undefined, job: JobState): string {
  const counts = `${job.applied} applied, ${job.unchanged} unchanged, ${job.failed} failed`;
  if (started === "cancelled") return `cancelled job ${job.id}: ${job.status} (${counts}).`;
  if (started === "undo") return `undid ${job.undoOf ?? "a job"}: undo job ${job.id} ${job.status} (${counts}).`;
  return `accepted ${changeText(plan ?? (job.tag && { tag: job.tag, remove: job.action === "remove", count: job.total }))}: job ${job.id} ${job.status} (${counts}).`;
}

/** Tells the model what the user did here, for its next turn. */
async function tell(bridge: Bridge, state: State, did: string, job?: JobState): Promise<void> {
  const text = `In the bulk change view the user ${did}`;
  const structuredContent = {
    tool: state.tool,
    ...(job
      ? { jobId: job.id, status: job.status, applied: job.applied, unchanged: job.unchanged, failed: job.failed }
      : { declined: true }),
  };
  await bridge.updateModelContext(text, structuredContent).catch(() => {});
}
