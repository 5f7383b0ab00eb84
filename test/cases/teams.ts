// Request cases for the teams toolset (see types.ts), collected in index.ts.

import type { RequestCase } from "./types.js";

export const teamCases: RequestCase[] = [
  {
    tool: "list_teams",
    args: { pageSize: 5, pageToken: "tok" },
    method: "GET",
    path: "/teams",
    query: { pageSize: "5", pageToken: "tok" },
  },
  {
    tool: "create_team",
    args: { name: "Support", description: "Krakow store" },
    method: "POST",
    path: "/teams",
    body: { name: "Support", description: "Krakow store" },
    reply: { status: 201, body: { id: "team_1" } },
  },
  { tool: "get_team", args: { id: "team_1" }, method: "GET", path: "/teams/team_1" },
  {
    tool: "update_team",
    args: { id: "team_1", name: "Support PL" },
    method: "PUT",
    path: "/teams/team_1",
    body: { name: "Support PL" },
  },
  { tool: "delete_team", args: { id: "team_1" }, method: "DELETE", path: "/teams/team_1", reply: { status: 204 } },
  { tool: "list_team_agents", args: { id: "team_1" }, method: "GET", path: "/teams/team_1/agents" },
  {
    tool: "add_team_agent",
    args: { id: "team_1", userId: "usr_1" },
    method: "POST",
    path: "/teams/team_1/agents",
    body: { userId: "usr_1" },
    reply: { status: 201, body: { ok: true } },
  },
  {
    tool: "remove_team_agent",
    args: { id: "team_1", userId: "usr_1" },
    method: "DELETE",
    path: "/teams/team_1/agents/usr_1",
    reply: { status: 204 },
  },
];
