// Request cases for the chatbots toolset (see types.ts), collected in index.ts.

import type { RequestCase } from "./types.js";

const definition = { greeting: "Hi! How can we help?" };

export const chatbotCases: RequestCase[] = [
  {
    tool: "list_chatbots",
    args: { pageSize: 25, pageToken: "tok" },
    method: "GET",
    path: "/chatbots",
    query: { pageSize: "25", pageToken: "tok" },
  },
  {
    tool: "create_chatbot",
    args: { name: "Store hours bot", teamIds: ["team_1", "team_2"], definition },
    method: "POST",
    path: "/chatbots",
    body: { name: "Store hours bot", teamIds: ["team_1", "team_2"], definition },
    reply: { status: 201, body: { id: "bot_1" } },
  },
  { tool: "get_chatbot", args: { id: "bot_1" }, method: "GET", path: "/chatbots/bot_1" },
  {
    tool: "update_chatbot",
    args: { id: "bot_1", teamIds: ["team_3"] },
    method: "PATCH",
    path: "/chatbots/bot_1",
    body: { teamIds: ["team_3"] },
  },
  { tool: "delete_chatbot", args: { id: "bot_1" }, method: "DELETE", path: "/chatbots/bot_1", reply: { status: 204 } },
  { tool: "publish_chatbot", args: { id: "bot_1" }, method: "POST", path: "/chatbots/bot_1/publish" },
  { tool: "activate_chatbot", args: { id: "bot_1" }, method: "POST", path: "/chatbots/bot_1/activate" },
  { tool: "pause_chatbot", args: { id: "bot_1" }, method: "POST", path: "/chatbots/bot_1/pause" },
  {
    tool: "list_chatbot_versions",
    args: { id: "bot_1", pageToken: "tok" },
    method: "GET",
    path: "/chatbots/bot_1/versions",
    // pageSize omitted: the registrar sends its default.
    query: { pageSize: "50", pageToken: "tok" },
  },
  {
    tool: "get_chatbot_version",
    args: { id: "bot_1", versionId: "botv_2" },
    method: "GET",
    path: "/chatbots/bot_1/versions/botv_2",
  },
];
