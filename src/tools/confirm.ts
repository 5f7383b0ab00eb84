// Confirmation before harm: the one gate every tool call passes (callTool).
// A definition states its `confirm` class; the --confirm mode says which
// classes ask; the call's preview says what would change. Where the client
// can show a form, the user is asked through MCP elicitation, written once in
// the 2026 style (`inputRequired`) and served to 2025-era clients by the SDK's
// legacy shim; the question's requestState is signed and bound to the caller,
// the tool and the exact arguments. Elsewhere the call answers with a preview
// and a short-lived token bound the same way; the same call with that token
// acts. Both are signed with secrets derived from the caller's API key, so any
// replica serving that key honours them with no shared state; each acts once
// per process, and a repeat elsewhere meets a call that now previews otherwise.

import { createHash, createHmac, randomBytes, randomFillSync, timingSafeEqual } from "node:crypto";
import {
  acceptedContent,
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  createRequestStateCodec,
  type InputRequiredResult,
  inputRequired,
  inputResponse,
  type RequestStateCodec,
  type Server,
  type ServerContext,
} from "@modelcontextprotocol/server";
import * as z from "zod";
import { canonicalJson } from "../canonical.js";
import type { ApiClient } from "../client/http.js";
import type { ConfirmSettings } from "../config.js";
import { kept } from "../memo.js";
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

/**
 * What a caller's confirmations are signed with: secrets derived from its API
 * key (FlownallyClient.derivedSecret), so that any replica serving that key
 * verifies what another issued, with no state shared between them.
 */
interface Signer {
  /** HMAC-SHA256 of the token secret over `data`. */
  mac(data: string): Buffer;
  codec: RequestStateCodec<Question>;
}

// One per API client (one per key in a process); they go with their client.
const signers = new WeakMap<ApiClient, Promise<Signer>>();

function signerOf(client: ApiClient): Promise<Signer> {
  return kept(signers, client, () =>
    Promise.all([client.derivedSecret("confirm token v1"), client.derivedSecret("confirm question v1")]).then(
      ([token, question]): Signer => ({
        mac: (data) => createHmac("sha256", token).update(data).digest(),
        codec: createRequestStateCodec<Question>({ key: question, ttlSeconds: TTL_MS / 1000 }),
      }),
    ),
  );
}

/**
 * What a confirmation stands on: the call (the tool and its exact arguments)
 * and what its preview said it would do. A bulk change's count travels beside
 * it: fewer may go ahead, more asks again.
 */
interface Shown {
  call: string;
  /** The preview's action and whether the recipient is new: a change that ran previews otherwise (a sent message's recipient is known). */
  facts: string;
}

/** What a question's requestState carries; `nonce` makes each one its own, to be spent once. */
interface Question extends Shown {
  count?: number;
  nonce: string;
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
    const state = ctx.asking?.state;
    // A confirmation given is checked even where the call would no longer ask: a repeat of a
    // change that ran (a message sent, whose recipient is now known) is refused, not done again.
    if (token === undefined && state === undefined && !asks(kind, settings, preview)) return;
    const asked = { kind, preview, shown: shownOf(tool.name, args, preview), signer: await signerOf(ctx.client) };
    if (token !== undefined) redeem(token, asked);
    else if (ctx.asking && state !== undefined) await answered(ctx.asking, state, asked);
    else throw new Unconfirmed(ctx.asking?.canElicit ? await question(asked) : withToken(asked));
    decided = true;
  };
}

interface Asked {
  kind: Confirm;
  preview: Preview;
  shown: Shown;
  signer: Signer;
}

// ---- Elicitation ----

const FORM = z.object({});

async function question({ kind, preview, shown, signer }: Asked, note = ""): Promise<InputRequiredResult> {
  return inputRequired({
    inputRequests: {
      confirm: inputRequired.elicit({ message: `${note}${describe(kind, preview)}`, requestedSchema: FORM }),
    },
    requestState: await signer.codec.mint({
      ...shown,
      ...(preview.count !== undefined && { count: preview.count }),
      nonce: randomBytes(6).toString("base64url"),
    }),
  });
}

/** A re-entry with the user's answer: goes ahead on accept; otherwise throws what to answer. */
async function answered(asking: Asking, state: string, asked: Asked): Promise<void> {
  const shown = await asked.signer.codec.verify(state, asking.context).catch(() => undefined);
  const again = "Call again to be asked again.";
  if (shown?.call !== asked.shown.call) {
    throw new Unconfirmed(refusal("the confirmation was for another call, or expired", again));
  }
  // The state's MAC names it; once acted on here, its repeat is refused.
  const id = state.slice(state.lastIndexOf(".") + 1);
  if (spent.has(id)) throw new Unconfirmed(refusal("this confirmation was used already", again));
  const answer = inputResponse(asking.responses, "confirm");
  if (answer.kind !== "elicit") throw new Unconfirmed(await question(asked));
  if (answer.action !== "accept" || acceptedContent(asking.responses, "confirm", FORM) === undefined) {
    const how = answer.action === "cancel" ? "dismissed the question" : "declined";
    throw new Unconfirmed(notDone(`The user ${how}: nothing was changed.`));
  }
  if (shown.facts !== asked.shown.facts)
    throw new Unconfirmed(refusal(CHANGED, "Check whether it was; if not, call again to be asked again."));
  if (grew(shown.count, asked.preview.count)) {
    throw new Unconfirmed(await question(asked, `It now changes ${asked.preview.count}, not ${shown.count}. `));
  }
  spend(id, Date.now() + TTL_MS);
}

// ---- Tokens ----
//
// A token is `cf_` and 15 bytes (18 for a bulk change) in base64url: when it
// expires (4 bytes, Unix seconds), 2 random bytes (each preview its own token),
// the count previewed (3 bytes, bulk only), then two truncated MACs over those
// bytes: 2 bytes over the call, 7 over the call and what its preview said. The
// call and the preview are not in the token: the verifier has them from the
// call itself. The short MAC tells a token for another call from one whose
// call now previews otherwise; both together let the call act (2^-72 a guess).

const TOKEN = /^cf_(?:[\w-]{20}|[\w-]{24})$/;
const MAC_BYTES = 9;

function withToken(asked: Asked, note = ""): CallToolResult {
  const head = Buffer.alloc(asked.preview.count === undefined ? 6 : 9);
  head.writeUInt32BE(Math.floor((Date.now() + TTL_MS) / 1000));
  randomFillSync(head, 4, 2);
  // Counts are bounded far below 2^24 (a walk over contacts stops at 100,000, client/http.ts).
  if (asked.preview.count !== undefined) head.writeUIntBE(Math.min(asked.preview.count, 0xffffff), 6, 3);
  const token = `cf_${Buffer.concat([head, macs(asked, head)]).toString("base64url")}`;
  const preview = { ...asked.preview, action: `${asked.preview.action}${note}` };
  return notDone(
    `Needs the user's yes first. ${describe(asked.kind, preview)} Show this to the user; only if they agree, ` +
      `call again with the same arguments plus "confirm": "${token}" (valid ${TTL_MS / 60_000} min, once). Nothing was changed.`,
  );
}

function macs({ signer, shown }: Asked, head: Buffer): Buffer {
  const signed = `cf1 ${head.toString("hex")} ${shown.call}`;
  return Buffer.concat([signer.mac(signed).subarray(0, 2), signer.mac(`${signed} ${shown.facts}`).subarray(0, 7)]);
}

/** Goes ahead on a token issued for this very call; otherwise throws why not. */
function redeem(token: unknown, asked: Asked): void {
  if (typeof token !== "string" || !TOKEN.test(token)) {
    throw new Unconfirmed(refusal("this confirm token is not one this server issued"));
  }
  const bytes = Buffer.from(token.slice(3), "base64url");
  const head = bytes.subarray(0, bytes.length - MAC_BYTES);
  const given = bytes.subarray(head.length);
  const expected = macs(asked, head);
  // Another key's token fails here too: it says nothing about that key.
  if (!timingSafeEqual(given.subarray(0, 2), expected.subarray(0, 2))) {
    throw new Unconfirmed(refusal("this confirm token was issued for other arguments, another tool or another key"));
  }
  const expiresAt = head.readUInt32BE(0) * 1000;
  if (expiresAt <= Date.now()) throw new Unconfirmed(refusal("this confirm token expired"));
  if (spent.has(token)) throw new Unconfirmed(refusal("this confirm token was used already"));
  if (!timingSafeEqual(given, expected)) throw new Unconfirmed(refusal(CHANGED, CHECK));
  spend(token, expiresAt);
  const count = head.length > 6 ? head.readUIntBE(6, 3) : undefined;
  if (grew(count, asked.preview.count)) throw new Unconfirmed(withToken(asked, " (more than previewed)"));
}

/** A call confirmed for what its preview said, that now would do otherwise: most likely, it ran already. */
const CHANGED = "what this call would do changed since its preview (was it done already?)";
const CHECK = "Check whether it was; if not, call again without confirm for a new preview.";

/**
 * Confirmations this process acted on, until they expire: each acts once here
 * (at most MAX_SPENT remembered; another replica does not know them, README "Safety").
 */
const spent = new Map<string, number>();
const MAX_SPENT = 10_000;

function spend(id: string, expiresAt: number): void {
  const now = Date.now();
  for (const [key, until] of spent) {
    if (until > now && spent.size < MAX_SPENT) break;
    spent.delete(key);
  }
  spent.set(id, expiresAt);
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

/** What a confirmation of this call stands on; arguments in another key order are the same call. */
function shownOf(tool: string, args: Readonly<Record<string, unknown>>, preview: Preview): Shown {
  const digest = (value: unknown) => createHash("sha256").update(canonicalJson(value)).digest("base64url").slice(0, 22);
  return { call: digest({ tool, args }), facts: digest([preview.action, preview.newRecipient === true]) };
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
