// Users: workspace members, the caller's own profile and unread badge, and role changes
// under the reference's authority matrix (admins move people between admin and agent;
// only owners mint or demote owners; a workspace always keeps one owner).

import {
  ALL_ROLES,
  badRequest,
  bodyObject,
  type Caller,
  conflict,
  invalid,
  isRecord,
  MANAGERS,
  ok,
  Problem,
  type Route,
} from "../framework.js";
import type { Store, User } from "../store.js";
import { visibleConversations } from "./messaging.js";

const MAX_NAME = 100;

export function routes(store: Store): Route[] {
  return [
    {
      method: "GET",
      path: "/users",
      roles: ALL_ROLES,
      handle: () => ok({ users: [...store.users.values()].map(userView) }),
    },
    {
      method: "GET",
      path: "/users/me",
      roles: ALL_ROLES,
      handle: (ctx) => ok(userView(me(store, ctx.caller))),
    },
    {
      method: "PATCH",
      path: "/users/me",
      roles: ALL_ROLES,
      handle: (ctx) => {
        const user = me(store, ctx.caller);
        const body = bodyObject(ctx);
        const { name, avatarUrl } = body;
        if (name !== undefined && (typeof name !== "string" || name.trim() === "" || name.trim().length > MAX_NAME)) {
          throw invalid([{ field: "name", message: `must be 1 to ${MAX_NAME} characters` }]);
        }
        if (avatarUrl !== undefined && avatarUrl !== null && (typeof avatarUrl !== "string" || !isHttpUrl(avatarUrl))) {
          throw invalid([{ field: "avatarUrl", message: "must be an http(s) URL, or null to remove the avatar" }]);
        }
        if (typeof name === "string") user.name = name.trim();
        if (avatarUrl === null || avatarUrl === "") delete user.avatarUrl;
        else if (typeof avatarUrl === "string") user.avatarUrl = avatarUrl;
        return ok(userView(user));
      },
    },
    {
      method: "GET",
      path: "/users/me/unread-count",
      roles: ALL_ROLES,
      handle: (ctx) => ok({ count: unreadCount(store, ctx.caller) }),
    },
    {
      method: "GET",
      path: "/users/me/unread-summary",
      roles: ALL_ROLES,
      handle: (ctx) => ok({ count: unreadCount(store, ctx.caller), version: store.unreadVersion }),
    },
    {
      method: "GET",
      path: "/users/{userId}",
      roles: ALL_ROLES,
      handle: (ctx) => ok(userView(findUser(store, ctx.params.userId ?? ""))),
    },
    {
      method: "PUT",
      path: "/users/{userId}/role",
      roles: MANAGERS,
      handle: (ctx) => {
        const requested = isRecord(ctx.body) ? ctx.body.role : undefined;
        const role = ALL_ROLES.find((r) => r === requested);
        if (role === undefined) {
          throw badRequest("auth_user_invalid_role", "role must be one of owner, admin, agent.");
        }
        const targetId = ctx.params.userId ?? "";
        if (targetId === ctx.caller.userId) {
          throw badRequest(
            "auth_user_self_role_change_forbidden",
            "You cannot change your own role; ask another owner.",
          );
        }
        const target = findUser(store, targetId);
        if (ctx.caller.role !== "owner" && role === "owner") {
          throw forbidden("auth_authz_user_assign_role_denied", `A ${ctx.caller.role} cannot grant the owner role.`);
        }
        if (ctx.caller.role !== "owner" && target.role === "owner") {
          throw forbidden(
            "auth_user_role_assignment_forbidden",
            `Only an owner can change the role of owner ${target.id}.`,
          );
        }
        const owners = [...store.users.values()].filter((u) => u.role === "owner").length;
        if (target.role === "owner" && role !== "owner" && owners <= 1) {
          throw conflict(
            "auth_user_last_owner_required",
            `${target.name} is the workspace's last owner; make someone else owner first.`,
          );
        }
        target.role = role;
        return ok(userView(target));
      },
    },
  ];
}

function userView(user: User) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    avatarUrl: user.avatarUrl ?? null,
    teamIds: [...user.teamIds],
    createdAt: user.createdAt,
  };
}

function me(store: Store, caller: Caller): User {
  return findUser(store, caller.userId);
}

function findUser(store: Store, id: string): User {
  const user = store.users.get(id);
  if (!user) throw new Problem(404, "auth_user_not_found", "Not Found", `No user ${id} in this workspace.`);
  return user;
}

const forbidden = (code: string, detail: string): Problem => new Problem(403, code, "Forbidden", detail);

/** Unread inbound messages across the caller's open conversations. */
function unreadCount(store: Store, caller: Caller): number {
  return visibleConversations(store, caller)
    .filter((c) => c.status !== "closed")
    .reduce((sum, c) => sum + c.unreadCount, 0);
}

function isHttpUrl(text: string): boolean {
  if (text === "") return true;
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
