// tag_contacts: adds (or removes) one tag on given contacts, a segment, or
// (said explicitly) every contact. Plans first, reading the whole segment so
// tagging cannot shift the pages being read; the plan is what a dry run shows
// and what the user is asked about; then applies it as a bulk job (src/jobs/):
// paced, journaled, a handle when it runs long.

import * as z from "zod";
import type { Contact } from "../../client/shapes.js";
import { point } from "../../pointers.js";
import { findIds } from "../../refs.js";
import { ToolInputError } from "../../refusal.js";
import { refList, tagId } from "../params.js";
import { type Args, DESTRUCTIVE, defineTool, type Preview, type ToolContext } from "../types.js";
import { sampleRow, segmentFilterNames, segmentFilters, tagIdsOf, tagNames, walkSegment } from "./segment.js";
import { tagChange } from "./tag-change.js";

const SAMPLE = 10;

const input = {
  tagId,
  contactIds: refList("contacts", "Instead of filters").optional(),
  ...segmentFilters,
  remove: z.boolean().optional().describe("Untag instead"),
  dryRun: z.boolean().optional().describe("Preview only"),
  concurrency: z.number().int().min(1).max(16).optional().describe("Parallel requests (default 8)"),
};
type TagArgs = Args<typeof input>;

export const tagContacts = defineTool({
  name: "tag_contacts",
  toolset: "workflows",
  title: "Tag contacts",
  description: [
    "Tag contactIds or the contacts matching filters.",
    point("manage_job", " A long run goes on as a job for manage_job."),
  ],
  scopes: ["contact:list", "contact:update", "tag:list"],
  input,
  // The contacts it tags (reported by the run when chosen by filters), and the tag's labeledCount.
  changes: ["contacts", "tags"],
  // It may untag (remove: true), so destructive; either way a repeat changes nothing more and does not fail.
  hints: DESTRUCTIVE,
  confirm: "bulk",
  run: async (args, ctx) => {
    const plan = await planTagChange(args, ctx);
    const { counts, targets, sample } = plan;
    if (args.dryRun) return { data: { dryRun: true, ...counts, wouldChange: targets.length, sample }, changed: {} };
    // The question shows what the dry run shows: the same plan, about to be applied.
    await ctx.confirm(() => planPreview(plan));
    const change = tagChange({
      tag: { id: args.tagId, name: plan.tagName },
      remove: plan.remove,
      contactIds: targets,
      unchanged: plan.unchanged,
      concurrency: args.concurrency ?? 8,
      profile: ctx.profile,
    });
    const { data, running } = await ctx.jobs.run(change, { tool: "tag_contacts", args }, ctx);
    return { data: { ...counts, ...data }, changed: { contacts: targets, tags: [args.tagId] }, settled: running };
  },
});

/**
 * What a tag change would do, read completely before anything changes: the
 * contacts to change (not those already as wanted), counts, and a sample.
 * A dry run shows it; a real run asks with it, then applies exactly it.
 */
async function planTagChange(args: TagArgs, ctx: ToolContext) {
  // Every contact is a filter too, said explicitly (archived: false), never what an empty call means.
  const filtered = segmentFilterNames.some((name) => args[name] !== undefined);
  if (args.contactIds && filtered) throw new ToolInputError("Give contactIds or filters, not both. Nothing was sent.");
  if (!args.contactIds && !filtered) {
    throw new ToolInputError(
      "Say which contacts: contactIds, or filters; for every active contact, archived: false. Nothing was sent.",
    );
  }
  const remove = args.remove ?? false;
  const tags = await tagNames(ctx);
  const tagName = tags.get(args.tagId);
  if (tagName === undefined) throw new ToolInputError([`No tag ${args.tagId} in this workspace. `, findIds(["tags"])]);

  let targets: string[];
  let matched: number;
  let unchanged: number | undefined;
  const sample: Contact[] = [];
  if (args.contactIds) {
    targets = [...new Set(args.contactIds)];
    matched = targets.length;
  } else {
    targets = [];
    matched = 0;
    unchanged = 0;
    for await (const contact of walkSegment(args, ctx)) {
      matched += 1;
      if (tagIdsOf(contact).includes(args.tagId) !== remove) unchanged += 1;
      else {
        targets.push(contact.id);
        if (sample.length < SAMPLE) sample.push(contact);
      }
    }
  }
  const counts = {
    tag: { id: args.tagId, name: tagName },
    action: remove ? "remove" : "add",
    matched,
    ...(unchanged !== undefined && { [remove ? "notTagged" : "alreadyTagged"]: unchanged }),
  };
  const rows = args.contactIds ? targets.slice(0, SAMPLE).map((id) => ({ id })) : sample.map((c) => sampleRow(c, tags));
  // Who the user is shown: names where the walk read them, else ids.
  const names = args.contactIds ? targets.slice(0, SAMPLE) : sample.map((c) => c.name || c.id);
  return { remove, tagName, counts, targets, unchanged, sample: rows, names };
}

function planPreview(plan: Awaited<ReturnType<typeof planTagChange>>): Preview {
  return {
    action: plan.remove ? `Remove tag ${plan.tagName} from contacts` : `Add tag ${plan.tagName} to contacts`,
    count: plan.targets.length,
    sample: plan.names,
  };
}
