#!/usr/bin/env node
// Entry point: parse flags and environment, pick the API (real or sandbox),
// build the server and serve it over stdio or HTTP.

// First: zod settings must hold before the SDK defines its schemas.
import "./zod-config.js";
import { statSync } from "node:fs";
import { clientFromConfig } from "./client/config.js";
import { type Config, ConfigError, parseCli, USAGE } from "./config.js";
import { stopJobs } from "./jobs/store.js";
import { addSecret, log } from "./log.js";
import { createServer } from "./server.js";
import { unknownToolNames } from "./tools/catalogue.js";
import { serveStdio } from "./transports/stdio.js";
import { VERSION } from "./version.js";

async function main(): Promise<void> {
  let command: ReturnType<typeof parseCli>;
  try {
    command = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    exitUsage(err.message);
  }
  if (command.kind === "help") return void process.stdout.write(USAGE);
  if (command.kind === "version") return void process.stdout.write(`${VERSION}\n`);
  if (command.kind === "sandbox-api") {
    const { serveSandboxApi } = await import("./sandbox/standalone.js");
    return serveSandboxApi(command.options);
  }
  let config: Config = command.config;
  const unknownTools = await unknownToolNames([...(config.tools ?? []), ...(config.excludeTools ?? [])]);
  if (unknownTools) exitUsage(`--tools/--exclude-tools: ${unknownTools}`);
  for (const root of config.fileRoots ?? []) warnIfNoFolder(root);

  let stopSandbox = async (): Promise<void> => {};
  if (config.sandbox) {
    const { startSandbox } = await import("./sandbox/index.js");
    const sandbox = await startSandbox();
    stopSandbox = sandbox.close;
    config = { ...config, apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl };
    log(`SANDBOX mode: a simulated demo workspace at ${sandbox.baseUrl}; nothing reaches Flownally.`);
  } else if (!config.apiKey && !config.http) {
    exitUsage(
      "FLOWNALLY_API_KEY is not set; set it to a Flownally API key, or run with --sandbox to try the demo workspace.",
    );
  }
  addSecret(config.apiKey);

  if (config.http) {
    // Loaded only here, so stdio start-up never parses the HTTP code.
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

  const client = clientFromConfig(config);
  const onClose = async (): Promise<void> => {
    await stopJobs("the server was closed");
    await client.close();
    await stopSandbox();
  };
  serveStdio(({ era }) => createServer(config, { client, changes: { kind: "connection", era } }), onClose);
}

/**
 * A root that is no folder (yet) is worth a warning, not a refusal: the server's main work needs no files, and
 * the folder may appear later (a mount, a folder made after start). Until it does, nothing under it can be read.
 */
function warnIfNoFolder(root: string): void {
  const kind = statSync(root, { throwIfNoEntry: false });
  if (kind?.isDirectory()) return;
  log(
    `warning: FLOWNALLY_FILE_ROOTS entry ${root} ${kind ? "is not a folder" : "does not exist"}; no file under it can be read until it is one.`,
  );
}

/** A mistake in the flags or environment: one line on stderr and exit status 2, before anything is served. */
function exitUsage(message: string): never {
  process.stderr.write(`flownally-mcp: ${message}\n`);
  process.exit(2);
}

process.on("unhandledRejection", (reason) =>
  log(`unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`),
);
main().catch((err: unknown) => {
  log(`fatal: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
