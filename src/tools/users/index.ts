// Users: workspace members, their roles, and the caller's own profile and unread state.

import * as z from "zod";
import { httpsUrl, userId } from "../params.js";
import { defineTool, READ, UPDATE } from "../types.js";

export const userTools = [
  defineTool({
    name: "list_users",
    toolset: "users",
    title: "List users",
    description: "List workspace members.",
    scopes: ["user:list"],
    method: "GET",
    path: "/users",
    input: {},
    hints: READ,
  }),
  defineTool({
    name: "get_current_user",
    toolset: "users",
    title: "Get current user",
    description: "Get your own profile.",
    scopes: ["user:read_self"],
    method: "GET",
    path: "/users/me",
    input: {},
    hints: READ,
  }),
  defineTool({
    name: "update_current_user",
    toolset: "users",
    title: "Update current user",
    description: "Change your name or avatar.",
    scopes: ["user:update_self"],
    method: "PATCH",
    path: "/users/me",
    input: {
      name: z.string().optional().describe("Display name"),
      avatarUrl: httpsUrl("Avatar image, an https URL").optional(),
    },
    hints: UPDATE,
  }),
  defineTool({
    name: "get_unread_count",
    toolset: "users",
    title: "Get unread count",
    description: "Your total unread messages across conversations.",
    scopes: ["user:read_self"],
    method: "GET",
    path: "/users/me/unread-count",
    input: {},
    hints: READ,
  }),
  defineTool({
    name: "get_unread_summary",
    toolset: "users",
    title: "Get unread summary",
    description: "Your unread count plus a monotonic version.",
    scopes: ["user:read_self"],
    method: "GET",
    path: "/users/me/unread-summary",
    input: {},
    hints: READ,
  }),
  defineTool({
    name: "get_user",
    toolset: "users",
    title: "Get user",
    description: "Get a member with role and teams.",
    scopes: ["user:read"],
    method: "GET",
    path: "/users/{userId}",
    input: { userId },
    hints: READ,
  }),
  defineTool({
    name: "update_user_role",
    toolset: "users",
    title: "Update user role",
    description:
      "Change another member's role. Admins set admin/agent; only owners grant or revoke owner; keep one owner.",
    scopes: ["user:assign_role_admin", "user:assign_role_agent", "user:assign_role_owner"],
    method: "PUT",
    path: "/users/{userId}/role",
    input: { userId, role: z.enum(["owner", "admin", "agent"]).describe("New role") },
    hints: UPDATE,
  }),
];
