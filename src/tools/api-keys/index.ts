// Service accounts and their API keys: the credentials server-to-server
// integrations (this server included) authenticate with.

import * as z from "zod";
import { ref } from "../params.js";
import { CREATE, DESTRUCTIVE, defineTool, READ } from "../types.js";

const serviceAccountId = ref("serviceAccounts");

export const apiKeyTools = [
  defineTool({
    name: "list_service_accounts",
    toolset: "api_keys",
    title: "List service accounts",
    description: "List service accounts (owners of API keys).",
    scopes: ["api_key:list"],
    method: "GET",
    path: "/service-accounts",
    input: {},
    hints: READ,
  }),
  defineTool({
    name: "create_service_account",
    toolset: "api_keys",
    title: "Create service account",
    description: "Create a service account to own API keys.",
    scopes: ["api_key:create"],
    method: "POST",
    path: "/service-accounts",
    // CreateServiceAccountRequest is not listed; the reference says the identity is named.
    input: { name: z.string().min(1).optional().describe("Name") },
    hints: CREATE,
  }),
  defineTool({
    name: "delete_service_account",
    toolset: "api_keys",
    title: "Delete service account",
    description: "Delete a service account and disable its keys.",
    scopes: ["api_key:revoke"],
    method: "DELETE",
    path: "/service-accounts/{id}",
    input: { id: serviceAccountId },
    hints: DESTRUCTIVE,
    confirm: "hard-to-undo",
  }),
  defineTool({
    name: "list_api_keys",
    toolset: "api_keys",
    title: "List API keys",
    description: "List a service account's API keys (no secrets).",
    scopes: ["api_key:list"],
    method: "GET",
    path: "/service-accounts/{id}/api-keys",
    input: { id: serviceAccountId },
    hints: READ,
  }),
  defineTool({
    name: "create_api_key",
    toolset: "api_keys",
    title: "Create API key",
    description: "Create an API key; its plaintext is shown only once.",
    scopes: ["api_key:create"],
    method: "POST",
    path: "/service-accounts/{id}/api-keys",
    // CreateAPIKeyRequest is not listed in the reference; a label is all we assume.
    input: { id: serviceAccountId, name: z.string().min(1).optional().describe("Key name") },
    hints: CREATE,
  }),
  defineTool({
    name: "revoke_api_key",
    toolset: "api_keys",
    title: "Revoke API key",
    description: "Revoke an API key.",
    scopes: ["api_key:revoke"],
    method: "DELETE",
    path: "/api-keys/{id}",
    input: { id: ref("apiKeys") },
    hints: DESTRUCTIVE,
    confirm: "hard-to-undo",
    already: "revoked",
  }),
];
