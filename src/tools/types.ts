// What a tool is: a declarative definition. Operations name their HTTP method
// and path template and the registrar does the rest; the few tools that need
// real logic (CSV import, media upload, workflows) add a `run` escape hatch.
// A definition states everything about its tool: what its id arguments refer
// to (params.ts `ref`), the checks made before sending, and what it changes.

import type { z } from "zod";
import type { ApiClient, HttpMethod } from "../client/http.js";
import type { OpenedFile } from "../files/open.js";
import type { Jobs } from "../jobs/index.js";
import { EVERY_TOOL, type Profile, pointsAtTools, render, type Text } from "../pointers.js";
import type { ArgRef, RefKind } from "../refs.js";
import type { Check } from "../workspace/checks.js";
import type { Asking } from "./confirm.js";
import { detail, refOf, textOf } from "./params.js";
import type { Output } from "./present.js";

import type { Toolset } from "./toolsets.js";

export { TOOLSETS, type Toolset } from "./toolsets.js";

export interface Hints {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** GET: reads nothing but the workspace. */
export const READ: Hints = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
/** POST that creates or acts: not idempotent. */
export const CREATE: Hints = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};
/** Adds or restores without overwriting anything; repeated, it changes nothing more and does not fail. */
export const SET: Hints = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
/**
 * Overwrites what was there, so destructive in MCP's sense, and not safe to
 * repeat: a PATCH (never retried by the client), or a change a repeat refuses.
 */
export const OVERWRITE: Hints = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: false,
};
/** Removes, revokes or replaces; repeated, it changes nothing more. */
export const DESTRUCTIVE: Hints = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: false,
};
/** Reaches people outside the workspace (messages to customers, webhook calls). */
export const SEND: Hints = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true };

/**
 * When the user is asked before a tool acts (tools/confirm.ts; README "Safety"):
 * - `hard-to-undo` (deletes, revocations, role changes, key rotation): asked under --confirm auto and always;
 * - `bulk` (many contacts at once): under auto when more than the threshold would change; under always when any;
 * - `new-recipient` (a message that may start a conversation): under auto when the recipient has none with us;
 * - `reversible` (a change that can be put back) and `reply` (a message in an existing conversation):
 *   only under --confirm always.
 * A tool without one never asks.
 */
export type Confirm = "hard-to-undo" | "bulk" | "new-recipient" | "reversible" | "reply";

/** What the user is shown before a change: what it does and, for a bulk change, how many and some of them. */
export interface Preview {
  /** One line, e.g. "Remove tag VIP from contacts". */
  action: string;
  /** Contacts a bulk change would change (not those already as wanted). */
  count?: number;
  /** Some of them, by name. */
  sample?: readonly string[];
  /** A message's recipient has no conversation with us yet. */
  newRecipient?: boolean;
}

export interface ToolContext {
  client: ApiClient;
  /**
   * Asks the user before the change the call is about to make, when its
   * definition's `confirm` class and the --confirm mode say so (confirm.ts):
   * resolves to go ahead; otherwise throws what the call answers instead
   * (a question, a preview with a token, a refusal). The registrar calls it
   * before sending an operation; a `run` calls it itself, once it knows
   * what it will change and before changing anything.
   */
  confirm(preview: () => Preview | Promise<Preview>): Promise<void>;
  /** How this request can ask its user, if at all (confirm.ts); absent: only by a confirmation token. */
  asking?: Asking;
  /** Aborted when the MCP client cancels the call. */
  signal: AbortSignal;
  /** The caller's W3C trace context (`_meta.traceparent`), named in the server's own log lines. */
  trace?: string;
  /** Sends notifications/progress when the caller asked for it; a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /**
   * A local file under the allowed roots, opened once and checked as opened;
   * refuses (ToolInputError) anything else. Read only this handle, then close it.
   */
  readableFile(path: string): Promise<OpenedFile>;
  /** What this server serves: texts (errors included) name only those tools. */
  profile: Profile;
  /** Runs bulk changes as jobs that can outlive the call (src/jobs/). */
  jobs: Jobs;
}

/** What a tool returns: data for structuredContent and, optionally, the text the model reads instead of the JSON. */
export interface ToolOutput {
  data?: unknown;
  text?: string;
  /**
   * What a run changed, when it knows better than its definition's `changes`:
   * the kinds changed (those left out did not, e.g. in a dry run), with items
   * beyond those its arguments name (a segment's contacts).
   */
  changed?: Partial<Record<RefKind, readonly string[]>>;
  /** A change that goes on after the call returns (a bulk job's handle): what it changed is noted again when it ends. */
  settled?: Promise<void> | undefined;
}

/** What the registrar's tools/call hands a tool before the call's own confirmation is bound (see callTool). */
export type CallContext = Omit<ToolContext, "confirm">;

export type Args<S extends z.ZodRawShape> = z.infer<z.ZodObject<S>>;

export interface ToolSpec<S extends z.ZodRawShape> {
  name: string;
  toolset: Toolset;
  title: string;
  /** What the model reads; a sentence naming another tool is a pointer, shown only where that tool is served. */
  description: Text;
  /** API scopes the key needs (from the catalogue); named in 403 summaries. */
  scopes: readonly string[];
  input: S;
  hints: Hints;
  /** When the user is asked before it acts; stated here, derived from nothing else. */
  confirm?: Confirm;
  /** What the user is shown before it acts, when more than its title and arguments (a run previews itself). */
  preview?: (args: Args<S>, ctx: ToolContext) => Promise<Preview>;
  /**
   * What a 409 Conflict means for this operation: the target is already so
   * (e.g. "archived"). The call then succeeds saying so, as a repeat of an
   * idempotent change should; the reference or the sandbox names that conflict.
   */
  already?: string;
  /** The API operation: method and path template such as `/contacts/{contactId}/tags/{tagId}`. */
  method?: HttpMethod;
  path?: string;
  /** Arguments sent as query parameters. Path parameters come from the template; every other argument is a body attribute. */
  query?: readonly (keyof S & string)[];
  /**
   * Send an Idempotency-Key, so retries are safe (tools/idempotency.ts): the
   * caller's `idempotencyKey` argument; else, with `derivedFrom`, one derived
   * from those arguments and the UTC day (the same write that day is written
   * once); else a new one.
   */
  idempotencyKey?: true | { derivedFrom: readonly (keyof S & string)[] };
  /** Arguments of which at least one must be given and not blank, and why; checked with the schema, before any request. */
  oneOf?: { args: readonly (keyof S & string)[]; why: string };
  /** Checks made before sending, in order, after names are resolved (workspace/checks.ts). */
  checks?: readonly Check[];
  /**
   * What a successful call changes, so cached definitions are listed again and
   * resource subscribers told: the kinds, whose items are the ids its `ref`
   * arguments name (plus any the run reports in `changed`).
   */
  changes?: readonly RefKind[];
  /** How its answer is presented (names beside ids, concise by default) and its shape (outputSchema); see present.ts. */
  output?: Output;
  /** Escape hatch for tools that need real logic. */
  run?: (args: Args<S>, ctx: ToolContext) => Promise<ToolOutput>;
}

/** The texts of a tool that name other tools, rendered per profile (see listed.ts). */
export interface ToolTexts {
  description?: Text;
  /** Top-level arguments' descriptions. */
  args?: Readonly<Record<string, Text>>;
}

/** A definition with its argument types erased, as the registrar holds it. */
export interface Tool extends Omit<ToolSpec<z.ZodRawShape>, "run" | "query" | "description" | "oneOf" | "preview"> {
  /** The description with every tool served. */
  description: string;
  /** What changes with the profile; absent when nothing does. */
  texts?: ToolTexts;
  /** The arguments that refer to something, from their schemas. */
  refs: readonly ArgRef[];
  query?: readonly string[];
  oneOf?: { args: readonly string[]; why: string };
  run?: (args: Record<string, unknown>, ctx: ToolContext) => Promise<ToolOutput>;
  preview?: (args: Record<string, unknown>, ctx: ToolContext) => Promise<Preview>;
}

export function defineTool<S extends z.ZodRawShape>(spec: ToolSpec<S>): Tool {
  const refs: ArgRef[] = [];
  const args: Record<string, Text> = {};
  for (const [arg, schema] of Object.entries(spec.input)) {
    const ref = refOf(schema);
    if (ref) refs.push({ arg, ...ref });
    const text = textOf(schema);
    if (text !== undefined && pointsAtTools(text)) args[arg] = text;
  }
  const texts: ToolTexts = {
    ...(pointsAtTools(spec.description) && { description: spec.description }),
    ...(Object.keys(args).length > 0 && { args }),
  };
  // The registrar validates arguments against `spec.input` before `run` sees them,
  // so widening the argument type here loses nothing.
  return {
    ...(spec as unknown as Omit<Tool, "description" | "refs">),
    // A concise answer by default; `detail` asks for all of it (taken off before the request, see registry).
    ...(spec.output?.concise && { input: { ...spec.input, detail } }),
    description: render(spec.description, EVERY_TOOL),
    refs,
    ...(Object.keys(texts).length > 0 && { texts }),
  };
}
