// The one registrar: serves the definitions the configured selection picks
// (tools/list from listed.ts, tools/call), runs a call (arguments, preparers,
// confirmation, the request of request.ts or the tool's own run, presentation),
// and owns the only catch that turns a failure into an isError result.

import {
  type CallToolResult,
  type InputRequiredResult,
  isInputRequiredResult,
  type Tool as ListedTool,
  type McpServer,
  type ServerContext,
  TRACEPARENT_META_KEY,
} from "@modelcontextprotocol/server";
import * as z from "zod";
import type { FlownallyClient } from "../client/http.js";
import { isRecord } from "../client/shapes.js";
import { type ConfirmMode, type ConfirmSettings, DEFAULT_CONFIRM } from "../config.js";
import { FileRoots } from "../files/roots.js";
import { Jobs } from "../jobs/index.js";
import type { CallRecord, CallRecorder } from "../journal/calls.js";
import { kept } from "../memo.js";
import { EVERY_TOOL, type Profile, profileOf } from "../pointers.js";
import { parseArguments } from "./arguments.js";
import { loadCatalogue } from "./catalogue.js";
import { askingOf, confirmation, previewOf, Unconfirmed } from "./confirm.js";
import { listedForMode, takeToken } from "./confirm-modes.js";
import { describeFailure } from "./errors.js";
import { listedTool } from "./listed.js";
import type { Output, Presentation, View } from "./present.js";
import { send } from "./request.js";
import { successResult } from "./result.js";
import { precomputedSelection, selectTools, type ToolSelection } from "./selection.js";
import type { CallContext, Tool, ToolContext, ToolOutput } from "./types.js";

export { parseArguments } from "./arguments.js";

/** A step run on validated arguments before the request (name resolution, local checks). */
export type Preparer = (
  tool: Tool,
  args: Record<string, unknown>,
  ctx: ToolContext,
) => Promise<Record<string, unknown>>;

export interface RegistryOptions {
  client: FlownallyClient;
  maxResultTokens: number;
  preparers?: readonly Preparer[];
  /** Called after a successful call, e.g. to invalidate cached definitions. */
  afterSuccess?: (tool: Tool, args: Record<string, unknown>, output: ToolOutput) => void;
  /** Where tools may read local files; default: the working directory only. */
  files?: FileRoots;
  /** What is served, which texts (descriptions, errors) name; default: every tool. */
  profile?: Profile;
  /** When the user is asked before a change (--confirm); default: auto, above 25 contacts. */
  confirm?: ConfirmSettings;
  /** Presents an answer as the tool's `output` says (present.ts `presenter`); default: as the API gave it. */
  present?: (
    output: Output,
    data: Record<string, unknown>,
    view: Omit<View, "names">,
    ctx: ToolContext,
  ) => Promise<Presentation>;
  /** Runs bulk changes as jobs; default: jobs of `client`, unjournaled. */
  jobs?: Jobs;
  /** Journals each call that writes (src/journal/calls.ts). */
  record?: CallRecorder;
}

/** A tool as served: its tools/list entry and how a call runs (operation tools and discovery's alike). */
export interface Served {
  listed: ListedTool;
  call(args: Record<string, unknown>, ctx: CallContext): Promise<CallResult>;
}

/** What a call answers: its result, or a question for the user first (confirm.ts). */
export type CallResult = CallToolResult | InputRequiredResult;

/** What serve() answers from. */
export interface ToolSource {
  /** The tools/list entries when known without loading anything (the built server); else listed from load(). */
  listed?: readonly ListedTool[] | undefined;
  /** The tools as served; called on first need, once. */
  load(): Promise<readonly Served[]>;
}

/**
 * What one request sees beyond the served tools (the views of src/views/ for a
 * client that renders them): its tools/list drawn from the served entries, and
 * tools it may call that are not among them.
 */
export interface ToolExtension {
  /** This request's tools/list; `served` itself when the extension adds nothing. */
  list(served: ListedTool[], ctx: ServerContext): Promise<ListedTool[]>;
  /** A tool this request may call beyond the served ones, which `isServed` tells. */
  find(name: string, isServed: (name: string) => boolean, ctx: ServerContext): Promise<Served | undefined>;
}

/** Serves the catalogue's operations that `selection` picks, one tool each. */
export function registerTools(
  server: McpServer,
  selection: ToolSelection,
  options: RegistryOptions,
  extension?: ToolExtension,
): void {
  const { mode } = options.confirm ?? DEFAULT_CONFIRM;
  const selected = selectedFor(selection, mode);
  serve(
    server,
    {
      listed: selected.listed,
      load: async () => {
        const { tools, profile } = await selected.load();
        const served = { ...options, profile };
        return tools.map(({ tool, listed }) => ({ listed, call: (args, ctx) => callTool(tool, args, ctx, served) }));
      },
    },
    options,
    extension,
  );
}

/** What a selection serves under a confirm mode, the same for every instance serving it. */
interface Selected {
  /** The tools/list entries, when the build precomputed them. */
  listed: readonly ListedTool[] | undefined;
  /** The definitions with their entries and the profile their texts render for; loaded once. */
  load(): Promise<{ tools: readonly { tool: Tool; listed: ListedTool }[]; profile: Profile }>;
}

// One configuration makes an instance per 2026-era HTTP request (and per 2025 session), and each
// would otherwise select and list the whole catalogue again; what is kept is immutable.
const selections = new WeakMap<ToolSelection, Map<ConfirmMode, Selected>>();

function selectedFor(selection: ToolSelection, mode: ConfirmMode): Selected {
  return kept(
    kept(selections, selection, () => new Map()),
    mode,
    () => selectionOf(selection, mode),
  );
}

function selectionOf(selection: ToolSelection, mode: ConfirmMode): Selected {
  // The built server knows what it serves, and so what its texts may name, without loading the catalogue.
  const precomputed = precomputedSelection(selection, mode);
  let loaded: ReturnType<Selected["load"]> | undefined;
  return {
    listed: precomputed?.listed,
    load: () => {
      loaded ??= loadCatalogue().then((catalogue) => {
        const tools = selectTools(catalogue, selection);
        const profile = precomputed?.profile ?? profileOf(tools);
        return {
          profile,
          tools: tools.map((tool) => ({
            tool,
            listed: listedForMode(listedTool(tool, profile), tool.confirm, mode),
          })),
        };
      });
      return loaded;
    },
  };
}

// The spec's schema parses `arguments` as a record, which silently drops an own
// "__proto__" key; these params hand them over as sent, so parseArguments
// refuses that key like any unknown one.
const CallToolVerbatim = z.looseObject({
  name: z.string(),
  arguments: z
    .custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v))
    .optional(),
});

/** Installs tools/list and tools/call for `source` and builds each call's context (signal, progress, files). */
export function serve(
  server: McpServer,
  source: ToolSource,
  options: RegistryOptions,
  extension?: ToolExtension,
): void {
  let byName: Promise<Map<string, Served>> | undefined;
  const load = (): Promise<Map<string, Served>> => {
    byName ??= source.load().then((served) => new Map(served.map((t) => [t.listed.name, t])));
    return byName;
  };
  const files = options.files ?? new FileRoots(undefined);
  const jobs = options.jobs ?? new Jobs({ client: options.client });
  server.server.registerCapabilities({ tools: { listChanged: false } });
  server.server.setRequestHandler("tools/list", async (_request, extra) => {
    const tools = source.listed ? [...source.listed] : [...(await load()).values()].map((t) => t.listed);
    return { tools: extension ? await extension.list(tools, extra) : tools };
  });
  server.server.setRequestHandler("tools/call", { params: CallToolVerbatim }, async (params, extra) => {
    const served = await load();
    const tool = served.get(params.name) ?? (await extension?.find(params.name, (name) => served.has(name), extra));
    if (!tool) return failure(`Unknown tool ${params.name}. Call tools/list to see the tools enabled here.`);
    const meta = extra.mcpReq._meta;
    const token = meta?.progressToken;
    const trace = typeof meta?.[TRACEPARENT_META_KEY] === "string" ? meta[TRACEPARENT_META_KEY] : undefined;
    const ctx: CallContext = {
      client: options.client,
      signal: extra.mcpReq.signal,
      asking: askingOf(server.server, extra),
      ...(trace && { trace }),
      readableFile: (path) => files.readable(path),
      profile: options.profile ?? EVERY_TOOL,
      jobs,
      progress: async (progress, total, message) => {
        if (token === undefined) return;
        await extra.mcpReq.notify({
          method: "notifications/progress",
          params: {
            progressToken: token,
            progress,
            ...(total !== undefined && { total }),
            ...(message && { message }),
          },
        });
      },
    };
    const called = await tool.call(params.arguments ?? {}, ctx);
    if (isInputRequiredResult(called)) return called;
    // The era's projection of a result (2025: an object-rooted structuredContent) lives in the SDK's codec.
    const result = server.server.projectCallToolResult(called, tool.listed.outputSchema);
    // A failure goes to the client's log too (2025: at or above its logging/setLevel; 2026: the request's logLevel).
    if (result.isError) {
      await extra.mcpReq.log("warning", `${params.name} failed: ${textOf(result)}`, "flownally").catch(() => {});
    }
    return result;
  });
}

function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join(" ");
}

export async function callTool(
  tool: Tool,
  rawArgs: Record<string, unknown>,
  ctx: CallContext,
  options: RegistryOptions,
): Promise<CallResult> {
  const settings = options.confirm ?? DEFAULT_CONFIRM;
  const given = takeToken(tool.confirm, settings.mode, rawArgs);
  const parsed = parseArguments(tool, given.args);
  if (!parsed.ok) return failure(parsed.message);
  // `detail` is ours (present.ts), not the API's.
  const { detail, ...rest } = parsed.args;
  let args = tool.output?.concise ? rest : parsed.args;
  const served: ToolContext = {
    ...ctx,
    ...(options.profile && { profile: options.profile }),
    confirm: confirmation(tool, parsed.args, given.token, ctx, settings),
  };
  let call: CallRecord | undefined;
  try {
    for (const prepare of options.preparers ?? []) args = await prepare(tool, args, served);
    call = options.record?.(tool, args, served);
    const run = call?.ctx ?? served;
    // An operation is confirmed here; a run confirms itself once it knows what it will change.
    if (!tool.run) await run.confirm(() => (tool.preview ? tool.preview(args, run) : previewOf(tool, args)));
    const output = tool.run ? await tool.run(args, run) : await send(tool, args, run);
    call?.succeeded();
    options.afterSuccess?.(tool, args, output);
    // However the job ends (done, stopped, cancelled), what it may have changed is listed again.
    void output.settled?.catch(() => {}).then(() => options.afterSuccess?.(tool, args, output));
    const { data } = output;
    const show =
      tool.output && options.present && isRecord(data)
        ? await options.present(tool.output, data, { detail: detail === true }, served)
        : undefined;
    return successResult(tool, args, output, options.maxResultTokens, show);
  } catch (err) {
    if (err instanceof Unconfirmed) return err.result;
    const text = describeFailure(err, tool, args, served.profile, ctx.trace);
    call?.failed(text);
    return failure(text);
  }
}

export function failure(text: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text }] };
}
