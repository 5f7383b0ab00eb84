// Chatbots: conversation automations assigned to teams, with the same
// draft → publish → activate ⇄ pause lifecycle (and journey:* scopes) as journeys.

import * as z from "zod";
import { fromSource } from "../../refs.js";
import { openObject, paging, ref, refList } from "../params.js";
import { CREATE, DESTRUCTIVE, defineTool, READ, UPDATE } from "../types.js";

const chatbotId = ref("chatbots");
// CreateChatbotRequest/UpdateChatbotRequest are named but not listed in the
// reference; it mentions draft details and team assignments.
const draft = {
  name: z.string().min(1).optional().describe("Chatbot name"),
  teamIds: refList("teams", ["Team ids", fromSource("teams")]).optional(),
  definition: openObject("Chatbot definition").optional(),
};

export const chatbotTools = [
  defineTool({
    name: "list_chatbots",
    toolset: "chatbots",
    title: "List chatbots",
    description: "List chatbots and their status.",
    scopes: ["journey:list"],
    method: "GET",
    path: "/chatbots",
    input: { ...paging },
    query: ["pageSize", "pageToken"],
    hints: READ,
  }),
  defineTool({
    name: "create_chatbot",
    toolset: "chatbots",
    title: "Create chatbot",
    description: "Create a chatbot draft; publish and activate it to run.",
    scopes: ["journey:create"],
    method: "POST",
    path: "/chatbots",
    input: draft,
    hints: CREATE,
  }),
  defineTool({
    name: "get_chatbot",
    toolset: "chatbots",
    title: "Get chatbot",
    description: "Get a chatbot draft, status and active version.",
    scopes: ["journey:read"],
    method: "GET",
    path: "/chatbots/{id}",
    input: { id: chatbotId },
    hints: READ,
  }),
  defineTool({
    name: "update_chatbot",
    toolset: "chatbots",
    title: "Update chatbot",
    description: "Update a chatbot draft or teams; publish again to apply.",
    scopes: ["journey:update"],
    method: "PATCH",
    path: "/chatbots/{id}",
    input: { id: chatbotId, ...draft },
    hints: UPDATE,
  }),
  defineTool({
    name: "delete_chatbot",
    toolset: "chatbots",
    title: "Delete chatbot",
    description: "Delete a chatbot; pause it first if active.",
    scopes: ["journey:delete"],
    method: "DELETE",
    path: "/chatbots/{id}",
    input: { id: chatbotId },
    hints: DESTRUCTIVE,
  }),
  defineTool({
    name: "publish_chatbot",
    toolset: "chatbots",
    title: "Publish chatbot",
    description: "Snapshot the draft as an immutable version.",
    scopes: ["journey:publish"],
    method: "POST",
    path: "/chatbots/{id}/publish",
    input: { id: chatbotId },
    hints: UPDATE,
  }),
  defineTool({
    name: "activate_chatbot",
    toolset: "chatbots",
    title: "Activate chatbot",
    description: "Start a published chatbot.",
    scopes: ["journey:activate"],
    method: "POST",
    path: "/chatbots/{id}/activate",
    input: { id: chatbotId },
    hints: UPDATE,
  }),
  defineTool({
    name: "pause_chatbot",
    toolset: "chatbots",
    title: "Pause chatbot",
    description: "Pause an active chatbot.",
    scopes: ["journey:activate"],
    method: "POST",
    path: "/chatbots/{id}/pause",
    input: { id: chatbotId },
    hints: UPDATE,
  }),
  defineTool({
    name: "list_chatbot_versions",
    toolset: "chatbots",
    title: "List chatbot versions",
    description: "List a chatbot's published versions.",
    scopes: ["journey:read"],
    method: "GET",
    path: "/chatbots/{id}/versions",
    input: { id: chatbotId, ...paging },
    query: ["pageSize", "pageToken"],
    hints: READ,
  }),
  defineTool({
    name: "get_chatbot_version",
    toolset: "chatbots",
    title: "Get chatbot version",
    description: "Get one published chatbot version.",
    scopes: ["journey:read"],
    method: "GET",
    path: "/chatbots/{id}/versions/{versionId}",
    input: { id: chatbotId, versionId: ref("chatbotVersions") },
    hints: READ,
  }),
];
