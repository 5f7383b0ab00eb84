// Request cases for the custom_fields toolset (see types.ts), collected in index.ts.

import type { RequestCase } from "./types.js";

export const customFieldCases: RequestCase[] = [
  { tool: "list_contact_fields", args: {}, method: "GET", path: "/contacts/custom-fields" },
  {
    tool: "create_contact_field",
    args: { name: "Lifecycle stage", type: "text" },
    method: "POST",
    path: "/contacts/custom-fields",
    body: { name: "Lifecycle stage", type: "text" },
    reply: { status: 201, body: { id: "cf_lifecycle_stage" } },
  },
  {
    tool: "update_contact_field",
    args: { id: "cf_renewal", name: "Renewal date", type: "date" },
    method: "PATCH",
    path: "/contacts/custom-fields/cf_renewal",
    body: { name: "Renewal date", type: "date" },
  },
  {
    tool: "delete_contact_field",
    args: { id: "cf_renewal" },
    method: "DELETE",
    path: "/contacts/custom-fields/cf_renewal",
    reply: { status: 204 },
  },
  { tool: "list_property_fields", args: {}, method: "GET", path: "/properties/custom-fields" },
  {
    tool: "create_property_field",
    args: { name: "Region", type: "text" },
    method: "POST",
    path: "/properties/custom-fields",
    body: { name: "Region", type: "text" },
    reply: { status: 201, body: { id: "cf_region" } },
  },
  {
    tool: "update_property_field",
    args: { id: "cf_region", name: "Sales region", type: "text" },
    method: "PATCH",
    path: "/properties/custom-fields/cf_region",
    body: { name: "Sales region", type: "text" },
  },
  {
    tool: "delete_property_field",
    args: { id: "cf_region" },
    method: "DELETE",
    path: "/properties/custom-fields/cf_region",
    reply: { status: 204 },
  },
];
