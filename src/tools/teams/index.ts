// Teams: groups of users that inboxes, conversations and chatbots route to.

import * as z from "zod";
import { paging, teamId, userId } from "../params.js";
import { CREATE, DESTRUCTIVE, defineTool, READ, UPDATE } from "../types.js";

const name = z.string().optional().describe("Display name");
const description = z.string().optional().describe("What the team handles");

export const teamTools = [
  defineTool({
    name: "list_teams",
    toolset: "teams",
    title: "List teams",
    description: "List teams; paged.",
    scopes: ["team:list"],
    method: "GET",
    path: "/teams",
    input: { ...paging },
    query: ["pageSize", "pageToken"],
    hints: READ,
  }),
  defineTool({
    name: "create_team",
    toolset: "teams",
    title: "Create team",
    description: "Create a team for routing conversations.",
    scopes: ["team:create"],
    method: "POST",
    path: "/teams",
    input: { name, description },
    hints: CREATE,
  }),
  defineTool({
    name: "get_team",
    toolset: "teams",
    title: "Get team",
    description: "Get a team with its agents.",
    scopes: ["team:read"],
    method: "GET",
    path: "/teams/{id}",
    input: { id: teamId },
    hints: READ,
  }),
  defineTool({
    name: "update_team",
    toolset: "teams",
    title: "Update team",
    description: "Rename a team or change its description.",
    scopes: ["team:update"],
    method: "PUT",
    path: "/teams/{id}",
    input: { id: teamId, name, description },
    hints: UPDATE,
  }),
  defineTool({
    name: "delete_team",
    toolset: "teams",
    title: "Delete team",
    description: "Delete a team for good.",
    scopes: ["team:delete"],
    method: "DELETE",
    path: "/teams/{id}",
    input: { id: teamId },
    // Inboxes routed to it lose their team.
    changes: ["inboxes"],
    hints: DESTRUCTIVE,
  }),
  defineTool({
    name: "list_team_agents",
    toolset: "teams",
    title: "List team agents",
    description: "List a team's users.",
    scopes: ["team:read"],
    method: "GET",
    path: "/teams/{id}/agents",
    input: { id: teamId },
    hints: READ,
  }),
  defineTool({
    name: "add_team_agent",
    toolset: "teams",
    title: "Add agent to team",
    description: "Add a user to a team.",
    scopes: ["team:assign_user"],
    method: "POST",
    path: "/teams/{id}/agents",
    input: { id: teamId, userId },
    hints: CREATE,
  }),
  defineTool({
    name: "remove_team_agent",
    toolset: "teams",
    title: "Remove agent from team",
    description: "Remove a user from a team.",
    scopes: ["team:remove_user"],
    method: "DELETE",
    path: "/teams/{id}/agents/{userId}",
    input: { id: teamId, userId },
    hints: DESTRUCTIVE,
  }),
];
