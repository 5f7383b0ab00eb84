// Request cases for the events toolset (see types.ts), collected in index.ts.

import type { RequestCase } from "./types.js";

const orderPaidSchema = {
  type: "object",
  properties: { orderId: { type: "string" }, total: { type: "number" } },
  required: ["orderId"],
};
const payload = { orderId: "4827", total: 129.99, currency: "PLN" };

export const eventCases: RequestCase[] = [
  {
    tool: "list_event_types",
    args: { pageSize: 20, pageToken: "tok" },
    method: "GET",
    path: "/event-types",
    query: { pageSize: "20", pageToken: "tok" },
  },
  {
    tool: "create_event_type",
    args: { name: "order.paid", description: "Customer paid for an order.", payloadSchema: orderPaidSchema },
    method: "POST",
    path: "/event-types",
    body: { name: "order.paid", description: "Customer paid for an order.", payloadSchema: orderPaidSchema },
    reply: { status: 201, body: { id: "evt-type_1" } },
  },
  { tool: "get_event_type", args: { id: "evt-type_1" }, method: "GET", path: "/event-types/evt-type_1" },
  {
    tool: "update_event_type",
    args: { id: "evt-type_1", description: "Order fully paid." },
    method: "PATCH",
    path: "/event-types/evt-type_1",
    body: { description: "Order fully paid." },
  },
  {
    tool: "delete_event_type",
    args: { id: "evt-type_1" },
    method: "DELETE",
    path: "/event-types/evt-type_1",
    reply: { status: 204 },
  },
  {
    tool: "list_events",
    args: { pageSize: 10, eventTypeId: "evt-type_1" },
    method: "GET",
    path: "/events",
    query: { pageSize: "10", eventTypeId: "evt-type_1" },
  },
  {
    tool: "create_event",
    args: { contactId: "con_1", eventTypeName: "order.paid", payload, idempotencyKey: "order-4827-paid" },
    method: "POST",
    path: "/events",
    body: { contactId: "con_1", eventTypeName: "order.paid", payload, idempotencyKey: "order-4827-paid" },
    reply: { status: 201, body: { id: "evt_1" } },
  },
  { tool: "get_event", args: { id: "evt_1" }, method: "GET", path: "/events/evt_1" },
  {
    tool: "list_contact_events",
    args: { contactId: "con_1", pageToken: "tok", eventTypeId: "evt-type_1" },
    method: "GET",
    path: "/contacts/con_1/events",
    query: { pageSize: "50", pageToken: "tok", eventTypeId: "evt-type_1" },
  },
  {
    tool: "create_contact_event",
    args: { contactId: "con_1", name: "order.paid", payload, idempotencyKey: "order-4827-paid" },
    method: "POST",
    path: "/contacts/con_1/events",
    body: { name: "order.paid", payload, idempotencyKey: "order-4827-paid" },
    reply: { status: 201, body: { id: "evt_1" } },
  },
];
