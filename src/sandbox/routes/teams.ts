// Teams: groups of agents that own inboxes and conversations. Membership is kept on both
// sides (team.agentIds and user.teamIds) so either view is a lookup, never a scan.

import {
  ALL_ROLES,
  bodyObject,
  conflict,
  found,
  invalid,
  MANAGERS,
  noContent,
  notFound,
  ok,
  optionalString,
  page,
  type Route,
} from "../framework.js";
import type { Store, Team, User } from "../store.js";

const MAX_NAME = 100;
const MAX_DESCRIPTION = 500;

export function routes(store: Store): Route[] {
  return [
    {
      method: "GET",
      path: "/teams",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const { items, ...rest } = page([...store.teams.values()], ctx.query);
        return ok({ teams: items.map((team) => teamView(store, team)), ...rest });
      },
    },
    {
      method: "POST",
      path: "/teams",
      roles: MANAGERS,
      handle: (ctx) => {
        const body = bodyObject(ctx);
        const name = teamName(store, body.name);
        const description = teamDescription(body);
        const team = createTeam(store, name, description);
        return ok(teamView(store, team), 201);
      },
    },
    {
      method: "GET",
      path: "/teams/{id}",
      roles: ALL_ROLES,
      handle: (ctx) => ok(teamView(store, findTeam(store, ctx.params.id ?? ""))),
    },
    {
      method: "PUT",
      path: "/teams/{id}",
      roles: MANAGERS,
      handle: (ctx) => {
        const team = findTeam(store, ctx.params.id ?? "");
        const body = bodyObject(ctx);
        const name = teamName(store, body.name, team.id);
        const description = teamDescription(body);
        team.name = name;
        if (description === undefined) delete team.description;
        else team.description = description;
        team.updatedAt = store.now();
        return ok(teamView(store, team));
      },
    },
    {
      method: "DELETE",
      path: "/teams/{id}",
      roles: MANAGERS,
      handle: (ctx) => {
        const team = findTeam(store, ctx.params.id ?? "");
        store.teams.delete(team.id);
        for (const user of store.users.values()) user.teamIds = user.teamIds.filter((id) => id !== team.id);
        for (const inbox of store.inboxes.values()) if (inbox.teamId === team.id) inbox.teamId = null;
        for (const bot of store.chatbots.values()) {
          if (bot.teamIds) bot.teamIds = bot.teamIds.filter((id) => id !== team.id);
        }
        return noContent();
      },
    },
    {
      method: "GET",
      path: "/teams/{id}/agents",
      roles: ALL_ROLES,
      handle: (ctx) => ok({ agents: agentsOf(store, findTeam(store, ctx.params.id ?? "")) }),
    },
    {
      method: "POST",
      path: "/teams/{id}/agents",
      roles: MANAGERS,
      handle: (ctx) => {
        const team = findTeam(store, ctx.params.id ?? "");
        const userId = bodyObject(ctx).userId;
        if (typeof userId !== "string" || userId === "") {
          throw invalid([{ field: "userId", message: "is required: a user id from GET /users" }]);
        }
        const user = found(store.users, "user", userId);
        if (team.agentIds.includes(user.id)) {
          throw conflict("team_agent_already_assigned", `${user.name} (${user.id}) is already in team ${team.name}.`);
        }
        addAgent(store, team, user);
        return ok(agentView(user), 201);
      },
    },
    {
      method: "DELETE",
      path: "/teams/{id}/agents/{userId}",
      roles: MANAGERS,
      handle: (ctx) => {
        const team = findTeam(store, ctx.params.id ?? "");
        const userId = ctx.params.userId ?? "";
        if (!team.agentIds.includes(userId)) throw notFound("team_agent", userId);
        team.agentIds = team.agentIds.filter((id) => id !== userId);
        const user = store.users.get(userId);
        if (user) user.teamIds = user.teamIds.filter((id) => id !== team.id);
        team.updatedAt = store.now();
        return noContent();
      },
    },
  ];
}

export function createTeam(store: Store, name: string, description?: string, id?: string, createdAt?: string): Team {
  const now = createdAt ?? store.now();
  const team: Team = {
    id: id ?? store.id("team"),
    name,
    ...(description === undefined ? {} : { description }),
    agentIds: [],
    createdAt: now,
    updatedAt: now,
  };
  store.teams.set(team.id, team);
  return team;
}

export function addAgent(store: Store, team: Team, user: User): void {
  if (!team.agentIds.includes(user.id)) team.agentIds.push(user.id);
  if (!user.teamIds.includes(team.id)) user.teamIds.push(team.id);
  team.updatedAt = store.now();
}

function teamView(store: Store, team: Team) {
  return {
    id: team.id,
    name: team.name,
    description: team.description ?? null,
    agentIds: [...team.agentIds],
    agents: agentsOf(store, team),
    createdAt: team.createdAt,
    updatedAt: team.updatedAt,
  };
}

function agentsOf(store: Store, team: Team) {
  return team.agentIds.flatMap((id) => {
    const user = store.users.get(id);
    return user ? [agentView(user)] : [];
  });
}

function agentView(user: User) {
  return { id: user.id, name: user.name, email: user.email, role: user.role };
}

function findTeam(store: Store, id: string): Team {
  return found(store.teams, "team", id);
}

/** A required, unique (case-insensitive) team name; `self` is the team being renamed. */
function teamName(store: Store, value: unknown, self?: string): string {
  if (typeof value !== "string" || value.trim() === "") throw invalid([{ field: "name", message: "is required" }]);
  const name = value.trim();
  if (name.length > MAX_NAME) throw invalid([{ field: "name", message: `must be at most ${MAX_NAME} characters` }]);
  for (const team of store.teams.values()) {
    if (team.id !== self && team.name.toLowerCase() === name.toLowerCase()) {
      throw conflict("team_already_exists", `A team named "${team.name}" already exists (${team.id}).`);
    }
  }
  return name;
}

function teamDescription(body: Record<string, unknown>): string | undefined {
  const description = optionalString(body, "description")?.trim();
  if (description !== undefined && description.length > MAX_DESCRIPTION) {
    throw invalid([{ field: "description", message: `must be at most ${MAX_DESCRIPTION} characters` }]);
  }
  return description === "" ? undefined : description;
}
