// Request cases for the tags toolset (see types.ts), collected in index.ts.

import type { RequestCase } from "./types.js";

export const tagCases: RequestCase[] = [
  { tool: "list_tags", args: {}, method: "GET", path: "/tags" },
  {
    tool: "create_tag",
    args: { name: "VIP" },
    method: "POST",
    path: "/tags",
    body: { name: "VIP" },
    reply: { status: 201, body: { id: "tag_1", name: "VIP" } },
  },
  { tool: "delete_tag", args: { id: "tag_1" }, method: "DELETE", path: "/tags/tag_1", reply: { status: 204 } },
];
