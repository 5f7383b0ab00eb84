// Journals every call that writes, whatever the tool: the registrar runs each
// call of a tool that is not read-only with a view of the API client that
// notes its writes (any request but a GET), and after the call, succeeded or
// failed, one entry says what it was and what the API answered. A call that
// sent no write (refused before sending, a dry run) leaves no entry; a bulk
// change journals itself as a job (src/jobs/), with the client it was given.

import { ApiError } from "../client/errors.js";
import type { ApiClient, FlownallyClient } from "../client/http.js";
import type { Tool, ToolContext } from "../tools/types.js";
import { type CallEntry, journalArgs, newEntryId } from "./entry.js";
import type { Journal } from "./journal.js";

/** One call as the registrar runs it: the context its tool gets, and how it ended. */
export interface CallRecord {
  ctx: ToolContext;
  succeeded(): void;
  /** `error` is the text the model reads. */
  failed(error: string): void;
}

export type CallRecorder = (tool: Tool, args: Readonly<Record<string, unknown>>, ctx: ToolContext) => CallRecord;

/** A call recorder for the calls made with `client`'s key. */
export function recordCalls(journal: Journal, client: FlownallyClient): CallRecorder {
  return (tool, args, ctx) => {
    if (tool.hints.readOnlyHint) return { ctx, succeeded: () => {}, failed: () => {} };
    let writes = 0;
    let answer: { status?: number; requestId?: string } = {};
    const noted: ApiClient = {
      request: async (req) => {
        if (req.method === "GET") return ctx.client.request(req);
        writes++;
        try {
          const res = await ctx.client.request(req);
          answer = { status: res.status, ...(res.requestId !== undefined && { requestId: res.requestId }) };
          return res;
        } catch (err) {
          answer = err instanceof ApiError ? answerOf(err) : {};
          throw err;
        }
      },
      paginate: (req, itemsKey, limits) => ctx.client.paginate(req, itemsKey, limits),
      derivedSecret: (purpose) => ctx.client.derivedSecret(purpose),
    };
    const time = (): string => new Date().toISOString();
    const write = (outcome: Pick<CallEntry, "ok" | "error">, at: string): void => {
      if (writes === 0) return;
      const entry = { kind: "call", time: at, id: newEntryId("w"), tool: tool.name, args: journalArgs(args) } as const;
      const extra = { ...answer, ...(writes > 1 && { writes }), ...outcome };
      void client.keyFingerprint().then((key) => journal.append({ ...entry, key, ...extra }));
    };
    return {
      ctx: { ...ctx, client: noted },
      succeeded: () => write({ ok: true }, time()),
      failed: (error) => write({ ok: false, error }, time()),
    };
  };
}

function answerOf(err: ApiError): { status?: number; requestId?: string } {
  return {
    ...(err.status !== undefined && { status: err.status }),
    ...(err.requestId !== undefined && { requestId: err.requestId }),
  };
}
