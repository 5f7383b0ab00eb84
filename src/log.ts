// Logs go to stderr only (stdout carries JSON-RPC), with every secret redacted.

const secrets = new Set<string>();

/** Registers a value (an API key, a token) that must never appear in a log line. */
export function addSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("[redacted]");
  return out;
}

export function log(message: string): void {
  process.stderr.write(`flownally-mcp: ${redact(message)}\n`);
}
