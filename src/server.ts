// Builds the MCP server from a Config: tools, resources, prompts. No I/O here;
// transports connect it. Both protocol eras are served from this one factory:
// the serving entry (serveStdio, createMcpHandler, a 2025 session) says which
// era an instance serves, and nothing below needs to know.

import { McpServer } from "@modelcontextprotocol/server";
import type { FlownallyClient } from "./client/http.js";
import type { Config } from "./config.js";
import { FileRoots } from "./files/roots.js";
import { ICONS } from "./icons.js";
import { instructions } from "./instructions.js";
import { Jobs, type JobsOptions } from "./jobs/index.js";
import { recordCalls } from "./journal/calls.js";
import { journalAt } from "./journal/journal.js";
import { registerPrompts } from "./prompts/index.js";
import { type ChangeDelivery, registerResources } from "./resources/index.js";
import { loadCatalogue } from "./tools/catalogue.js";
import { presenter } from "./tools/present.js";
import { type Preparer, registerTools, serve } from "./tools/registry.js";
import { selectTools } from "./tools/selection.js";
import { checkBeforeSending, noteSuccess, resolveNames } from "./tools/steps.js";
import { VERSION } from "./version.js";
import { Views } from "./views/index.js";
import { workspaceFor } from "./workspace/index.js";

export interface ServerDeps {
  client: FlownallyClient;
  /**
   * How this instance's clients hear of workspace changes (see resources/index.ts);
   * default: it serves one 2025-era connection and tells it itself.
   */
  changes?: ChangeDelivery;
  /**
   * Where tools may read files. Default: the client's MCP roots, else
   * FLOWNALLY_FILE_ROOTS, else the working directory. The HTTP transport passes
   * its own, not following client roots: a remote client's roots name folders
   * on its machine, and following them would let it read any file on this one.
   */
  files?: FileRoots;
  /** The clock and store jobs run with; default: the system's, and the process's. */
  jobs?: Pick<JobsOptions, "clock" | "store">;
}

/**
 * How long a 2026-era client may reuse a list or read before asking again
 * (`ttlMs`, per caller). The catalogue never changes while a process runs;
 * resources are read live (definitions change under us), so never reused.
 */
const CACHE_HINTS = {
  "tools/list": { ttlMs: 3_600_000, cacheScope: "private" },
  "prompts/list": { ttlMs: 3_600_000, cacheScope: "private" },
  "resources/list": { ttlMs: 3_600_000, cacheScope: "private" },
  "resources/templates/list": { ttlMs: 3_600_000, cacheScope: "private" },
  "resources/read": { ttlMs: 0, cacheScope: "private" },
  "server/discover": { ttlMs: 3_600_000, cacheScope: "private" },
} as const;

export function createServer(config: Config, deps: ServerDeps): McpServer {
  const server = new McpServer(
    { name: "flownally", title: "Flownally", version: VERSION, icons: ICONS },
    {
      instructions: instructions(config),
      capabilities: { logging: {} },
      cacheHints: CACHE_HINTS,
    },
  );
  const files = deps.files ?? new FileRoots(config.fileRoots);
  if (!deps.files) files.attach(server.server);
  const workspace = workspaceFor(deps.client);
  // Each call sees the workspace through its own signal: cancelled, it stops waiting on a definitions listing.
  const preparers = [resolveNames, checkBeforeSending].map(
    (make): Preparer =>
      (tool, args, ctx) =>
        make(workspace.withSignal(ctx.signal))(tool, args, ctx),
  );
  const journal = config.journal === undefined ? undefined : journalAt(config.journal);
  const options = {
    client: deps.client,
    maxResultTokens: config.maxResultTokens,
    files,
    preparers,
    afterSuccess: noteSuccess(workspace),
    confirm: config.confirm,
    present: presenter(workspace),
    jobs: new Jobs({ client: deps.client, journal, waitMs: config.jobWaitMs, ...deps.jobs }),
    ...(journal && { record: recordCalls(journal, deps.client) }),
  };
  // MCP App views for clients that render them (src/views/); discovery's own tools show none.
  const views = config.toolMode === "discovery" ? undefined : new Views(server, options);
  if (config.toolMode === "discovery") {
    // Discovery's tools search and describe the definitions, so they load with them.
    serve(
      server,
      {
        load: async () => {
          const [{ discoveryTools }, catalogue] = await Promise.all([import("./tools/discovery.js"), loadCatalogue()]);
          return discoveryTools(selectTools(catalogue, config), options, config.readOnly);
        },
      },
      options,
    );
  } else {
    registerTools(server, config, options, views);
  }
  registerResources(server, workspace, deps.changes ?? { kind: "connection", era: "legacy" });
  registerPrompts(server, workspace);
  views?.registerResources();
  return server;
}
