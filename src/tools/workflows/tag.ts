// tag_contacts: adds (or removes) one tag on given contacts, a segment, or
// (said explicitly) every contact. Plans first, reading the whole segment so
// tagging cannot shift the pages being read; the plan is what a dry run shows
// and what the user is asked about; then applies it with bounded concurrency,
// progress, and cancellation that aborts requests in flight.

import * as z from "zod";
import { APIUserAbortError, AuthenticationError, PermissionDeniedError } from "../../client/errors.js";
import { newIdempotencyKey } from "../../client/http.js";
import { apiPath } from "../../client/path.js";
import type { Contact } from "../../client/shapes.js";
import { findIds } from "../../refs.js";
import { ToolInputError } from "../../refusal.js";
import { contactTools } from "../contacts/index.js";
import { describeFailure } from "../errors.js";
import { refList, tagId } from "../params.js";
import { type Args, DESTRUCTIVE, defineTool, type Preview, type Tool, type ToolContext } from "../types.js";
import { sampleRow, segmentFilterNames, segmentFilters, tagIdsOf, tagNames, walkSegment } from "./segment.js";

const MAX_FAILURES_LISTED = 50;
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
  description: "Tag contactIds or the contacts matching filters.",
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
    const outcome = await applyAll(targets, args.tagId, plan.remove, args.concurrency ?? 8, ctx);
    return { data: { ...counts, ...outcome }, changed: { contacts: targets, tags: [args.tagId] } };
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
  return { remove, tagName, counts, targets, sample: rows, names };
}

function planPreview(plan: Awaited<ReturnType<typeof planTagChange>>): Preview {
  return {
    action: plan.remove ? `Remove tag ${plan.tagName} from contacts` : `Add tag ${plan.tagName} to contacts`,
    count: plan.targets.length,
    sample: plan.names,
  };
}

interface Failure {
  contactId: string;
  error: string;
}

async function applyAll(ids: readonly string[], tag: string, remove: boolean, concurrency: number, ctx: ToolContext) {
  const operation = contactOperation(remove ? "remove_tag_from_contact" : "add_tag_to_contact");
  // Stops the remaining work on cancellation, or when every request would fail the same way (401/403).
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const failures: Failure[] = [];
  let next = 0;
  let applied = 0;
  let failed = 0;
  let stoppedBy: string | undefined;
  const step = Math.max(1, Math.floor(ids.length / 50));
  const report = (done: number) => {
    if (done % step === 0 || done === ids.length)
      ctx.progress(done, ids.length, `${done}/${ids.length} contacts`).catch(() => {});
  };
  report(0);

  const worker = async (): Promise<void> => {
    while (next < ids.length && !signal.aborted) {
      const id = ids[next++] ?? "";
      try {
        await ctx.client.request({
          method: remove ? "DELETE" : "POST",
          path: apiPath`/contacts/${id}/tags/${tag}`,
          // A key makes the POST safe for the client to retry; adding a tag twice changes nothing anyway.
          idempotencyKey: remove ? undefined : newIdempotencyKey(),
          signal,
        });
        applied += 1;
      } catch (err) {
        if (signal.aborted) return;
        failed += 1;
        const error = describeFailure(err, operation, { contactId: id, tagId: tag }, ctx.profile);
        if (failures.length < MAX_FAILURES_LISTED) failures.push({ contactId: id, error });
        if (err instanceof AuthenticationError || err instanceof PermissionDeniedError) {
          stoppedBy = error;
          stop.abort();
        }
      }
      report(applied + failed);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  if (ctx.signal.aborted) throw new APIUserAbortError("tag_contacts cancelled");
  return {
    applied,
    failed,
    ...(stoppedBy !== undefined && { stopped: `after ${applied + failed} of ${ids.length}: ${stoppedBy}` }),
    failures,
  };
}

/** The operation each request is, so a failure reads as that tool's would (its scopes, its next step). */
function contactOperation(name: string): Tool {
  const operation = contactTools.find((t) => t.name === name);
  if (!operation) throw new Error(`${name} is missing from the contacts tools`);
  return operation;
}
