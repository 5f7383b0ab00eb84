// Chatbots: the journey lifecycle (draft → publish → activate → pause, see journeys.ts)
// plus team assignments, the teams whose conversations the bot answers.

import type { Route } from "../framework.js";
import type { Store } from "../store.js";
import { flowRoutes } from "./journeys.js";

export function routes(store: Store): Route[] {
  return flowRoutes(store, {
    kind: "chatbot",
    base: "/chatbots",
    items: store.chatbots,
    idPrefix: "bot",
    versionPrefix: "botv",
    versionPath: "/chatbots/{id}/versions/{versionId}",
    extra: (body, errors) => {
      const { teamIds } = body;
      if (teamIds === undefined) return {};
      if (!Array.isArray(teamIds) || !teamIds.every((id): id is string => typeof id === "string")) {
        errors.push({ field: "teamIds", message: "must be an array of team ids from GET /teams" });
        return {};
      }
      const unknown = teamIds.filter((id) => !store.teams.has(id));
      if (unknown.length > 0) {
        errors.push({ field: "teamIds", message: `unknown team(s) ${unknown.join(", ")}; see GET /teams` });
        return {};
      }
      return { teamIds: [...new Set(teamIds)] };
    },
  });
}
