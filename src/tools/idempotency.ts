// The Idempotency-Key a write sends (request.ts buildRequest). The caller's own
// key wins. Else, where the definition names what makes two calls the same
// write (an event: its contact, type and payload), the key is derived from
// those values and the UTC day: the same event recorded twice that day is
// written once, and a genuine repeat needs a key of its own. Else a new key
// per call, which still makes the client's retries of that call safe.

import { createHash } from "node:crypto";
import { canonicalJson } from "../canonical.js";
import { newIdempotencyKey } from "../client/http.js";
import type { Tool } from "./types.js";

export function idempotencyKeyFor(
  rule: NonNullable<Tool["idempotencyKey"]>,
  args: Readonly<Record<string, unknown>>,
  given: unknown,
  now: Date = new Date(),
): string {
  if (typeof given === "string") return given;
  if (rule === true) return newIdempotencyKey();
  const day = now.toISOString().slice(0, 10);
  const same = rule.derivedFrom.map((name) => args[name] ?? null);
  return `same-${day}-${createHash("sha256").update(canonicalJson(same)).digest("hex").slice(0, 32)}`;
}
