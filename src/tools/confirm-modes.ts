// Which tool calls may ask the user first under each --confirm mode, and the
// `confirm` argument those calls list and take (its token). Free of the MCP SDK
// and zod: the stdio front door lists tools with it (selection.ts).

import type { Tool as ListedTool } from "@modelcontextprotocol/server";
import type { ConfirmMode } from "../config.js";
import type { Confirm } from "./types.js";

/** The classes each mode may ask for; only there does a tool list and take the `confirm` argument. */
const MAY_ASK: Record<ConfirmMode, readonly Confirm[]> = {
  auto: ["hard-to-undo", "bulk", "new-recipient"],
  always: ["hard-to-undo", "bulk", "new-recipient", "reversible", "reply"],
  never: [],
};

export function mayAsk(kind: Confirm | undefined, mode: ConfirmMode): boolean {
  return kind !== undefined && MAY_ASK[mode].includes(kind);
}

/**
 * The one argument every tool that may ask takes. It is described once, in the
 * server's instructions and in the preview that hands out its token, rather
 * than in every tool's schema: the default profile's token budget has no room.
 */
export const CONFIRM_ARGUMENT = "confirm";
const CONFIRM_PROPERTY = { type: "string" };

/** A tools/list entry with the `confirm` argument where the mode may ask before this tool acts. */
export function listedForMode(listed: ListedTool, kind: Confirm | undefined, mode: ConfirmMode): ListedTool {
  if (!mayAsk(kind, mode)) return listed;
  const properties = { ...listed.inputSchema.properties, [CONFIRM_ARGUMENT]: CONFIRM_PROPERTY };
  return { ...listed, inputSchema: { ...listed.inputSchema, properties } };
}

/**
 * The call's own arguments and the token, taken out where the tool may ask.
 * Elsewhere `confirm` stays in, and the schema refuses it as unknown.
 */
export function takeToken(
  kind: Confirm | undefined,
  mode: ConfirmMode,
  raw: Record<string, unknown>,
): { args: Record<string, unknown>; token: unknown } {
  if (!mayAsk(kind, mode) || !Object.hasOwn(raw, CONFIRM_ARGUMENT)) return { args: raw, token: undefined };
  const { [CONFIRM_ARGUMENT]: token, ...args } = raw;
  return { args, token };
}
