// What a tool is: a declarative definition. Operations name their HTTP method
// and path template and the registrar does the rest; the few tools that need
// real logic (CSV import, media upload, workflows) add a `run` escape hatch.

import type { z } from "zod";
import type { FlownallyClient, HttpMethod } from "../client/http.js";
import type { OpenedFile } from "../files/open.js";

export const TOOLSETS = [
  "contacts",
  "tags",
  "custom_fields",
  "events",
  "messaging",
  "inboxes",
  "teams",
  "users",
  "journeys",
  "chatbots",
  "webhooks",
  "api_keys",
  "billing",
  "workflows",
] as const;
export type Toolset = (typeof TOOLSETS)[number];

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
  client: FlownallyClient;
  /** Aborted when the MCP client cancels the call. */
  signal: AbortSignal;
  /** Sends notifications/progress when the caller asked for it; a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /**
   * A local file under the allowed roots, opened once and checked as opened;
   * refuses (ToolInputError) anything else. Read only this handle, then close it.
   */
  readableFile(path: string): Promise<OpenedFile>;
}

/** What a tool returns: data for structuredContent and, optionally, the text the model reads instead of the JSON. */
export interface ToolOutput {
  data?: unknown;
  text?: string;
}

export type Args<S extends z.ZodRawShape> = z.infer<z.ZodObject<S>>;

export interface ToolSpec<S extends z.ZodRawShape> {
  name: string;
  toolset: Toolset;
  title: string;
  description: string;
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
  /** Escape hatch for tools that need real logic. */
  run?: (args: Args<S>, ctx: ToolContext) => Promise<ToolOutput>;
}

/** A definition with its argument types erased, as the registrar holds it. */
export interface Tool extends Omit<ToolSpec<z.ZodRawShape>, "run" | "query"> {
  query?: readonly string[];
  run?: (args: Record<string, unknown>, ctx: ToolContext) => Promise<ToolOutput>;
}

export function defineTool<S extends z.ZodRawShape>(spec: ToolSpec<S>): Tool {
  // The registrar validates arguments against `spec.input` before `run` sees them,
  // so widening the argument type here loses nothing.
  return spec as unknown as Tool;
}
