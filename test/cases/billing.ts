// Request cases for the billing toolset (see types.ts), collected in index.ts.

import type { RequestCase } from "./types.js";

export const billingCases: RequestCase[] = [
  { tool: "get_billing_status", args: {}, method: "GET", path: "/billing/status" },
];
