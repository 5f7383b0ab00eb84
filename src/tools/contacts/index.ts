// Contacts: customer profiles, their archive state, field values and tags.

import * as z from "zod";
import { point } from "../../pointers.js";
import { dateFieldValue, dateFieldValues } from "../../workspace/index.js";
import { contactId, nonBlank, paging, phone, ref, refKeys, refList, rfc3339, tagId } from "../params.js";
import { contactPage, importStatus, oneContact, written } from "../present.js";
import { CREATE, DESTRUCTIVE, defineTool, OVERWRITE, READ, SET } from "../types.js";

const CHANNELS = ["whatsapp", "messenger", "instagram", "sms", "email", "webchat"] as const;

export const contactFilters = {
  search: z.string().optional().describe("Text in name, email, phone or tag name"),
  customFields: refKeys("contactFields", "field=value (key, id or name); all must match").optional(),
  tagIds: refList("tags", "Tag ids or names; any matches").optional(),
  channels: z.array(z.enum(CHANNELS)).optional().describe("Identity channels; any matches"),
  archived: z.boolean().optional().describe("true: archived only, else active only"),
  createdAfter: rfc3339("Created at or after; a date alone is 00:00 UTC").optional(),
  createdBefore: rfc3339("Created before; same form").optional(),
  orderBy: z.enum(["createdAt", "updatedAt", "name"]).optional().describe("Sort field"),
  orderDirection: z.enum(["asc", "desc"]).optional().describe("Sort direction"),
};
export const contactFilterNames = Object.keys(contactFilters) as (keyof typeof contactFilters)[];

const customFieldValues = refKeys(
  "contactFields",
  "field=value (field key, id or name; see flownally://contacts/custom-fields)",
).optional();

export const contactTools = [
  defineTool({
    name: "list_contacts",
    toolset: "contacts",
    title: "List contacts",
    description: "Find contacts by text, field values, tags, channel, archive state or creation date.",
    scopes: ["contact:list"],
    method: "GET",
    path: "/contacts",
    input: { ...paging, ...contactFilters },
    query: ["pageSize", "pageToken", ...contactFilterNames],
    output: contactPage,
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
      name: nonBlank("Full name").optional(),
      phone: phone.optional(),
      customFields: customFieldValues,
    },
    // The reference makes every attribute optional; a contact with neither a name nor a phone is nobody.
    oneOf: { args: ["name", "phone"], why: "a contact needs one to be found or messaged" },
    checks: [dateFieldValues("customFields")],
    output: written(oneContact),
    hints: CREATE,
  }),
  defineTool({
    name: "count_contacts",
    toolset: "contacts",
    title: "Count contacts",
    description: [
      "Count all active (or archived) contacts.",
      point("segment_contacts", " For a filtered count use segment_contacts."),
    ],
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
    output: oneContact,
    hints: READ,
  }),
  defineTool({
    name: "update_contact",
    toolset: "contacts",
    title: "Update contact",
    description: [
      "Rename a contact.",
      point("set_contact_field_value", " Set field values with set_contact_field_value."),
    ],
    scopes: ["contact:update"],
    method: "PATCH",
    path: "/contacts/{id}",
    // Renaming is all this operation does: the name is required, and a blank one refused.
    input: { id: contactId, name: nonBlank("New name") },
    changes: ["contacts"],
    hints: OVERWRITE,
    confirm: "reversible",
    output: written(oneContact),
  }),
  defineTool({
    name: "delete_contact",
    toolset: "contacts",
    title: "Delete contact",
    description: ["Delete a contact for good.", point("archive_contact", " To only hide it, use archive_contact.")],
    scopes: ["contact:delete"],
    method: "DELETE",
    path: "/contacts/{id}",
    input: { id: contactId },
    // Its tags' labeledCount drops.
    changes: ["contacts", "tags"],
    hints: DESTRUCTIVE,
    confirm: "hard-to-undo",
  }),
  defineTool({
    name: "get_import_status",
    toolset: "contacts",
    title: "Get import status",
    description: [
      "Progress, counts and row errors of a CSV import",
      point("import_contacts", " started by import_contacts"),
      ".",
    ],
    scopes: ["contact:list"],
    method: "GET",
    path: "/contacts/imports/{id}",
    input: { id: ref("imports") },
    output: importStatus,
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
    changes: ["contacts"],
    hints: DESTRUCTIVE,
    confirm: "reversible",
    already: "archived",
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
    changes: ["contacts"],
    hints: SET,
    already: "unarchived",
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
      customFieldId: ref("contactFields"),
      value: z.string().describe('New value; "" clears it; date fields take YYYY-MM-DD'),
    },
    checks: [dateFieldValue("customFieldId", "value")],
    changes: ["contacts"],
    hints: DESTRUCTIVE,
    confirm: "reversible",
  }),
  defineTool({
    name: "add_tag_to_contact",
    toolset: "contacts",
    title: "Tag contact",
    description: ["Add a tag to one contact.", point("tag_contacts", " For a whole segment use tag_contacts.")],
    scopes: ["contact:update"],
    method: "POST",
    path: "/contacts/{contactId}/tags/{tagId}",
    input: { contactId, tagId },
    // The tag's labeledCount changes with the contact.
    changes: ["contacts", "tags"],
    hints: SET,
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
    changes: ["contacts", "tags"],
    hints: DESTRUCTIVE,
    confirm: "reversible",
  }),
];
