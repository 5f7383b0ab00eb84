// Confirmation before harm: the one gate every tool call passes (callTool).
// A definition states its `confirm` class; the --confirm mode says which
// classes ask; the call's preview says what would change. Where the client
// can show a form, the user is asked through MCP elicitation, written once in
// the 2026 style (`inputRequired`) and served to 2025-era clients by the SDK's
// legacy shim; the question's requestState is signed and bound to the caller,
// the tool and the exact arguments. Elsewhere the call answers with a preview
// and a short-lived, single-use token bound the same way; the same call with
// that token acts.

import { createHash, randomBytes } from "node:crypto";
import {
  acceptedContent,
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  createRequestStateCodec,
  type InputRequiredResult,
  inputRequired,
  inputResponse,
  type Server,
  type ServerContext,
} from "@modelcontextprotocol/server";
import * as z from "zod";
import { canonicalJson } from "../canonical.js";
import type { ApiClient } from "../client/http.js";
import type { ConfirmSettings } from "../config.js";
import { mayAsk } from "./confirm-modes.js";
import type { CallContext, Confirm, Preview, Tool, ToolContext } from "./types.js";

/** How a request can ask its user; built per tools/call from what the client declared and sent back. */
export interface Asking {
  /** The client declared form elicitation (2025: at initialize; 2026: in this request). */
  canElicit: boolean;
  /** On a re-entry: this round's answers, and the state the question carried, unverified. */
  responses: Record<string, unknown> | undefined;
  state: string | undefined;
  context: ServerContext;
}

export function askingOf(server: Server, context: ServerContext): Asking {
  const envelope: Record<string, unknown> = { ...context.mcpReq.envelope };
  // The 2026 era declares capabilities per request; the 2025 era once, at initialize (none over --stateless HTTP).
  const declared =
    (envelope[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined) ?? server.getClientCapabilities();
  const elicitation = declared?.elicitation as { form?: unknown; url?: unknown } | undefined;
  const state = context.mcpReq.requestState();
  return {
    // A bare `elicitation: {}` means forms (the meaning before modes existed).
    canElicit: elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined),
    responses: context.mcpReq.inputResponses,
    state: typeof state === "string" ? state : undefined,
    context,
  };
}

/** Whether this call asks, given what it would do. */
function asks(kind: Confirm, settings: ConfirmSettings, preview: Preview): boolean {
  if (kind === "bulk") return (preview.count ?? 0) > (settings.mode === "always" ? 0 : settings.bulkThreshold);
  if (kind === "new-recipient" && settings.mode === "auto") return preview.newRecipient === true;
  return true;
}

/** What a call answers instead of acting: a question, a preview with its token, or a refusal. */
export class Unconfirmed extends Error {
  override name = "Unconfirmed";
  constructor(readonly result: CallToolResult | InputRequiredResult) {
    super("not confirmed");
  }
}

const TTL_MS = 10 * 60_000;
// Per process: a token or a question is honoured only by the process that issued it (README "Safety").
const codec = createRequestStateCodec<Question>({ key: randomBytes(32), ttlSeconds: TTL_MS / 1000 });
const tokens = new Map<string, Issued>();
const MAX_TOKENS = 10_000;

/** Whose call a confirmation is for (one API client per key), and which call: the tool and its exact arguments. */
interface Binding {
  caller: string;
  call: string;
}

/** What a question's requestState carries: the call it is about, and how many it said would change. */
interface Question extends Binding {
  count?: number;
}

interface Issued {
  binding: Binding;
  count: number | undefined;
  expiresAt: number;
  used: boolean;
}

/**
 * The gate for one call: `args` as the caller sent them (before names are
 * resolved), `token` the `confirm` argument if any.
 */
export function confirmation(
  tool: Tool,
  args: Readonly<Record<string, unknown>>,
  token: unknown,
  ctx: CallContext,
  settings: ConfirmSettings,
): ToolContext["confirm"] {
  let decided = false;
  return async (makePreview) => {
    const kind = tool.confirm;
    if (decided || !kind || !mayAsk(kind, settings.mode)) return;
    const preview = await makePreview();
    if (!asks(kind, settings, preview)) return;
    const binding = bindingOf(ctx.client, tool.name, args);
    const asked = { kind, preview, binding };
    if (token !== undefined) redeem(token, asked);
    else if (ctx.asking?.state !== undefined) await answered(ctx.asking, asked);
    else if (ctx.asking?.canElicit) throw new Unconfirmed(await question(asked));
    else throw new Unconfirmed(withToken(asked));
    decided = true;
  };
}

interface Asked {
  kind: Confirm;
  preview: Preview;
  binding: Binding;
}

// ---- Elicitation ----

const FORM = z.object({});

async function question({ kind, preview, binding }: Asked, note = ""): Promise<InputRequiredResult> {
  return inputRequired({
    inputRequests: {
      confirm: inputRequired.elicit({ message: `${note}${describe(kind, preview)}`, requestedSchema: FORM }),
    },
    requestState: await codec.mint({ ...binding, ...(preview.count !== undefined && { count: preview.count }) }),
  });
}

/** A re-entry with the user's answer: goes ahead on accept; otherwise throws what to answer. */
async function answered(asking: Asking, asked: Asked): Promise<void> {
  const shown = await codec.verify(asking.state ?? "", asking.context).catch(() => undefined);
  if (!shown || !sameCall(shown, asked.binding)) {
    throw new Unconfirmed(
      refusal("the confirmation was for another call, or expired", "Call again to be asked again."),
    );
  }
  const answer = inputResponse(asking.responses, "confirm");
  if (answer.kind !== "elicit") throw new Unconfirmed(await question(asked));
  if (answer.action !== "accept" || acceptedContent(asking.responses, "confirm", FORM) === undefined) {
    const how = answer.action === "cancel" ? "dismissed the question" : "declined";
    throw new Unconfirmed(notDone(`The user ${how}: nothing was changed.`));
  }
  if (grew(shown.count, asked.preview.count)) {
    throw new Unconfirmed(await question(asked, `It now changes ${asked.preview.count}, not ${shown.count}. `));
  }
}

// ---- Tokens ----

function withToken(asked: Asked): CallToolResult {
  const now = Date.now();
  // Expired tokens go, and the oldest while the map is full (it keeps insertion order).
  for (const [key, issued] of tokens) if (issued.expiresAt <= now || tokens.size >= MAX_TOKENS) tokens.delete(key);
  const token = `cf_${randomBytes(12).toString("base64url")}`;
  tokens.set(token, { binding: asked.binding, count: asked.preview.count, expiresAt: now + TTL_MS, used: false });
  return notDone(
    `Needs the user's yes first. ${describe(asked.kind, asked.preview)} Show this to the user; only if they agree, ` +
      `call again with the same arguments plus "confirm": "${token}" (valid ${TTL_MS / 60_000} min, once). Nothing was changed.`,
  );
}

/** Goes ahead on a token issued for this very call; otherwise throws why not. */
function redeem(token: unknown, asked: Asked): void {
  const issued = typeof token === "string" ? tokens.get(token) : undefined;
  // A token of another caller reads as unknown: it says nothing about them.
  if (!issued || issued.binding.caller !== asked.binding.caller) {
    throw new Unconfirmed(refusal("this confirm token is not one this server issued (or it restarted)"));
  }
  if (issued.used) throw new Unconfirmed(refusal("this confirm token was used already"));
  if (issued.expiresAt <= Date.now()) throw new Unconfirmed(refusal("this confirm token expired"));
  if (!sameCall(issued.binding, asked.binding)) {
    throw new Unconfirmed(refusal("this confirm token was issued for other arguments or another tool"));
  }
  issued.used = true;
  if (grew(issued.count, asked.preview.count)) {
    const action = `${asked.preview.action} (more than previewed)`;
    throw new Unconfirmed(withToken({ ...asked, preview: { ...asked.preview, action } }));
  }
}

// ---- Shared ----

/** The preview of an operation that states no other: its title and the arguments it was given. */
export function previewOf(tool: Tool, args: Readonly<Record<string, unknown>>): Preview {
  const given = Object.entries(args)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key} ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ");
  return { action: given ? `${tool.title} (${given.length > 240 ? `${given.slice(0, 239)}…` : given})` : tool.title };
}

/** A bulk change that would now change more than the user was shown is asked again. */
function grew(shown: number | undefined, now: number | undefined): boolean {
  return now !== undefined && now > (shown ?? 0);
}

const callers = new WeakMap<ApiClient, string>();

/** The call a confirmation is for; arguments in another key order are the same call. */
function bindingOf(client: ApiClient, tool: string, args: Readonly<Record<string, unknown>>): Binding {
  let caller = callers.get(client);
  if (!caller) {
    caller = randomBytes(8).toString("hex");
    callers.set(client, caller);
  }
  return { caller, call: createHash("sha256").update(canonicalJson({ tool, args })).digest("hex") };
}

function sameCall(a: Binding, b: Binding): boolean {
  return a.caller === b.caller && a.call === b.call;
}

const WHY: Record<Confirm, string> = {
  "hard-to-undo": "This is hard to undo.",
  bulk: "This changes many contacts at once.",
  "new-recipient": "The recipient has no conversation with us yet.",
  reversible: "",
  reply: "",
};

/** What the user reads: the change, how many with some names, and why it asks. */
function describe(kind: Confirm, preview: Preview): string {
  const many = preview.count === undefined ? "" : ` — ${preview.count} contact${preview.count === 1 ? "" : "s"}`;
  const more = preview.sample && preview.count !== undefined ? preview.count - preview.sample.length : 0;
  const names = preview.sample?.length
    ? `, e.g. ${preview.sample.join(", ")}${more > 0 ? ` and ${more} more` : ""}`
    : "";
  return `${preview.action}${many}${names}. ${WHY[kind]}`.trim();
}

function notDone(text: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text }] };
}

function refusal(why: string, next = "Call again without confirm for a new preview."): CallToolResult {
  return notDone(`Not done: ${why}. Nothing was changed. ${next}`);
}
