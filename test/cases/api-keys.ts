// Request cases for the api_keys toolset (see types.ts), collected in index.ts.

import type { RequestCase } from "./types.js";

export const apiKeyCases: RequestCase[] = [
  { tool: "list_service_accounts", args: {}, method: "GET", path: "/service-accounts" },
  {
    tool: "create_service_account",
    args: { name: "Shop sync" },
    method: "POST",
    path: "/service-accounts",
    body: { name: "Shop sync" },
  },
  {
    tool: "delete_service_account",
    args: { id: "sa_1" },
    method: "DELETE",
    path: "/service-accounts/sa_1",
    reply: { status: 204 },
  },
  { tool: "list_api_keys", args: { id: "sa_1" }, method: "GET", path: "/service-accounts/sa_1/api-keys" },
  {
    tool: "create_api_key",
    args: { id: "sa_1", name: "production" },
    method: "POST",
    path: "/service-accounts/sa_1/api-keys",
    body: { name: "production" },
  },
  { tool: "revoke_api_key", args: { id: "key_1" }, method: "DELETE", path: "/api-keys/key_1", reply: { status: 204 } },
];
