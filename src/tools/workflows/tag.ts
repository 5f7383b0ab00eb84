// tag_contacts: adds (or removes) one tag on a whole segment. Collects the ids
// first, so tagging cannot shift the pages being read, then applies them as a
// bulk job (src/jobs/): paced, journaled, a handle when it runs long.

import * as z from "zod";
import type { Contact } from "../../client/shapes.js";
import { point } from "../../pointers.js";
import { findIds } from "../../refs.js";
import { ToolInputError } from "../../refusal.js";
import { refList, tagId } from "../params.js";
import { defineTool, UPDATE } from "../types.js";
import { sampleRow, segmentFilterNames, segmentFilters, tagIdsOf, tagNames, walkSegment } from "./segment.js";
import { tagChange } from "./tag-change.js";

const SAMPLE = 10;

export const tagContacts = defineTool({
  name: "tag_contacts",
  toolset: "workflows",
  title: "Tag contacts",
  description: [
    "Tag every contact in contactIds or matching the contact filters (remove: untag). dryRun previews.",
    point("manage_job", " A long run goes on as a job: its jobId is for manage_job."),
  ],
  scopes: ["contact:list", "contact:update", "tag:list"],
  input: {
    tagId,
    contactIds: refList("contacts", "Instead of filters", 1).optional(),
    ...segmentFilters,
    remove: z.boolean().optional().describe("Untag instead"),
    dryRun: z.boolean().optional().describe("Only count and sample"),
    concurrency: z.number().int().min(1).max(16).optional().describe("Parallel requests (default 8)"),
  },
  // The contacts it tags (reported by the run when chosen by filters), and the tag's labeledCount.
  changes: ["contacts", "tags"],
  // remove=true untags, which a static hint cannot express; both directions are idempotent.
  hints: UPDATE,
  run: async (args, ctx) => {
    const filtered = segmentFilterNames.some((name) => args[name] !== undefined);
    if (args.contactIds && filtered)
      throw new ToolInputError("Give contactIds or filters, not both. Nothing was sent.");
    const remove = args.remove ?? false;
    const tags = await tagNames(ctx);
    const tagName = tags.get(args.tagId);
    if (tagName === undefined)
      throw new ToolInputError([`No tag ${args.tagId} in this workspace. `, findIds(["tags"])]);

    // Collect first: the segment is read completely before anything changes.
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
    if (args.dryRun) {
      const preview = args.contactIds
        ? targets.slice(0, SAMPLE).map((id) => ({ id }))
        : sample.map((c) => sampleRow(c, tags));
      return { data: { dryRun: true, ...counts, wouldChange: targets.length, sample: preview }, changed: {} };
    }
    const change = tagChange({
      tag: { id: args.tagId, name: tagName },
      remove,
      contactIds: targets,
      unchanged,
      concurrency: args.concurrency ?? 8,
      profile: ctx.profile,
    });
    const outcome = await ctx.jobs.run(change, { tool: "tag_contacts", args }, ctx);
    return { data: { ...counts, ...outcome }, changed: { contacts: targets, tags: [args.tagId] } };
  },
});
