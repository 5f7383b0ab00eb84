// Messaging: conversations, their messages, and sending to customers.
// upload_media (multipart) lives beside this file with its own logic.

import * as z from "zod";
import { point } from "../../pointers.js";
import { contactId, conversationId, described, jsonText, paging, ref, userId } from "../params.js";
import { conversationPage, messagePage, oneConversation, oneMessage } from "../present.js";
import { DESTRUCTIVE, defineTool, OVERWRITE, READ, SEND, SET } from "../types.js";
import { recipientPreview } from "./recipient.js";

// The reference names the request schemas but lists only these attributes, so
// every object stays open for the ones it does not show.
const open = <S extends z.ZodRawShape>(shape: S) => z.object(shape).catchall(z.unknown());

const messageId = ref("messages");

const components = z.array(z.unknown());
// Components are open objects: shown as JSON text, which strict clients keep; parsed before the union checks them.
const template = open({ name: z.string(), language: z.string(), components: components.optional() });
const templateShown = template.extend({ components: jsonText(components, "JSON").optional() });
const media = open({ mediaId: z.string(), caption: z.string().optional() });

/**
 * Message content, shared by send_message and send_conversation_message. The
 * model reads the one-object form (about 60 tokens cheaper per tool than a
 * oneOf); the discriminated union behind it then checks each type's fields.
 */
export const messageContent = described(
  open({
    type: z.enum(["text", "template", "media"]),
    text: z.string().optional(),
    template: templateShown.optional(),
    media: media.optional(),
  }).pipe(
    z.discriminatedUnion("type", [
      open({ type: z.literal("text"), text: z.string() }),
      open({ type: z.literal("template"), template }),
      open({ type: z.literal("media"), media }),
    ]),
  ),
  [
    point("list_whatsapp_templates", "Template from list_whatsapp_templates", "Template: ask the user which"),
    point("upload_media", "; mediaId from upload_media"),
  ],
);

const deliveryNote = [" A closed window needs a template.", point("get_message", " Poll get_message for delivery.")];

export const messagingTools = [
  defineTool({
    name: "send_message",
    toolset: "messaging",
    title: "Send a message",
    description: ["Message one recipient (conversationId, contactId or to) from an inbox.", deliveryNote],
    scopes: ["message:create"],
    method: "POST",
    path: "/messages",
    input: {
      inboxId: ref("inboxes", "Sender"),
      conversationId: conversationId.optional(),
      contactId: contactId.optional(),
      to: open({ channel: z.string(), address: z.string() })
        .optional()
        .describe("New recipient, e.g. whatsapp + E.164 phone"),
      content: messageContent,
    },
    hints: SEND,
    confirm: "new-recipient",
    preview: recipientPreview,
  }),
  defineTool({
    name: "get_message",
    toolset: "messaging",
    title: "Get message",
    description: "A message and its delivery status.",
    scopes: ["conversation:read"],
    method: "GET",
    path: "/messages/{id}",
    input: { id: messageId },
    output: oneMessage,
    hints: READ,
  }),
  defineTool({
    name: "list_conversations",
    toolset: "messaging",
    title: "List conversations",
    description: "List conversations visible to you.",
    scopes: ["conversation:list"],
    method: "GET",
    path: "/conversations",
    input: {
      ...paging,
      interacted: z.boolean().optional().describe("You took part"),
      status: z
        .array(z.enum(["open", "closed", "pending"]))
        .optional()
        .describe("Any of"),
      sort: z.enum(["newest", "oldest", "unread"]).optional().describe("Default newest"),
    },
    query: ["pageSize", "pageToken", "interacted", "status", "sort"],
    output: conversationPage,
    hints: READ,
  }),
  defineTool({
    name: "get_conversation",
    toolset: "messaging",
    title: "Get conversation",
    description: "Get a conversation with its window: whether you can reply now.",
    scopes: ["conversation:read"],
    method: "GET",
    path: "/conversations/{id}",
    input: { id: conversationId },
    output: oneConversation,
    hints: READ,
  }),
  defineTool({
    name: "list_conversation_messages",
    toolset: "messaging",
    title: "List conversation messages",
    description: "Message history of a conversation.",
    scopes: ["conversation:read"],
    method: "GET",
    path: "/conversations/{id}/messages",
    input: { id: conversationId, ...paging },
    query: ["pageSize", "pageToken"],
    output: messagePage,
    hints: READ,
  }),
  defineTool({
    name: "send_conversation_message",
    toolset: "messaging",
    title: "Reply in conversation",
    description: ["Reply in a conversation.", deliveryNote],
    scopes: ["message:create"],
    method: "POST",
    path: "/conversations/{id}/messages",
    input: {
      id: conversationId,
      inboxId: ref("inboxes", "Sender; default latest open session").optional(),
      content: messageContent,
    },
    hints: SEND,
    confirm: "reply",
  }),
  defineTool({
    name: "react_to_message",
    toolset: "messaging",
    title: "React to message",
    description: "Set or remove your reaction.",
    scopes: ["message:create"],
    method: "POST",
    path: "/messages/{id}/reactions",
    input: { id: messageId, emoji: z.string().describe('One emoji; "" removes') },
    hints: SEND,
    confirm: "reply",
  }),
  defineTool({
    name: "reassign_conversation",
    toolset: "messaging",
    title: "Reassign conversation",
    description: "Assign a conversation to another user.",
    scopes: ["conversation:assign"],
    method: "POST",
    path: "/conversations/{id}/reassign",
    input: { id: conversationId, userId },
    hints: OVERWRITE,
    confirm: "reversible",
  }),
  defineTool({
    name: "mark_conversation_read",
    toolset: "messaging",
    title: "Mark conversation read",
    description: "Mark read for you, up to a message.",
    scopes: ["conversation:read"],
    method: "POST",
    path: "/conversations/{id}/read",
    input: { id: conversationId, messageId: ref("messages", "Newest message read") },
    hints: SET,
  }),
  defineTool({
    name: "close_conversation",
    toolset: "messaging",
    title: "Close conversation",
    description: "Close a conversation's active session.",
    scopes: ["conversation:close"],
    method: "POST",
    path: "/conversations/{id}/close",
    input: { id: conversationId },
    hints: DESTRUCTIVE,
    confirm: "reversible",
    already: "closed",
  }),
];
