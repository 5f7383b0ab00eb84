#!/usr/bin/env node
// Entry point: parse flags and environment, refuse what is wrong, then serve.
// This file is all that start-up loads: everything else (main.ts — the MCP SDK,
// the API client, the tools, the sandbox, HTTP) is imported when a run needs
// it. On stdio, a client's opening is answered by the front door first
// (transports/stdio-front.ts), so a server that is listed but never called
// stays small; its first call loads the rest.

import { statSync } from "node:fs";
import { ConfigError, parseCli, USAGE } from "./config.js";
import { addSecret, exitUsage, log } from "./log.js";
import { PRECOMPUTED } from "./tools/listing.js";
import { precomputedSelection, unknownToolNames } from "./tools/selection.js";
import { serveFront } from "./transports/stdio-front.js";
import { VERSION } from "./version.js";

/** The rest of the server; the build makes it its own bundle, read on first need. */
const server = () => import("./main.js");

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
  if (command.kind === "sandbox-api") return (await server()).sandboxApi(command.options);
  const { config } = command;
  const named = [...(config.tools ?? []), ...(config.excludeTools ?? [])];
  if (named.length > 0) {
    const known = PRECOMPUTED ? PRECOMPUTED.index.map((t) => t.name) : await (await server()).toolNames();
    const unknownTools = unknownToolNames(named, known);
    if (unknownTools) exitUsage(`--tools/--exclude-tools: ${unknownTools}`);
  }
  for (const root of config.fileRoots ?? []) warnIfNoFolder(root);
  if (!config.sandbox && !config.apiKey && !config.http) {
    exitUsage(
      "FLOWNALLY_API_KEY is not set; set it to a Flownally API key, or run with --sandbox to try the demo workspace.",
    );
  }
  addSecret(config.apiKey);

  // The built server's front door answers a stdio session's opening without the SDK. The sandbox
  // (which starts its own API first), HTTP and discovery mode (listed at run time) start whole.
  const tools =
    PRECOMPUTED && !config.http && !config.sandbox && config.toolMode === "operations"
      ? precomputedSelection(config)
      : undefined;
  if (!PRECOMPUTED || !tools) return (await server()).serveFull(config);
  serveFront({
    opening: PRECOMPUTED.opening,
    tools: tools.listed,
    handover: (handover) => {
      server()
        .then((rest) => rest.serveHandover(config, handover))
        .catch((err: unknown) => {
          log(`fatal: ${err instanceof Error ? err.message : String(err)}`);
          process.exit(1);
        });
    },
    ended: () => process.exit(0),
  });
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

process.on("unhandledRejection", (reason) =>
  log(`unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`),
);
main().catch((err: unknown) => {
  log(`fatal: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
