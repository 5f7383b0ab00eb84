// Discovery mode (--tool-mode discovery): five small tools instead of one per
// operation. The model searches the selected operations, reads one's schema,
// and runs it through the executor of its class; every call goes through the
// registrar's callTool, so validation, preparers, errors and results are the
// same as in operations mode.

import * as z from "zod";
import { DEFAULT_CONFIRM } from "../config.js";
import { profileOf } from "../pointers.js";
import { listedForMode, mayAsk } from "./confirm-modes.js";
import { type Listable, listedTool } from "./listed.js";
import { openObject } from "./params.js";
import { type CallResult, callTool, failure, parseArguments, type RegistryOptions, type Served } from "./registry.js";
import { compactJson } from "./result.js";
import { type CallContext, CREATE, READ, type Tool } from "./types.js";

type OperationClass = "read" | "write" | "destructive";

const EXECUTOR: Record<OperationClass, string> = {
  read: "execute_read_operation",
  write: "execute_write_operation",
  destructive: "execute_destructive_operation",
};

/**
 * The executor of an operation, by what it may do: a destructive one, or one
 * the user is asked about first by default (a bulk change, a message to a new
 * recipient), runs through the destructive executor, whatever its name.
 */
export function classOf(tool: Pick<Tool, "hints" | "confirm">): OperationClass {
  if (tool.hints.readOnlyHint) return "read";
  return tool.hints.destructiveHint || mayAsk(tool.confirm, "auto") ? "destructive" : "write";
}

const operation = z.string().min(1).describe("Operation name from search_operations");

/** Lowercase words, with a plural "s" dropped so "contacts" finds "contact". */
function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).map((w) =>
    w.length > 3 && w.endsWith("s") ? w.slice(0, -1) : w,
  );
}

const WEIGHTS = { name: 4, title: 3, toolset: 2, path: 2, description: 1 } as const;

/** Scores each operation by where the query's words occur; the best first, ties in catalogue order. */
export function searchOperations(tools: readonly Tool[], query: string, limit: number): Tool[] {
  const wanted = new Set(words(query));
  if (wanted.size === 0) return [];
  const scored = tools.map((tool, index) => {
    const fields: Record<keyof typeof WEIGHTS, string> = {
      name: tool.name,
      title: tool.title,
      toolset: tool.toolset,
      path: tool.path ?? "",
      description: tool.description,
    };
    let score = 0;
    for (const [field, text] of Object.entries(fields) as [keyof typeof WEIGHTS, string][]) {
      const present = new Set(words(text));
      for (const w of wanted) if (present.has(w)) score += WEIGHTS[field];
    }
    return { tool, index, score };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, limit)
    .map((s) => s.tool);
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}

interface DiscoveryTool extends Listable {
  call(args: Record<string, unknown>, ctx: CallContext): Promise<CallResult>;
}

const text = (value: string): CallResult => ({ content: [{ type: "text", text: value }] });

/** The five discovery tools over `operations` (already filtered by toolsets, tools, exclusions and read-only). */
export function discoveryTools(operations: readonly Tool[], base: RegistryOptions, readOnly: boolean): Served[] {
  const byName = new Map(operations.map((t) => [t.name, t]));
  // Texts name the operations searched here, which the executors run.
  const options = { ...base, profile: profileOf(operations) };
  const unknown = (name: string) => failure(`No operation ${name} is enabled here. Find names with search_operations.`);

  const search: DiscoveryTool = {
    name: "search_operations",
    title: "Search operations",
    description: "Find Flownally API operations by keywords; returns names and summaries for describe_operation.",
    input: {
      query: z.string().min(1).describe("Keywords, e.g. tag contact"),
      limit: z.number().int().min(1).max(50).optional().describe("Most results (default 10)"),
    },
    hints: READ,
    call: async (args) => {
      const found = searchOperations(operations, String(args.query), typeof args.limit === "number" ? args.limit : 10);
      if (found.length === 0) {
        const toolsets = [...new Set(operations.map((t) => t.toolset))].join(", ");
        return text(`No operation matches. Try other words, or a toolset name: ${toolsets}.`);
      }
      return text(
        found
          .map((t) => `${t.name} (${classOf(t)}): ${firstSentence(listedTool(t, options.profile).description ?? "")}`)
          .join("\n"),
      );
    },
  };

  const describe: DiscoveryTool = {
    name: "describe_operation",
    title: "Describe operation",
    description: "An operation's input schema, method, path and hints, and the executor that runs it.",
    input: { operation },
    hints: READ,
    call: async (args) => {
      const tool = byName.get(String(args.operation));
      if (!tool) return unknown(String(args.operation));
      const { name, title, description, inputSchema, annotations } = listedForMode(
        listedTool(tool, options.profile),
        tool.confirm,
        (options.confirm ?? DEFAULT_CONFIRM).mode,
      );
      const data = {
        name,
        title,
        description,
        toolset: tool.toolset,
        ...(tool.method && { method: tool.method, path: tool.path }),
        scopes: tool.scopes,
        executor: EXECUTOR[classOf(tool)],
        inputSchema,
        annotations,
      };
      return { content: [{ type: "text", text: compactJson(data) }], structuredContent: data };
    },
  };

  const executor = (cls: OperationClass, title: string, description: string, hints: Tool["hints"]): DiscoveryTool => ({
    name: EXECUTOR[cls],
    title,
    description,
    input: {
      operation,
      arguments: openObject("Its arguments, as describe_operation shows them").optional(),
    },
    hints,
    call: async (args, ctx) => {
      const tool = byName.get(String(args.operation));
      if (!tool) return unknown(String(args.operation));
      const actual = classOf(tool);
      if (actual !== cls) {
        return failure(`${tool.name} is a ${actual} operation; run it with ${EXECUTOR[actual]}. Nothing was sent.`);
      }
      const inner = (args.arguments ?? {}) as Record<string, unknown>;
      return callTool(tool, inner, ctx, options);
    },
  });

  const tools: DiscoveryTool[] = [
    search,
    describe,
    executor("read", "Run a read operation", "Run a read-only operation (one that only reads the workspace).", READ),
  ];
  if (!readOnly) {
    tools.push(
      executor(
        "write",
        "Run a write operation",
        "Run an operation that creates or adds data, or replies to customers; not deletions or overwrites.",
        // Open world: it may reply to customers or call the webhook.
        { ...CREATE, openWorldHint: true },
      ),
      executor(
        "destructive",
        "Run a destructive operation",
        "Run an operation that deletes, overwrites or revokes, changes contacts in bulk, or may message someone new; the user may be asked first.",
        // Open world: a message to a new recipient runs here.
        { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
      ),
    );
  }
  return tools.map((tool) => ({
    listed: listedTool(tool),
    call: async (raw, ctx) => {
      const parsed = parseArguments(tool, raw);
      if (!parsed.ok) return failure(parsed.message);
      return tool.call(parsed.args, ctx);
    },
  }));
}
