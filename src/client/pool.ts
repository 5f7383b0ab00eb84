// One keep-alive connection pool to the API shared by many clients (the HTTP
// transport's callers): sockets carry no identity, each client adds its own key
// to each request. Here so that only client/ speaks to undici.

import { Agent, type Dispatcher } from "undici";

export function createConnectionPool(connections = 128): Dispatcher {
  return new Agent({ keepAliveTimeout: 10_000, connections });
}
