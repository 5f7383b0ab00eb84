// Logs go to stderr only (stdout carries JSON-RPC), with every secret redacted.

const secrets = new Set<string>();

/** Registers a value (an API key, a token) that must never appear in a log line. */
export function addSecret(value: string | undefined): void {
  if (value) secrets.add(value);
}

/** `text` with every occurrence of `secret` replaced; one under 4 characters is left, as it would match ordinary text. */
export function redactSecret(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join("[redacted]") : text;
}

function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = redactSecret(out, secret);
  return out;
}

export function log(message: string): void {
  process.stderr.write(`flownally-mcp: ${redact(message)}\n`);
}
