// Billing: the workspace's subscription state.

import { defineTool, READ } from "../types.js";

export const billingTools = [
  defineTool({
    name: "get_billing_status",
    toolset: "billing",
    title: "Get billing status",
    description: "Subscription state with access and payment-issue flags.",
    scopes: ["billing:read"],
    method: "GET",
    path: "/billing/status",
    input: {},
    hints: READ,
  }),
];
