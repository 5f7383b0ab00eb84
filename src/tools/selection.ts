// Which tools a configuration serves and how tools/list shows them, knowing of
// each tool only what the build baked in (listing.ts): so the built server
// answers tools/list — and its stdio front door the whole opening of a session —
// without a definition, a zod schema or the MCP SDK.

import type { Tool as ListedTool } from "@modelcontextprotocol/server";
import { EVERY_TOOL, type Profile, profileOf, render } from "../pointers.js";
import { nearest } from "../workspace/similarity.js";
import { PRECOMPUTED } from "./listing.js";
import type { Toolset } from "./toolsets.js";
import type { Hints, Tool } from "./types.js";

export interface ToolSelection {
  toolsets: readonly Toolset[] | "all";
  tools?: readonly string[] | undefined;
  excludeTools?: readonly string[] | undefined;
  readOnly?: boolean | undefined;
}

/**
 * What selection and listing read of a tool; the built server has it for every
 * tool without loading the catalogue: enough to select it, to match API paths
 * to it, and to render its texts for a profile.
 */
export type Selectable = Pick<Tool, "name" | "toolset" | "method" | "path" | "texts"> & {
  hints: Pick<Hints, "readOnlyHint">;
};

/** A tool as Selectable, for the build to bake in. */
export function indexEntry(tool: Tool): Selectable {
  const { name, toolset, method, path, texts } = tool;
  return {
    name,
    toolset,
    hints: { readOnlyHint: tool.hints.readOnlyHint },
    ...(method && { method }),
    ...(path && { path }),
    ...(texts && { texts }),
  };
}

/** `--tools` adds tools to the chosen toolsets; `--exclude-tools` and `--read-only` take them away. */
export function selectTools<T extends Selectable>(all: readonly T[], sel: ToolSelection): T[] {
  const explicit = new Set(sel.tools ?? []);
  const excluded = new Set(sel.excludeTools ?? []);
  return all.filter(
    (t) =>
      (sel.toolsets === "all" || sel.toolsets.includes(t.toolset) || explicit.has(t.name)) &&
      !excluded.has(t.name) &&
      !(sel.readOnly && !t.hints.readOnlyHint),
  );
}

/** What the build precomputed for `selection`: its tools/list entries and the profile its texts render for. */
export function precomputedSelection(selection: ToolSelection): { listed: ListedTool[]; profile: Profile } | undefined {
  if (!PRECOMPUTED) return undefined;
  const index = selectTools(PRECOMPUTED.index, selection);
  const profile = profileOf(index);
  const listed = index.map((t) => {
    const entry = PRECOMPUTED?.listing[t.name];
    if (!entry) throw new Error(`the precomputed listing has no ${t.name}; rebuild`);
    return forProfile(entry, t.texts, profile);
  });
  return { listed, profile };
}

/** A listing with the texts that name tools rendered for `profile`; the same object when nothing changes. */
export function forProfile(listed: ListedTool, texts: Tool["texts"], profile: Profile): ListedTool {
  if (!texts || profile === EVERY_TOOL) return listed;
  const properties = { ...(listed.inputSchema.properties as Record<string, Record<string, unknown>> | undefined) };
  for (const [arg, text] of Object.entries(texts.args ?? {})) {
    const property = properties[arg];
    if (property) properties[arg] = { ...property, description: render(text, profile) };
  }
  return {
    ...listed,
    ...(texts.description !== undefined && { description: render(texts.description, profile) }),
    inputSchema: { ...listed.inputSchema, properties: properties as ListedTool["inputSchema"]["properties"] },
  };
}

/**
 * Why `--tools`/`--exclude-tools` names no tool, if it does not: a typo there
 * would silently serve another set of tools than the user meant.
 */
export function unknownToolNames(names: readonly string[], known: readonly string[]): string | undefined {
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length === 0) return undefined;
  return unknown
    .map((name) => {
      const close = nearest(name, known);
      return `no tool named ${name}${close.length ? ` (did you mean ${close.join(", ")}?)` : ""}`;
    })
    .join("; ");
}
