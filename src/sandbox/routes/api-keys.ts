// Service accounts and their API keys. A key's plaintext exists only in the create
// response: the store keeps a display prefix and a digest to check bearer tokens against, never the secret.

import { createHash, randomBytes } from "node:crypto";
import {
  ALL_ROLES,
  bodyObject,
  conflict,
  type FieldViolation,
  found,
  invalid,
  MANAGERS,
  noContent,
  ok,
  Problem,
  type Role,
  type Route,
} from "../framework.js";
import type { ApiKey, ServiceAccount, Store } from "../store.js";

const MAX_NAME = 100;
const PREFIX_LENGTH = 12;

export function routes(store: Store): Route[] {
  const findAccount = (id: string): ServiceAccount => found(store.serviceAccounts, "service_account", id);
  return [
    {
      method: "GET",
      path: "/service-accounts",
      roles: MANAGERS,
      handle: () => ok({ serviceAccounts: [...store.serviceAccounts.values()].map((a) => accountView(store, a)) }),
    },
    {
      method: "POST",
      path: "/service-accounts",
      roles: MANAGERS,
      handle: (ctx) => {
        const body = bodyObject(ctx);
        const errors: FieldViolation[] = [];
        const name = readName(body.name, errors, true);
        const role = body.role === undefined ? "admin" : ALL_ROLES.find((r) => r === body.role);
        if (role === undefined) errors.push({ field: "role", message: `must be one of ${ALL_ROLES.join(", ")}` });
        if (errors.length > 0 || name === undefined || role === undefined) throw invalid(errors);
        if (role === "owner" && ctx.caller.role !== "owner") {
          throw new Problem(
            403,
            "auth_authz_user_assign_role_denied",
            "Forbidden",
            "Only an owner can create an owner service account.",
          );
        }
        for (const existing of store.serviceAccounts.values()) {
          if (existing.name.toLowerCase() === name.toLowerCase()) {
            throw conflict(
              "service_account_already_exists",
              `A service account named "${existing.name}" exists (${existing.id}).`,
            );
          }
        }
        const account: ServiceAccount = { id: store.id("sa"), name, role, createdAt: store.now() };
        store.serviceAccounts.set(account.id, account);
        return ok(accountView(store, account));
      },
    },
    {
      method: "DELETE",
      path: "/service-accounts/{id}",
      roles: MANAGERS,
      handle: (ctx) => {
        const account = findAccount(ctx.params.id ?? "");
        const now = store.now();
        for (const key of store.apiKeys.values()) {
          if (key.serviceAccountId === account.id && key.revokedAt === null) key.revokedAt = now;
        }
        store.serviceAccounts.delete(account.id);
        return noContent();
      },
    },
    {
      method: "GET",
      path: "/service-accounts/{id}/api-keys",
      roles: MANAGERS,
      handle: (ctx) => {
        const account = findAccount(ctx.params.id ?? "");
        const keys = [...store.apiKeys.values()].filter((k) => k.serviceAccountId === account.id);
        return ok({ apiKeys: keys.map(keyView) });
      },
    },
    {
      method: "POST",
      path: "/service-accounts/{id}/api-keys",
      roles: MANAGERS,
      handle: (ctx) => {
        const account = findAccount(ctx.params.id ?? "");
        const errors: FieldViolation[] = [];
        const body = ctx.body === undefined ? {} : bodyObject(ctx);
        const name = readName(body.name, errors, false) ?? "API key";
        if (errors.length > 0) throw invalid(errors);
        const { key, plaintext } = issueKey(store, account.id, name);
        return ok({ ...keyView(key), key: plaintext });
      },
    },
    {
      method: "DELETE",
      path: "/api-keys/{id}",
      roles: MANAGERS,
      handle: (ctx) => {
        const id = ctx.params.id ?? "";
        const key = found(store.apiKeys, "api_key", id);
        if (key.revokedAt !== null)
          throw conflict("api_key_already_revoked", `API key ${id} was revoked at ${key.revokedAt}.`);
        key.revokedAt = store.now();
        return noContent();
      },
    },
  ];
}

/** Creates a key and returns its plaintext, which nothing else ever sees again. */
export function issueKey(
  store: Store,
  serviceAccountId: string,
  name: string,
  createdAt?: string,
  id?: string,
): { key: ApiKey; plaintext: string } {
  const plaintext = `fln_sk_${randomBytes(24).toString("base64url")}`;
  const key: ApiKey = {
    id: id ?? store.id("key"),
    serviceAccountId,
    name,
    prefix: plaintext.slice(0, PREFIX_LENGTH),
    digest: digestOf(plaintext),
    createdAt: createdAt ?? store.now(),
    revokedAt: null,
  };
  store.apiKeys.set(key.id, key);
  return { key, plaintext };
}

/**
 * The role a bearer token made by POST /service-accounts/{id}/api-keys acts with: its service account's,
 * while the key is not revoked and the account not deleted; undefined for any other token.
 */
export function keyRole(store: Store, token: string): Role | undefined {
  const digest = digestOf(token);
  for (const key of store.apiKeys.values()) {
    if (key.digest === digest && key.revokedAt === null) return store.serviceAccounts.get(key.serviceAccountId)?.role;
  }
  return undefined;
}

function digestOf(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function accountView(store: Store, account: ServiceAccount) {
  let activeKeys = 0;
  for (const key of store.apiKeys.values()) {
    if (key.serviceAccountId === account.id && key.revokedAt === null) activeKeys += 1;
  }
  return {
    id: account.id,
    name: account.name,
    role: account.role,
    activeKeyCount: activeKeys,
    createdAt: account.createdAt,
  };
}

function keyView(key: ApiKey) {
  return {
    id: key.id,
    serviceAccountId: key.serviceAccountId,
    name: key.name,
    prefix: key.prefix,
    status: key.revokedAt === null ? "active" : "revoked",
    createdAt: key.createdAt,
    revokedAt: key.revokedAt,
  };
}

function readName(value: unknown, errors: FieldViolation[], required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string" || value.trim() === "" || value.trim().length > MAX_NAME) {
    errors.push({ field: "name", message: `${required ? "is required: " : "must be "}1 to ${MAX_NAME} characters` });
    return undefined;
  }
  return value.trim();
}
