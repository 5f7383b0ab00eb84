// Billing status: a fixed, healthy subscription, so tools that check access before
// acting see the same answer on every run. Seats follow the workspace's users.

import { MANAGERS, ok, type Route } from "../framework.js";
import type { Store } from "../store.js";

export function routes(store: Store): Route[] {
  return [
    {
      method: "GET",
      path: "/billing/status",
      roles: MANAGERS,
      handle: () =>
        ok({
          status: "active",
          plan: "growth",
          hasAccess: true,
          hasPaymentIssue: false,
          cancelAtPeriodEnd: false,
          trialEndsAt: null,
          currentPeriodStart: "2026-11-01T00:00:00.000Z",
          currentPeriodEnd: "2026-12-01T00:00:00.000Z",
          seats: { used: store.users.size, included: 10 },
        }),
    },
  ];
}
