// manage_job: one tool for what follows a bulk change that outlived its call:
// its status (from this process, else from the journal), cancelling it, and
// undoing it. One tool with an action rather than three keeps the default
// profile within its 40 tools and 5,000 tokens. Undo reverses exactly the
// contacts the journal says the job changed, as a bulk job of its own, and
// refuses with the reason what it cannot undo.

import * as z from "zod";
import { whereRunning } from "../../jobs/history.js";
import type { JournaledJob } from "../../jobs/index.js";
import { point } from "../../pointers.js";
import { ToolInputError } from "../../refusal.js";
import { jobStatus } from "../present.js";
import { defineTool, type ToolContext, type ToolOutput } from "../types.js";
import { tagIndex } from "./segment.js";
import { tagChange } from "./tag-change.js";

export const manageJob = defineTool({
  name: "manage_job",
  toolset: "workflows",
  title: "Bulk job",
  description: [
    "Status of a bulk job",
    point("tag_contacts", " from tag_contacts"),
    "; cancel stops it, undo reverses it. No jobId: recent writes and jobs.",
  ],
  scopes: ["contact:list", "contact:update", "tag:list"],
  input: {
    jobId: z.string().min(1).optional().describe("Job id"),
    action: z.enum(["status", "cancel", "undo"]).optional().describe("Default status"),
  },
  output: jobStatus,
  // Undo untags what a job tagged; status and cancel change nothing it did.
  changes: ["contacts", "tags"],
  hints: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  // An undo is a bulk change like the job it reverses, asked about the same way.
  confirm: "bulk",
  run: async (args, ctx) => {
    const action = args.action ?? "status";
    if (args.jobId === undefined) {
      if (action !== "status") throw new ToolInputError(`${action} needs a jobId. Nothing was changed.`);
      return { data: { recent: await ctx.jobs.recent() }, changed: {} };
    }
    if (action === "status") return { data: await ctx.jobs.status(args.jobId), changed: {} };
    if (action === "cancel") return { data: await ctx.jobs.cancel(args.jobId), changed: {} };
    return undo(args.jobId, ctx);
  },
});

/** Jobs being undone by a call of this process that has not started its undo job yet. */
const undoStarting = new Set<string>();

async function undo(jobId: string, ctx: ToolContext): Promise<ToolOutput> {
  if (undoStarting.has(jobId)) throw new ToolInputError(`${jobId} is being undone by another call right now.`);
  undoStarting.add(jobId);
  try {
    const { job, ids, tag, remove } = await undoable(jobId, ctx);
    await ctx.confirm(() => ({
      action: `Undo ${jobId}: ${remove ? `remove tag ${tag.name} from` : `add tag ${tag.name} to`} contacts`,
      count: ids.length,
      sample: ids.slice(0, 10),
    }));
    const change = tagChange({
      tag,
      remove,
      contactIds: ids,
      unchanged: undefined,
      concurrency: 8,
      profile: ctx.profile,
    });
    const { data, running } = await ctx.jobs.run(
      change,
      { tool: "manage_job", args: { jobId, action: "undo" }, undoOf: jobId },
      ctx,
    );
    const { type: _type, ...what } = job.start.change;
    return {
      data: { undoes: { job: jobId, ...what }, tag, action: remove ? "remove" : "add", ...data },
      changed: { contacts: ids, tags: [tag.id] },
      settled: running,
    };
  } finally {
    undoStarting.delete(jobId);
  }
}

const tagRecord = z.object({
  type: z.literal("tag"),
  tag: z.object({ id: z.string(), name: z.string() }),
  action: z.enum(["add", "remove"]),
});

/** What undoing `jobId` changes, or a refusal that says why it cannot be undone. */
async function undoable(jobId: string, ctx: ToolContext) {
  const undoing = await ctx.jobs.undoing(jobId);
  if (undoing) throw new ToolInputError(`${jobId} is being undone by ${undoing}.`);
  if (await ctx.jobs.runningHere(jobId)) {
    throw new ToolInputError([
      `${jobId} is still running: `,
      point("manage_job", "cancel it (action cancel), then undo it.", "undo it once it has ended."),
    ]);
  }
  const history = await ctx.jobs.history(jobId);
  const job = history.job;
  if (!job) {
    throw new ToolInputError(
      history.call
        ? `${jobId} is a single ${history.call.tool} call, not a bulk job: only bulk tag changes can be undone; change it back with the tool that made it.`
        : `No job ${jobId} of this key in the journal.`,
    );
  }
  const elsewhere = job.end ? undefined : whereRunning(job.start);
  if (elsewhere) throw new ToolInputError(`${jobId} is still running ${elsewhere}; undo it once it has ended.`);
  const record = tagRecord.safeParse(job.start.change);
  if (!record.success)
    throw new ToolInputError(`${jobId} is a ${job.start.change.type} change; only tag changes can be undone.`);
  const done = history.undos.find((u) => u.end?.status === "done");
  if (done) throw new ToolInputError(`${jobId} was already undone by ${done.start.id}.`);
  const running = history.undos.find((u) => !u.end && whereRunning(u.start));
  if (running)
    throw new ToolInputError(`${jobId} is being undone by ${running.start.id}, ${whereRunning(running.start)}.`);
  const ids = toUndo(job, history.undos);
  if (ids.length === 0) {
    throw new ToolInputError(
      `${jobId} changed no contacts${history.undos.length > 0 ? " that an earlier undo left as they were" : ""}: nothing to undo.`,
    );
  }
  const { tag, action } = record.data;
  const now = (await tagIndex(ctx.client, ctx.signal)).get(tag.id);
  if (!now) {
    throw new ToolInputError(
      `Tag ${tag.name} (${tag.id}) was deleted after ${jobId}, ${action === "add" ? "which untagged its contacts already" : "so its contacts cannot be tagged again"}.`,
    );
  }
  return { job, ids, tag: { id: tag.id, name: now.name }, remove: action === "add" };
}

/**
 * The contacts a job changed, and those whose write a cancellation cut off
 * (they were not in the wanted state before it, so reverting them is right
 * either way), less those that earlier, unfinished undos already reverted.
 */
function toUndo(job: JournaledJob, undos: readonly JournaledJob[]): string[] {
  const reverted = new Set(undos.flatMap((u) => [...u.changed]));
  return [...new Set([...job.changed, ...job.unsure])].filter((id) => !reverted.has(id));
}
