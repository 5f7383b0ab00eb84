// `flownally-mcp --sandbox-api`: the sandbox's HTTP API alone, a local stand-in for
// Flownally for testing one's own integration, until SIGINT or SIGTERM.

import { SANDBOX_TOKENS, startSandbox } from "./server.js";

export async function serveSandboxApi(options: { host: string; port: number; seed: boolean }): Promise<void> {
  const sandbox = await startSandbox({ host: options.host, port: options.port, seed: options.seed });
  const workspace = options.seed ? "the demo workspace" : "an empty workspace";
  process.stderr.write(
    `flownally-mcp: sandbox API with ${workspace} at ${sandbox.baseUrl}; bearer tokens: ${[...SANDBOX_TOKENS.keys()].join(", ")}, or a key made with POST /service-accounts/{id}/api-keys. Ctrl-C stops it.\n`,
  );
  await new Promise<void>((stop) => {
    process.once("SIGINT", () => stop());
    process.once("SIGTERM", () => stop());
  });
  // Nothing else holds the event loop: once the server is closed, node exits with status 0.
  await sandbox.close();
}
