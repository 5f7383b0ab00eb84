// Builds the MCP server from a Config: tools, resources, prompts. No I/O here;
// transports connect it.

import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { FlownallyClient } from "./client/http.js";
import type { Config } from "./config.js";
import { FileRoots } from "./files/roots.js";
import { registerPrompts } from "./prompts/index.js";
import { registerResources } from "./resources/index.js";
import { loadCatalogue } from "./tools/catalogue.js";
import { registerTools, selectTools, serve } from "./tools/registry.js";
import { checkBeforeSending, noteSuccess, resolveNames } from "./tools/steps.js";
import { VERSION } from "./version.js";
import { workspaceFor } from "./workspace/index.js";

export interface ServerDeps {
  client: FlownallyClient;
  /**
   * Where tools may read files. Default: the client's MCP roots, else
   * FLOWNALLY_FILE_ROOTS, else the working directory. The HTTP transport passes
   * its own, not following client roots: a remote client's roots name folders
   * on its machine, and following them would let it read any file on this one.
   */
  files?: FileRoots;
}

export function instructions(config: Config): string {
  return [
    "Flownally CRM and messaging workspace.",
    "Definitions are resources: flownally://tags, flownally://contacts/custom-fields, flownally://properties/custom-fields,",
    "flownally://event-types (with payloadSchema), flownally://inboxes; one contact is flownally://contacts/{id}.",
    "Cached up to 30 s; refreshed after this server's own changes.",
    "tagId, tagIds, customFieldId and eventTypeId take an id or the exact name (any case).",
    "Event payloads, date field values and phones are checked before sending; a refusal means nothing was sent.",
    "Prompts: segment-and-tag, record-an-event, triage-open-conversations.",
    config.sandbox ? "This is the SANDBOX demo workspace: simulated data, changes vanish on exit." : "",
  ]
    .filter(Boolean)
    .join(" ");
}

/**
 * The SDK's own validator (it checks elicitation answers, which this server
 * never asks for), made on first use rather than in the Server's constructor:
 * building Ajv with its formats costs start-up time. scripts/build.mjs defers
 * loading ajv itself to that moment too.
 */
function lazyValidator(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined;
  return {
    getValidator: (schema) => {
      ajv ??= new AjvJsonSchemaValidator();
      return ajv.getValidator(schema);
    },
  };
}

export function createServer(config: Config, deps: ServerDeps): McpServer {
  const server = new McpServer(
    { name: "flownally", title: "Flownally", version: VERSION },
    { instructions: instructions(config), capabilities: { logging: {} }, jsonSchemaValidator: lazyValidator() },
  );
  const files = deps.files ?? new FileRoots(config.fileRoots);
  if (!deps.files) files.attach(server.server);
  const workspace = workspaceFor(deps.client);
  const options = {
    client: deps.client,
    maxResultTokens: config.maxResultTokens,
    files,
    preparers: [resolveNames(workspace), checkBeforeSending(workspace)],
    afterSuccess: noteSuccess(workspace),
  };
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
    registerTools(server, config, options);
  }
  registerResources(server, workspace);
  registerPrompts(server, workspace);
  return server;
}
