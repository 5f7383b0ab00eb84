// The one mapping from the server's configuration to an API client, used by
// the CLI, the HTTP transport and the tests alike.

import type { Config } from "../config.js";
import { USER_AGENT } from "../version.js";
import { type ClientOptions, FlownallyClient } from "./http.js";

/** The settings a client takes from the configuration. */
export type ClientConfig = Pick<
  Config,
  "apiKey" | "baseUrl" | "timeoutMs" | "maxRetries" | "retryDeadlineMs" | "maxConcurrency"
>;

/**
 * A client acting with the configured key, or with `overrides.apiKey` (a
 * caller's own key over HTTP); `overrides.pool` shares connections and the
 * concurrency cap with other clients of the process.
 */
export function clientFromConfig(config: ClientConfig, overrides: Partial<ClientOptions> = {}): FlownallyClient {
  return new FlownallyClient({
    baseUrl: config.baseUrl,
    apiKey: config.apiKey ?? "",
    userAgent: USER_AGENT,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    retryDeadlineMs: config.retryDeadlineMs,
    maxConcurrency: config.maxConcurrency,
    ...overrides,
  });
}
