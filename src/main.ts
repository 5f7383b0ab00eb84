// Everything the CLI serves beyond a session's opening, loaded only when a run
// needs it (cli.ts): the sandbox API alone, the sandbox, Streamable HTTP, and
// the MCP server on stdio — whole, or taking over from the stdio front door.
// The build makes this its own bundle (dist/server.cjs), read only then.

import { type Config, ConfigError, type SandboxApiOptions } from "./config.js";
import { addSecret, exitUsage, log } from "./log.js";
import type { Handover } from "./transports/stdio.js";

/** Every tool's name, from the definitions (a run from source has no precomputed index). */
export async function toolNames(): Promise<string[]> {
  const { loadCatalogue } = await import("./tools/catalogue.js");
  return (await loadCatalogue()).map((t) => t.name);
}

export async function sandboxApi(options: SandboxApiOptions): Promise<void> {
  const { serveSandboxApi } = await import("./sandbox/standalone.js");
  return serveSandboxApi(options);
}

/** Serves `config` from the start: the sandbox started first if asked for, then HTTP or stdio. */
export async function serveFull(configured: Config): Promise<void> {
  let config = configured;
  let stopSandbox = async (): Promise<void> => {};
  if (config.sandbox) {
    const { startSandbox } = await import("./sandbox/index.js");
    const sandbox = await startSandbox();
    stopSandbox = sandbox.close;
    config = { ...config, apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl };
    addSecret(config.apiKey);
    log(`SANDBOX mode: a simulated demo workspace at ${sandbox.baseUrl}; nothing reaches Flownally.`);
  }
  if (config.http) {
    const { httpOptionsFromEnv, serveHttp } = await import("./transports/http/index.js");
    try {
      await serveHttp(config, { ...httpOptionsFromEnv(process.env), onClose: stopSandbox });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      await stopSandbox();
      exitUsage(err.message);
    }
    return;
  }
  const { serveConfigured } = await import("./transports/stdio.js");
  serveConfigured(config, stopSandbox);
}

/** The MCP server on stdio, taking over a connection whose opening the front door answered. */
export async function serveHandover(config: Config, handover: Handover): Promise<void> {
  addSecret(config.apiKey);
  const { serveConfigured } = await import("./transports/stdio.js");
  serveConfigured(config, async () => {}, handover);
}
