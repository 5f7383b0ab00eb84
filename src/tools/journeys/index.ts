// Journeys: automations that react to contact events and conversation moments.
// Lifecycle: create (draft) → update → publish (immutable version) → activate ⇄ pause.

import * as z from "zod";
import { openObject, paging, ref } from "../params.js";
import { CREATE, DESTRUCTIVE, defineTool, READ, UPDATE } from "../types.js";

const journeyId = ref("journeys");
// The reference names CreateJourneyRequest/UpdateJourneyRequest without listing
// their fields: `name` and an open `definition` are all it implies.
const draft = {
  name: z.string().min(1).optional().describe("Journey name"),
  definition: openObject("Journey definition").optional(),
};

export const journeyTools = [
  defineTool({
    name: "list_journeys",
    toolset: "journeys",
    title: "List journeys",
    description: "List journeys and their status.",
    scopes: ["journey:list"],
    method: "GET",
    path: "/journeys",
    input: { ...paging },
    query: ["pageSize", "pageToken"],
    hints: READ,
  }),
  defineTool({
    name: "create_journey",
    toolset: "journeys",
    title: "Create journey",
    description: "Create a journey draft; publish and activate it to run.",
    scopes: ["journey:create"],
    method: "POST",
    path: "/journeys",
    input: draft,
    hints: CREATE,
  }),
  defineTool({
    name: "get_journey",
    toolset: "journeys",
    title: "Get journey",
    description: "Get a journey draft, status and active version.",
    scopes: ["journey:read"],
    method: "GET",
    path: "/journeys/{id}",
    input: { id: journeyId },
    hints: READ,
  }),
  defineTool({
    name: "update_journey",
    toolset: "journeys",
    title: "Update journey",
    description: "Update a journey draft; publish again to apply.",
    scopes: ["journey:update"],
    method: "PATCH",
    path: "/journeys/{id}",
    input: { id: journeyId, ...draft },
    hints: UPDATE,
  }),
  defineTool({
    name: "delete_journey",
    toolset: "journeys",
    title: "Delete journey",
    description: "Delete a journey; pause it first if active.",
    scopes: ["journey:delete"],
    method: "DELETE",
    path: "/journeys/{id}",
    input: { id: journeyId },
    hints: DESTRUCTIVE,
  }),
  defineTool({
    name: "publish_journey",
    toolset: "journeys",
    title: "Publish journey",
    description: "Snapshot the draft as an immutable version.",
    scopes: ["journey:publish"],
    method: "POST",
    path: "/journeys/{id}/publish",
    input: { id: journeyId },
    hints: UPDATE,
  }),
  defineTool({
    name: "activate_journey",
    toolset: "journeys",
    title: "Activate journey",
    description: "Start a published journey processing events.",
    scopes: ["journey:activate"],
    method: "POST",
    path: "/journeys/{id}/activate",
    input: { id: journeyId },
    hints: UPDATE,
  }),
  defineTool({
    name: "pause_journey",
    toolset: "journeys",
    title: "Pause journey",
    description: "Pause a journey; running instances finish.",
    scopes: ["journey:activate"],
    method: "POST",
    path: "/journeys/{id}/pause",
    input: { id: journeyId },
    hints: UPDATE,
  }),
  defineTool({
    name: "list_journey_versions",
    toolset: "journeys",
    title: "List journey versions",
    description: "List a journey's published versions.",
    scopes: ["journey:read"],
    method: "GET",
    path: "/journeys/{id}/versions",
    input: { id: journeyId, ...paging },
    query: ["pageSize", "pageToken"],
    hints: READ,
  }),
  defineTool({
    name: "get_journey_version",
    toolset: "journeys",
    title: "Get journey version",
    description: "Get one published journey version.",
    scopes: ["journey:read"],
    method: "GET",
    path: "/journeys/versions/{versionId}",
    input: { versionId: ref("journeyVersions") },
    hints: READ,
  }),
];
