// The workspace's definitions as resources (URIs mirror the API paths), one
// contact by template, and the subscriptions that tell a client when one of
// them changed. McpServer lists and reads; subscribe is ours.

import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  ErrorCode,
  type ReadResourceResult,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { ApiError } from "../client/errors.js";
import { fillPath } from "../client/path.js";
import { describeFailure } from "../tools/errors.js";
import { READ, type Tool } from "../tools/types.js";
import { completeContactIds, DEFINITIONS, type DefinitionKind, type Workspace } from "../workspace/index.js";

const JSON_TYPE = "application/json";

const FRESHNESS = "Cached up to 30 s and refreshed after this server's own changes (fetchedAt says when).";

const ABOUT: Readonly<Record<DefinitionKind, { title: string; description: string; scope: string }>> = {
  tags: {
    title: "Tags",
    description: "Every contact tag (id, name, labeledCount). Read before tagging or filtering by tag.",
    scope: "tag:list",
  },
  contactFields: {
    title: "Contact custom fields",
    description:
      "Contact custom field definitions (id, name, type, key). Read before filtering or setting field values.",
    scope: "custom_field:list",
  },
  propertyFields: {
    title: "Property custom fields",
    description: "Property-record custom field definitions (id, name, type).",
    scope: "custom_field:list",
  },
  eventTypes: {
    title: "Event types",
    description:
      "Every event type with its payloadSchema (all pages). Read before recording an event to build its payload.",
    scope: "event_type:list",
  },
  inboxes: {
    title: "Inboxes",
    description: "Connected channels (id, name, channel). Read to pick the inbox that sends a message.",
    scope: "inbox:list",
  },
};

export const CONTACT_TEMPLATE = "flownally://contacts/{id}";

export function registerResources(server: McpServer, workspace: Workspace): void {
  for (const [kind, about] of Object.entries(ABOUT) as [DefinitionKind, (typeof ABOUT)[DefinitionKind]][]) {
    const source = DEFINITIONS[kind];
    const lister = asTool(source.listTool, source.path, about.scope);
    server.registerResource(
      source.listTool.replace(/^list_/, ""),
      source.uri,
      { title: about.title, description: `${about.description} ${FRESHNESS}`, mimeType: JSON_TYPE },
      async (uri) => {
        try {
          const { items, fetchedAt } = await workspace.get(kind);
          const body = { [source.itemsKey]: items, fetchedAt: new Date(fetchedAt).toISOString() };
          return contents(uri.href, body);
        } catch (err) {
          throw readError(err, lister, {});
        }
      },
    );
  }

  const getContact = asTool("get_contact", "/contacts/{id}", "contact:read", [
    { arg: "id", kind: "contacts", shape: "one" },
  ]);
  server.registerResource(
    "contact",
    new ResourceTemplate(CONTACT_TEMPLATE, { list: undefined, complete: { id: completeContactIds(workspace) } }),
    {
      title: "Contact",
      description: "One contact with identities, tagIds, custom field values and archive state. Always read live.",
      mimeType: JSON_TYPE,
    },
    async (uri, variables) => {
      const id = decodeURIComponent(String(variables.id ?? ""));
      try {
        const { data } = await workspace.client.request({ method: "GET", path: fillPath("/contacts/{id}", { id }) });
        return contents(uri.href, data);
      } catch (err) {
        throw readError(err, getContact, { id });
      }
    },
  );

  subscriptions(server, workspace);
}

// resources/subscribe and unsubscribe per connected client, and the
// notifications a change to the workspace sends.
function subscriptions(server: McpServer, workspace: Workspace): void {
  const subscribed = new Set<string>();
  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });

  const stop = workspace.onChange((change) => {
    if (!server.isConnected()) return;
    // The definitions behind a resource changed: its contents, not the list, but clients that
    // do not subscribe only hear list_changed, so both are sent.
    if (change.kind) server.sendResourceListChanged();
    if (subscribed.has(change.uri)) server.server.sendResourceUpdated({ uri: change.uri }).catch(() => {});
  });
  // Stop listening when this connection ends (HTTP sessions come and go; the workspace stays).
  const previous = server.server.onclose;
  server.server.onclose = () => {
    stop();
    subscribed.clear();
    previous?.();
  };
}

function contents(uri: string, body: unknown): ReadResourceResult {
  return { contents: [{ uri, mimeType: JSON_TYPE, text: JSON.stringify(body) }] };
}

/**
 * A read fails with the same short summary a tool call would give. Not an
 * McpError: that prefixes its message with "MCP error <code>:", and the client
 * prefixes it again.
 */
class ReadError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function readError(err: unknown, tool: Tool, args: Record<string, unknown>): ReadError {
  const code = err instanceof ApiError && err.status === 404 ? ErrorCode.InvalidParams : ErrorCode.InternalError;
  return new ReadError(code, describeFailure(err, tool, args));
}

// The operation behind a read, described as a tool so failures name it, its scope and where ids are found.
function asTool(name: string, path: string, scope: string, refs: Tool["refs"] = []): Tool {
  return {
    refs,
    name,
    toolset: "contacts",
    title: name,
    description: "",
    scopes: [scope],
    input: {},
    hints: READ,
    method: "GET",
    path,
  };
}
