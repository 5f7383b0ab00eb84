// Custom field definitions: the structured attributes contacts and property
// records can hold. Values are set per contact with set_contact_field_value.

import * as z from "zod";
import { ref } from "../params.js";
import { CREATE, DESTRUCTIVE, defineTool, OVERWRITE, READ } from "../types.js";

// The reference lists both attributes as required on create and on update.
const definition = {
  name: z.string().min(1).describe("Field label"),
  type: z.enum(["text", "date"]).describe("Value type"),
};
const contactFieldId = ref("contactFields");
const propertyFieldId = ref("propertyFields");

export const customFieldTools = [
  defineTool({
    name: "list_contact_fields",
    toolset: "custom_fields",
    title: "List contact fields",
    description: "List contact field definitions.",
    scopes: ["custom_field:list"],
    method: "GET",
    path: "/contacts/custom-fields",
    input: {},
    hints: READ,
  }),
  defineTool({
    name: "create_contact_field",
    toolset: "custom_fields",
    title: "Create contact field",
    description: "Define a contact custom field.",
    scopes: ["custom_field:create"],
    method: "POST",
    path: "/contacts/custom-fields",
    input: definition,
    changes: ["contactFields"],
    hints: CREATE,
  }),
  defineTool({
    name: "update_contact_field",
    toolset: "custom_fields",
    title: "Update contact field",
    description: "Rename a contact field or change its type.",
    scopes: ["custom_field:update"],
    method: "PATCH",
    path: "/contacts/custom-fields/{id}",
    input: { id: contactFieldId, ...definition },
    changes: ["contactFields"],
    hints: OVERWRITE,
    confirm: "reversible",
  }),
  defineTool({
    name: "delete_contact_field",
    toolset: "custom_fields",
    title: "Delete contact field",
    description: "Delete a contact field definition.",
    scopes: ["custom_field:delete"],
    method: "DELETE",
    path: "/contacts/custom-fields/{id}",
    input: { id: contactFieldId },
    changes: ["contactFields"],
    hints: DESTRUCTIVE,
    confirm: "hard-to-undo",
  }),
  defineTool({
    name: "list_property_fields",
    toolset: "custom_fields",
    title: "List property fields",
    description: "List property field definitions.",
    scopes: ["custom_field:list"],
    method: "GET",
    path: "/properties/custom-fields",
    input: {},
    hints: READ,
  }),
  defineTool({
    name: "create_property_field",
    toolset: "custom_fields",
    title: "Create property field",
    description: "Define a property custom field.",
    scopes: ["custom_field:create"],
    method: "POST",
    path: "/properties/custom-fields",
    input: definition,
    changes: ["propertyFields"],
    hints: CREATE,
  }),
  defineTool({
    name: "update_property_field",
    toolset: "custom_fields",
    title: "Update property field",
    description: "Rename a property field or change its type.",
    scopes: ["custom_field:update"],
    method: "PATCH",
    path: "/properties/custom-fields/{id}",
    input: { id: propertyFieldId, ...definition },
    changes: ["propertyFields"],
    hints: OVERWRITE,
    confirm: "reversible",
  }),
  defineTool({
    name: "delete_property_field",
    toolset: "custom_fields",
    title: "Delete property field",
    description: "Delete a property field definition.",
    scopes: ["custom_field:delete"],
    method: "DELETE",
    path: "/properties/custom-fields/{id}",
    input: { id: propertyFieldId },
    changes: ["propertyFields"],
    hints: DESTRUCTIVE,
    confirm: "hard-to-undo",
  }),
];
