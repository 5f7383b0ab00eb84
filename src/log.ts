// Logs go to stderr only (stdout carries JSON-RPC), with every secret redacted.
// Secrets are held by whoever brings them (the configured key for the process,
// a client for its key, a request for a caller's token) and forgotten when the
// last holder lets go, so the set follows what is alive and never only grows.

import { compileSecret, redactText, type Secret } from "./redact.js";

const held = new Map<string, { secret: Secret; holders: number }>();

/**
 * Marks `value` as a secret until the returned function is called: no log line
 * shows it meanwhile. Holding the same value twice needs two releases.
 */
export function holdSecret(value: string | undefined): () => void {
  if (!value) return () => {};
  let entry = held.get(value);
  if (!entry) {
    entry = { secret: compileSecret(value), holders: 0 };
    held.set(value, entry);
  }
  const mine = entry;
  mine.holders++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--mine.holders === 0 && held.get(value) === mine) held.delete(value);
  };
}

/** Marks a value (the configured API key, the MCP token) as a secret for the life of the process. */
export function addSecret(value: string | undefined): void {
  holdSecret(value);
}

/** The secrets held now, for redacting what is kept beyond a log line (the journal's arguments). */
export function heldSecrets(): Secret[] {
  return [...held.values()].map((e) => e.secret);
}

/** How many distinct secrets are held now (tests check that it does not only grow). */
export function heldSecretCount(): number {
  return held.size;
}

/** `text` with every held secret redacted, in any spelling (see redact.ts). */
function redactSecrets(text: string): string {
  if (held.size === 0) return text;
  return redactText(text, heldSecrets());
}

export function log(message: string): void {
  process.stderr.write(`flownally-mcp: ${redactSecrets(message)}\n`);
}

/** A mistake in the flags or environment: one line on stderr and exit status 2, before anything is served. */
export function exitUsage(message: string): never {
  process.stderr.write(`flownally-mcp: ${message}\n`);
  process.exit(2);
}
