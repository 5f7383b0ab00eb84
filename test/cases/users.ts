// Request cases for the users toolset (see types.ts), collected in index.ts.

import type { RequestCase } from "./types.js";

export const userCases: RequestCase[] = [
  { tool: "list_users", args: {}, method: "GET", path: "/users" },
  { tool: "get_current_user", args: {}, method: "GET", path: "/users/me" },
  {
    tool: "update_current_user",
    args: { name: "Ola", avatarUrl: "https://cdn.example.com/ola.png" },
    method: "PATCH",
    path: "/users/me",
    body: { name: "Ola", avatarUrl: "https://cdn.example.com/ola.png" },
  },
  { tool: "get_unread_count", args: {}, method: "GET", path: "/users/me/unread-count" },
  { tool: "get_unread_summary", args: {}, method: "GET", path: "/users/me/unread-summary" },
  { tool: "get_user", args: { userId: "usr_1" }, method: "GET", path: "/users/usr_1" },
  {
    tool: "update_user_role",
    args: { userId: "usr_1", role: "admin" },
    method: "PUT",
    path: "/users/usr_1/role",
    body: { role: "admin" },
  },
];
