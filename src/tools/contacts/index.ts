// Contacts: customer profiles, their archive state, field values and tags.

import { z } from "zod";
import { contactId, id, paging, phone, rfc3339, tagId } from "../params.js";
import { CREATE, DESTRUCTIVE, defineTool, READ, UPDATE } from "../types.js";

const CHANNELS = ["whatsapp", "messenger", "instagram", "sms", "email", "webchat"] as const;

export const contactFilters = {
  search: z.string().optional().describe("Case-insensitive text in name, email, phone or tag name"),
  customFields: z
    .record(z.string(), z.string())
    .optional()
    .describe('Field key, id or name → value, all must match, e.g. {"preferredStore":"Krakow"}'),
  tagIds: z.array(z.string()).optional().describe("Tag ids or names; any may match"),
  channels: z.array(z.enum(CHANNELS)).optional().describe("Identity channels; any may match"),
  archived: z.boolean().optional().describe("Omit: active only; true: archived only; false: active only"),
  createdAfter: rfc3339("Created at or after").optional(),
  createdBefore: rfc3339("Created before").optional(),
  orderBy: z.enum(["createdAt", "updatedAt", "name"]).optional().describe("Sort field"),
  orderDirection: z.enum(["asc", "desc"]).optional().describe("Sort direction"),
};
export const contactFilterNames = Object.keys(contactFilters) as (keyof typeof contactFilters)[];

const customFieldValues = z
  .record(z.string(), z.string())
  .optional()
  .describe("Field key, id or name → value (list_contact_fields)");

export const contactTools = [
  defineTool({
    name: "list_contacts",
    toolset: "contacts",
    title: "List contacts",
    description:
      "Find contacts (identities, tagIds, customFields) by text, field values, tags, channel, archive state or creation date; paged.",
    scopes: ["contact:list"],
    method: "GET",
    path: "/contacts",
    input: { ...paging, ...contactFilters },
    query: ["pageSize", "pageToken", ...contactFilterNames],
    hints: READ,
  }),
  defineTool({
    name: "create_contact",
    toolset: "contacts",
    title: "Create contact",
    description: "Create a contact; a phone adds a WhatsApp identity.",
    scopes: ["contact:create"],
    method: "POST",
    path: "/contacts",
    input: {
      name: z.string().optional().describe("Full name"),
      phone: phone.optional(),
      customFields: customFieldValues,
    },
    hints: CREATE,
  }),
  defineTool({
    name: "count_contacts",
    toolset: "contacts",
    title: "Count contacts",
    description: "Count all active (or archived) contacts; ignores filters. Count a filtered segment with segment_contacts.",
    scopes: ["contact:list"],
    method: "GET",
    path: "/contacts/count",
    input: { archived: z.boolean().optional().describe("true counts the archived bucket") },
    query: ["archived"],
    hints: READ,
  }),
  defineTool({
    name: "get_contact",
    toolset: "contacts",
    title: "Get contact",
    description: "Get one contact with identities, tags, field values and archive state.",
    scopes: ["contact:read"],
    method: "GET",
    path: "/contacts/{id}",
    input: { id: contactId },
    hints: READ,
  }),
  defineTool({
    name: "update_contact",
    toolset: "contacts",
    title: "Update contact",
    description: "Rename a contact. Set field values with set_contact_field_value.",
    scopes: ["contact:update"],
    method: "PATCH",
    path: "/contacts/{id}",
    input: { id: contactId, name: z.string().optional().describe("New name; omit to keep") },
    hints: UPDATE,
  }),
  defineTool({
    name: "delete_contact",
    toolset: "contacts",
    title: "Delete contact",
    description: "Delete a contact for good. To only hide it, use archive_contact.",
    scopes: ["contact:delete"],
    method: "DELETE",
    path: "/contacts/{id}",
    input: { id: contactId },
    hints: DESTRUCTIVE,
  }),
  defineTool({
    name: "get_import_status",
    toolset: "contacts",
    title: "Get import status",
    description: "Progress, counts and row errors of a CSV import started by import_contacts.",
    scopes: ["contact:list"],
    method: "GET",
    path: "/contacts/imports/{id}",
    input: { id: id("Import", "import_contacts") },
    hints: READ,
  }),
  defineTool({
    name: "archive_contact",
    toolset: "contacts",
    title: "Archive contact",
    description: "Hide a contact from active lists, keeping its history.",
    scopes: ["contact:update"],
    method: "POST",
    path: "/contacts/{id}/archive",
    input: { id: contactId },
    hints: UPDATE,
  }),
  defineTool({
    name: "unarchive_contact",
    toolset: "contacts",
    title: "Unarchive contact",
    description: "Restore an archived contact to active lists.",
    scopes: ["contact:update"],
    method: "POST",
    path: "/contacts/{id}/unarchive",
    input: { id: contactId },
    hints: UPDATE,
  }),
  defineTool({
    name: "set_contact_field_value",
    toolset: "contacts",
    title: "Set contact field value",
    description: "Set or clear (empty string) one custom field value on a contact.",
    scopes: ["contact:update"],
    method: "PUT",
    path: "/contacts/{contactId}/custom-fields/{customFieldId}",
    input: {
      contactId,
      customFieldId: z.string().min(1).describe("Contact field id or name"),
      value: z.string().describe('New value; "" clears it; date fields take YYYY-MM-DD'),
    },
    hints: UPDATE,
  }),
  defineTool({
    name: "add_tag_to_contact",
    toolset: "contacts",
    title: "Tag contact",
    description: "Add a tag to one contact. For a whole segment use tag_contacts.",
    scopes: ["contact:update"],
    method: "POST",
    path: "/contacts/{contactId}/tags/{tagId}",
    input: { contactId, tagId },
    hints: UPDATE,
  }),
  defineTool({
    name: "remove_tag_from_contact",
    toolset: "contacts",
    title: "Untag contact",
    description: "Remove a tag from one contact.",
    scopes: ["contact:update"],
    method: "DELETE",
    path: "/contacts/{contactId}/tags/{tagId}",
    input: { contactId, tagId },
    hints: DESTRUCTIVE,
  }),
];
