// Request cases for the messaging toolset (see types.ts), collected in index.ts.

import type { RequestCase } from "./types.js";

const accepted = { status: 202, body: { id: "msg_1", status: "accepted" } };

export const messagingCases: RequestCase[] = [
  {
    tool: "send_message",
    args: { inboxId: "inb_1", contactId: "con_1", content: { type: "text", text: "Hello Anna" } },
    method: "POST",
    path: "/messages",
    body: { inboxId: "inb_1", contactId: "con_1", content: { type: "text", text: "Hello Anna" } },
    reply: accepted,
  },
  {
    tool: "send_message",
    args: {
      inboxId: "inb_1",
      to: { channel: "whatsapp", address: "+48123456789" },
      content: { type: "template", template: { name: "order_ready", language: "pl", components: [{ type: "body" }] } },
    },
    method: "POST",
    path: "/messages",
    body: {
      inboxId: "inb_1",
      to: { channel: "whatsapp", address: "+48123456789" },
      content: { type: "template", template: { name: "order_ready", language: "pl", components: [{ type: "body" }] } },
    },
    reply: accepted,
  },
  { tool: "get_message", args: { id: "msg_1" }, method: "GET", path: "/messages/msg_1" },
  {
    tool: "list_conversations",
    args: { pageSize: 20, pageToken: "tok", interacted: false, status: ["open", "pending"], sort: "unread" },
    method: "GET",
    path: "/conversations",
    query: { pageSize: "20", pageToken: "tok", interacted: "false", status: ["open", "pending"], sort: "unread" },
  },
  { tool: "get_conversation", args: { id: "conv_1" }, method: "GET", path: "/conversations/conv_1" },
  {
    tool: "list_conversation_messages",
    args: { id: "conv_1", pageSize: 10 },
    method: "GET",
    path: "/conversations/conv_1/messages",
    query: { pageSize: "10" },
  },
  {
    tool: "send_conversation_message",
    // Unknown attributes of open objects pass through to the API untouched.
    args: {
      id: "conv_1",
      inboxId: "inb_2",
      content: { type: "media", media: { mediaId: "med_1", caption: "Invoice" }, extra: 1 },
    },
    method: "POST",
    path: "/conversations/conv_1/messages",
    body: { inboxId: "inb_2", content: { type: "media", media: { mediaId: "med_1", caption: "Invoice" }, extra: 1 } },
    reply: accepted,
  },
  {
    tool: "react_to_message",
    args: { id: "msg_1", emoji: "👍" },
    method: "POST",
    path: "/messages/msg_1/reactions",
    body: { emoji: "👍" },
  },
  {
    tool: "reassign_conversation",
    args: { id: "conv_1", userId: "usr_2" },
    method: "POST",
    path: "/conversations/conv_1/reassign",
    body: { userId: "usr_2" },
    reply: { status: 204 },
  },
  {
    tool: "mark_conversation_read",
    args: { id: "conv_1", messageId: "msg_9" },
    method: "POST",
    path: "/conversations/conv_1/read",
    body: { messageId: "msg_9" },
  },
  { tool: "close_conversation", args: { id: "conv_1" }, method: "POST", path: "/conversations/conv_1/close" },
  {
    tool: "upload_media",
    args: { base64: Buffer.from("hello").toString("base64"), filename: "hi.txt" },
    method: "POST",
    path: "/media/uploads",
    multipart: ['name="file"; filename="hi.txt"', "Content-Type: text/plain", "hello"],
    reply: { status: 201, body: { mediaId: "med_1" } },
  },
];
