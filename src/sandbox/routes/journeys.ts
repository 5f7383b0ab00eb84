// Journeys, and the lifecycle they share with chatbots: an editable draft, publish to
// snapshot it as an immutable version, activate to run the latest version, pause to stop.
// chatbots.ts builds its routes from the same `flowRoutes`.

import {
  ALL_ROLES,
  bodyObject,
  conflict,
  type FieldViolation,
  found,
  invalid,
  isRecord,
  noContent,
  notFound,
  ok,
  optionalString,
  page,
  type Route,
} from "../framework.js";
import type { Flow, FlowVersion, Store } from "../store.js";

const MAX_NAME = 200;
const MAX_DESCRIPTION = 1000;

export interface FlowKind {
  /** `journey` or `chatbot`: error codes (`journey_not_published`) and the owner key on versions (`journeyId`). */
  kind: "journey" | "chatbot";
  base: "/journeys" | "/chatbots";
  items: Map<string, Flow>;
  idPrefix: string;
  versionPrefix: string;
  /** Path of the single-version read, which differs between the two groups. */
  versionPath: string;
  /** Validates body attributes particular to the kind (chatbot team assignments); returns what to set. */
  extra?: (body: Record<string, unknown>, errors: FieldViolation[]) => Partial<Pick<Flow, "teamIds">>;
}

export function routes(store: Store): Route[] {
  return flowRoutes(store, {
    kind: "journey",
    base: "/journeys",
    items: store.journeys,
    idPrefix: "jrn",
    versionPrefix: "jrv",
    versionPath: "/journeys/versions/{versionId}",
  });
}

export function flowRoutes(store: Store, spec: FlowKind): Route[] {
  const { kind, base, items } = spec;
  const find = (id: string): Flow => found(items, kind, id);
  const view = (flow: Flow) => flowView(spec, flow);
  return [
    {
      method: "GET",
      path: base,
      roles: ALL_ROLES,
      handle: (ctx) => {
        const { items: slice, ...rest } = page([...items.values()], ctx.query);
        return ok({ [`${kind}s`]: slice.map(view), ...rest });
      },
    },
    {
      method: "POST",
      path: base,
      roles: ALL_ROLES,
      handle: (ctx) => {
        const body = bodyObject(ctx);
        const now = store.now();
        const flow: Flow = {
          id: store.id(spec.idPrefix),
          name: "",
          status: "draft",
          definition: {},
          versions: [],
          createdAt: now,
          updatedAt: now,
        };
        applyDraft(spec, flow, body, true);
        items.set(flow.id, flow);
        return ok(view(flow), 201);
      },
    },
    {
      method: "GET",
      path: `${base}/{id}`,
      roles: ALL_ROLES,
      handle: (ctx) => ok(view(find(ctx.params.id ?? ""))),
    },
    {
      method: "PATCH",
      path: `${base}/{id}`,
      roles: ALL_ROLES,
      handle: (ctx) => {
        const flow = find(ctx.params.id ?? "");
        applyDraft(spec, flow, bodyObject(ctx), false);
        flow.updatedAt = store.now();
        return ok(view(flow));
      },
    },
    {
      method: "DELETE",
      path: `${base}/{id}`,
      roles: ALL_ROLES,
      handle: (ctx) => {
        const flow = find(ctx.params.id ?? "");
        if (flow.status === "active") {
          throw conflict(`${kind}_active`, `${title(kind)} ${flow.id} is active; pause it before deleting.`);
        }
        items.delete(flow.id);
        return noContent();
      },
    },
    {
      method: "POST",
      path: `${base}/{id}/publish`,
      roles: ALL_ROLES,
      handle: (ctx) => {
        const flow = find(ctx.params.id ?? "");
        const version: FlowVersion = {
          id: store.id(spec.versionPrefix),
          version: flow.versions.length + 1,
          definition: structuredClone(flow.definition),
          createdAt: store.now(),
        };
        flow.versions.push(version);
        flow.updatedAt = version.createdAt;
        return ok(versionView(spec, flow, version));
      },
    },
    {
      method: "POST",
      path: `${base}/{id}/activate`,
      roles: ALL_ROLES,
      handle: (ctx) => {
        const flow = find(ctx.params.id ?? "");
        const latest = flow.versions.at(-1);
        if (!latest) {
          throw conflict(
            `${kind}_not_published`,
            `${title(kind)} ${flow.id} has no published version; publish it (POST ${base}/${flow.id}/publish) first.`,
          );
        }
        if (flow.status === "active" && flow.activeVersionId === latest.id) {
          throw conflict(
            `${kind}_already_active`,
            `${title(kind)} ${flow.id} is already active on version ${latest.version}.`,
          );
        }
        flow.status = "active";
        flow.activeVersionId = latest.id;
        flow.updatedAt = store.now();
        return ok(view(flow));
      },
    },
    {
      method: "POST",
      path: `${base}/{id}/pause`,
      roles: ALL_ROLES,
      handle: (ctx) => {
        const flow = find(ctx.params.id ?? "");
        if (flow.status !== "active") {
          throw conflict(
            `${kind}_not_active`,
            `${title(kind)} ${flow.id} is ${flow.status}; only an active ${kind} can be paused.`,
          );
        }
        flow.status = "paused";
        flow.updatedAt = store.now();
        return ok(view(flow));
      },
    },
    {
      method: "GET",
      path: `${base}/{id}/versions`,
      roles: ALL_ROLES,
      handle: (ctx) => {
        const flow = find(ctx.params.id ?? "");
        const newestFirst = [...flow.versions].reverse();
        const { items: slice, ...rest } = page(newestFirst, ctx.query);
        return ok({ versions: slice.map((v) => versionView(spec, flow, v)), ...rest });
      },
    },
    {
      method: "GET",
      path: spec.versionPath,
      roles: ALL_ROLES,
      handle: (ctx) => {
        const versionId = ctx.params.versionId ?? "";
        // Chatbots name their owner in the path; journeys look the version up across all journeys.
        const owners = ctx.params.id === undefined ? [...items.values()] : [find(ctx.params.id)];
        for (const flow of owners) {
          const version = flow.versions.find((v) => v.id === versionId);
          if (version) return ok(versionView(spec, flow, version));
        }
        throw notFound(`${kind}_version`, versionId);
      },
    },
  ];
}

/** Applies name/description/definition (and the kind's extras); `creating` makes the name required. */
function applyDraft(spec: FlowKind, flow: Flow, body: Record<string, unknown>, creating: boolean): void {
  const errors: FieldViolation[] = [];
  const { name, definition } = body;
  if (name !== undefined || creating) {
    if (typeof name !== "string" || name.trim() === "" || name.trim().length > MAX_NAME) {
      errors.push({ field: "name", message: `is required: 1 to ${MAX_NAME} characters` });
    }
  }
  const description = body.description === null ? null : safeString(body, "description", errors);
  if (typeof description === "string" && description.length > MAX_DESCRIPTION) {
    errors.push({ field: "description", message: `must be at most ${MAX_DESCRIPTION} characters` });
  }
  if (definition !== undefined && !isRecord(definition)) {
    errors.push({ field: "definition", message: "must be an object (the flow's steps and triggers)" });
  }
  const extra = spec.extra?.(body, errors);
  if (errors.length > 0) throw invalid(errors);
  if (extra?.teamIds !== undefined) flow.teamIds = extra.teamIds;
  if (typeof name === "string") flow.name = name.trim();
  if (description === null || description === "") delete flow.description;
  else if (description !== undefined) flow.description = description;
  if (isRecord(definition)) flow.definition = structuredClone(definition);
}

function safeString(body: Record<string, unknown>, field: string, errors: FieldViolation[]): string | undefined {
  try {
    return optionalString(body, field);
  } catch {
    errors.push({ field, message: "must be a string" });
    return undefined;
  }
}

function flowView(spec: FlowKind, flow: Flow) {
  const active = flow.versions.find((v) => v.id === flow.activeVersionId);
  const latest = flow.versions.at(-1);
  return {
    id: flow.id,
    name: flow.name,
    description: flow.description ?? null,
    status: flow.status,
    definition: flow.definition,
    ...(spec.kind === "chatbot" ? { teamIds: flow.teamIds ?? [] } : {}),
    latestVersion: latest ? { id: latest.id, version: latest.version, createdAt: latest.createdAt } : null,
    activeVersion: active ? { id: active.id, version: active.version, createdAt: active.createdAt } : null,
    createdAt: flow.createdAt,
    updatedAt: flow.updatedAt,
  };
}

function versionView(spec: FlowKind, flow: Flow, version: FlowVersion) {
  return {
    id: version.id,
    [`${spec.kind}Id`]: flow.id,
    version: version.version,
    definition: version.definition,
    active: flow.status === "active" && flow.activeVersionId === version.id,
    createdAt: version.createdAt,
  };
}

function title(kind: string): string {
  return `${kind.charAt(0).toUpperCase()}${kind.slice(1)}`;
}
