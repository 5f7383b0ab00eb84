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
import { refOf, textOf } from "./params.js";

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
/** PUT/PATCH or a state change that gives the same result when repeated. */
export const UPDATE: Hints = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
/** DELETE: removes or revokes something. */
export const DESTRUCTIVE: Hints = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: false,
};
/** Reaches people outside the workspace (messages to customers, webhook calls). */
export const SEND: Hints = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true };

export interface ToolContext {
  client: ApiClient;
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
}

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
  /** The API operation: method and path template such as `/contacts/{contactId}/tags/{tagId}`. */
  method?: HttpMethod;
  path?: string;
  /** Arguments sent as query parameters. Path parameters come from the template; every other argument is a body attribute. */
  query?: readonly (keyof S & string)[];
  /** Send an Idempotency-Key (the caller's `idempotencyKey` argument, or a generated one) so retries are safe. */
  idempotencyKey?: boolean;
  /** Checks made before sending, in order, after names are resolved (workspace/checks.ts). */
  checks?: readonly Check[];
  /**
   * What a successful call changes, so cached definitions are listed again and
   * resource subscribers told: the kinds, whose items are the ids its `ref`
   * arguments name (plus any the run reports in `changed`).
   */
  changes?: readonly RefKind[];
  /** Escape hatch for tools that need real logic. */
  run?: (args: Args<S>, ctx: ToolContext) => Promise<ToolOutput>;
}

/** The texts of a tool that name other tools, rendered per profile (see listing in registry.ts). */
export interface ToolTexts {
  description?: Text;
  /** Top-level arguments' descriptions. */
  args?: Readonly<Record<string, Text>>;
}

/** A definition with its argument types erased, as the registrar holds it. */
export interface Tool extends Omit<ToolSpec<z.ZodRawShape>, "run" | "query" | "description"> {
  /** The description with every tool served. */
  description: string;
  /** What changes with the profile; absent when nothing does. */
  texts?: ToolTexts;
  /** The arguments that refer to something, from their schemas. */
  refs: readonly ArgRef[];
  query?: readonly string[];
  run?: (args: Record<string, unknown>, ctx: ToolContext) => Promise<ToolOutput>;
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
    description: render(spec.description, EVERY_TOOL),
    refs,
    ...(Object.keys(texts).length > 0 && { texts }),
  };
}
