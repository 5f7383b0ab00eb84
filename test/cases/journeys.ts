// Request cases for the journeys toolset (see types.ts), collected in index.ts.

import type { RequestCase } from "./types.js";

const definition = { trigger: { eventTypeName: "order.paid" }, steps: [] };

export const journeyCases: RequestCase[] = [
  {
    tool: "list_journeys",
    args: { pageSize: 25, pageToken: "tok" },
    method: "GET",
    path: "/journeys",
    query: { pageSize: "25", pageToken: "tok" },
  },
  {
    tool: "create_journey",
    args: { name: "Thank you after payment", definition },
    method: "POST",
    path: "/journeys",
    body: { name: "Thank you after payment", definition },
    reply: { status: 201, body: { id: "jrn_1" } },
  },
  { tool: "get_journey", args: { id: "jrn_1" }, method: "GET", path: "/journeys/jrn_1" },
  // No attribute to change is still a PATCH with a JSON body.
  { tool: "update_journey", args: { id: "jrn_1" }, method: "PATCH", path: "/journeys/jrn_1", body: {} },
  {
    tool: "update_journey",
    args: { id: "jrn_1", name: "Post-payment thanks" },
    method: "PATCH",
    path: "/journeys/jrn_1",
    body: { name: "Post-payment thanks" },
  },
  { tool: "delete_journey", args: { id: "jrn_1" }, method: "DELETE", path: "/journeys/jrn_1", reply: { status: 204 } },
  { tool: "publish_journey", args: { id: "jrn_1" }, method: "POST", path: "/journeys/jrn_1/publish" },
  { tool: "activate_journey", args: { id: "jrn_1" }, method: "POST", path: "/journeys/jrn_1/activate" },
  { tool: "pause_journey", args: { id: "jrn_1" }, method: "POST", path: "/journeys/jrn_1/pause" },
  {
    tool: "list_journey_versions",
    args: { id: "jrn_1", pageSize: 5 },
    method: "GET",
    path: "/journeys/jrn_1/versions",
    query: { pageSize: "5" },
  },
  { tool: "get_journey_version", args: { versionId: "jrv_3" }, method: "GET", path: "/journeys/versions/jrv_3" },
];
