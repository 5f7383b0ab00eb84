// Tags: workspace labels attached to contacts (attach them with add_tag_to_contact).

import * as z from "zod";
import { tagId } from "../params.js";
import { tagList } from "../present.js";
import { CREATE, DESTRUCTIVE, defineTool, READ } from "../types.js";

export const tagTools = [
  defineTool({
    name: "list_tags",
    toolset: "tags",
    title: "List tags",
    description: "List contact tags.",
    scopes: ["tag:list"],
    method: "GET",
    path: "/tags",
    input: {},
    output: tagList,
    hints: READ,
  }),
  defineTool({
    name: "create_tag",
    toolset: "tags",
    title: "Create tag",
    description: "Create a contact tag.",
    scopes: ["tag:create"],
    method: "POST",
    path: "/tags",
    input: { name: z.string().min(1).describe("Tag name, e.g. VIP") },
    changes: ["tags"],
    hints: CREATE,
  }),
  defineTool({
    name: "delete_tag",
    toolset: "tags",
    title: "Delete tag",
    description: "Delete a contact tag.",
    scopes: ["tag:delete"],
    method: "DELETE",
    path: "/tags/{id}",
    input: { id: tagId },
    changes: ["tags"],
    hints: DESTRUCTIVE,
    confirm: "hard-to-undo",
  }),
];
