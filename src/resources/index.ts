// The workspace's definitions as resources (URIs mirror the API paths), one
// contact by template, and the subscriptions that tell a client when one of
// them changed. McpServer lists and reads; subscribe is ours (2025 era: the
// 2026 era's subscriptions/listen is the serving entry's).

import {
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  ResourceTemplate,
} from "@modelcontextprotocol/server";
import { ApiError } from "../client/errors.js";
import { fillPath } from "../client/path.js";
import { kept } from "../memo.js";
import { describeFailure } from "../tools/errors.js";
import { READ, type Tool } from "../tools/types.js";
import { completeContacts, contactIdOf, DEFINITIONS, type DefinitionKind, type Workspace } from "../workspace/index.js";

const JSON_TYPE = "application/json";

const FRESHNESS = "Listed live on every read (fetchedAt says when).";

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

/**
 * Who tells clients about changes: `connection` for an instance that lives as
 * long as its client's connection (stdio, a 2025 HTTP session), which then
 * follows the workspace itself; `entry` for per-request instances, whose
 * serving entry publishes changes (see transports/http.ts).
 */
export type ChangeDelivery =
  | {
      kind: "connection";
      era: "legacy" | "modern";
      /** Aborted when the connection ends (a session closes); none: it ends with the process. */
      closed?: AbortSignal;
    }
  | { kind: "entry" };

// What does not depend on the workspace is worked out once: an HTTP server registers these on an
// instance per 2026-era request.
const DEFINITION_RESOURCES = (Object.entries(ABOUT) as [DefinitionKind, (typeof ABOUT)[DefinitionKind]][]).map(
  ([kind, about]) => {
    const source = DEFINITIONS[kind];
    return {
      kind,
      source,
      name: source.listTool.replace(/^list_/, ""),
      metadata: { title: about.title, description: `${about.description} ${FRESHNESS}`, mimeType: JSON_TYPE },
      lister: asTool(source.listTool, source.path, about.scope),
    };
  },
);

const GET_CONTACT = asTool("get_contact", "/contacts/{id}", "contact:read", [
  { arg: "id", kind: "contacts", shape: "one" },
]);

const CONTACT_METADATA = {
  title: "Contact",
  description:
    "One contact with identities, tagIds, custom field values and archive state. Always read live. Completions offer `con_… — name (phone)`; the id in front is what is read.",
  mimeType: JSON_TYPE,
};

/** The contact template, its completions reading `workspace`: one per workspace. */
const contactTemplates = new WeakMap<Workspace, ResourceTemplate>();

function contactTemplate(workspace: Workspace): ResourceTemplate {
  return kept(
    contactTemplates,
    workspace,
    () => new ResourceTemplate(CONTACT_TEMPLATE, { list: undefined, complete: { id: completeContacts(workspace) } }),
  );
}

export function registerResources(server: McpServer, workspace: Workspace, delivery: ChangeDelivery): void {
  for (const { kind, source, name, metadata, lister } of DEFINITION_RESOURCES) {
    server.registerResource(name, source.uri, metadata, async (uri) => {
      try {
        // Always current: another replica, or someone in the Flownally app, may have changed them.
        // The listing also refreshes the cache that name lookups and completions use.
        const { items, fetchedAt } = await workspace.get(kind, { refresh: true });
        const body = { [source.itemsKey]: items, fetchedAt: new Date(fetchedAt).toISOString() };
        return contents(uri.href, body);
      } catch (err) {
        throw readError(err, lister, {});
      }
    });
  }

  server.registerResource("contact", contactTemplate(workspace), CONTACT_METADATA, async (_uri, variables) => {
    // A completion picked as it was offered ("con_… — Anna Kowalska (+48…)") stands for its id.
    const id = contactIdOf(decodeURIComponent(String(variables.id ?? "")));
    try {
      const { data } = await workspace.client.request({ method: "GET", path: fillPath("/contacts/{id}", { id }) });
      return contents(CONTACT_TEMPLATE.replace("{id}", encodeURIComponent(id)), data);
    } catch (err) {
      throw readError(err, GET_CONTACT, { id });
    }
  });

  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  const subscribed = subscriptions(server);
  if (delivery.kind === "connection")
    followChanges(server, workspace, delivery.era === "legacy" ? subscribed : undefined);
}

/** One client's resources/subscribe set (2025 era); a session may not hold more than this many. */
export const MAX_SUBSCRIPTIONS = 256;

// resources/subscribe and unsubscribe (2025 era). Bounded: a client that
// subscribes to every URI it can make up must not grow the process.
function subscriptions(server: McpServer): Set<string> {
  const subscribed = new Set<string>();
  server.server.setRequestHandler("resources/subscribe", (request) => {
    if (!subscribed.has(request.params.uri) && subscribed.size >= MAX_SUBSCRIPTIONS) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `At most ${MAX_SUBSCRIPTIONS} subscriptions per session; unsubscribe from one first.`,
      );
    }
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler("resources/unsubscribe", (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  return subscribed;
}

/**
 * Tells this connection's client what changed in the workspace: list_changed
 * for definitions (clients that do not subscribe hear only that), updated for
 * a subscribed URI. `subscribed` undefined: the 2026 era, where the serving
 * entry keeps each subscriptions/listen filter and drops what nobody asked for.
 * Returns the function that stops following (HTTP sessions come and go; the workspace stays).
 */
function followChanges(server: McpServer, workspace: Workspace, subscribed: Set<string> | undefined): void {
  const stop = workspace.onChange((change) => {
    if (!server.isConnected()) return;
    if (change.kind) server.sendResourceListChanged();
    if (!subscribed || subscribed.has(change.uri))
      server.server.sendResourceUpdated({ uri: change.uri }).catch(() => {});
  });
  // Stop listening when this connection ends (HTTP sessions come and go; the workspace stays).
  const previous = server.server.onclose;
  server.server.onclose = () => {
    stop();
    previous?.();
  };
}

function contents(uri: string, body: unknown): ReadResourceResult {
  return { contents: [{ uri, mimeType: JSON_TYPE, text: JSON.stringify(body) }] };
}

/** A read fails with the same short summary a tool call would give. */
function readError(err: unknown, tool: Tool, args: Record<string, unknown>): ProtocolError {
  const code =
    err instanceof ApiError && err.status === 404 ? ProtocolErrorCode.InvalidParams : ProtocolErrorCode.InternalError;
  return new ProtocolError(code, describeFailure(err, tool, args));
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
