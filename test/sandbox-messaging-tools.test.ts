// The messaging tools through a real MCP client against the sandbox: read the
// open conversations, answer one, follow the message; and the closed 24-hour
// window, where only a WhatsApp template goes through.

import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { type Connected, connect, testConfig, textOf } from "./helpers/mcp.js";

interface ConversationJson {
  id: string;
  status: string;
  inboxId: string;
  window: { canSend: boolean; reason?: string };
}
interface TemplateJson {
  name: string;
  language: string;
  status: string;
  components: { type: string; text?: string }[];
}
interface MessageJson {
  id: string;
  conversationId: string;
  direction: string;
  status: string;
  content: Record<string, unknown>;
}

let sandbox: Sandbox;
let mcp: Connected;
beforeEach(async () => {
  sandbox = await startSandbox();
  mcp = await connect(testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }));
});
afterEach(async () => {
  await mcp.close();
  await sandbox.close();
});

async function ok<T>(name: string, args: Record<string, unknown>): Promise<T> {
  const result: CallToolResult = await mcp.call(name, args);
  expect(result.isError, `${name}: ${textOf(result)}`).toBeFalsy();
  return result.structuredContent as T;
}

it("reads the open conversations and answers one", async () => {
  const { conversations } = await ok<{ conversations: ConversationJson[] }>("list_conversations", {
    // The API's own form: the window and inbox ids this test reads.
    detail: true,
    status: ["open"],
    sort: "newest",
  });
  expect(conversations.length).toBeGreaterThan(0);
  expect(conversations.every((c) => c.status === "open")).toBe(true);

  let target: ConversationJson | undefined;
  for (const { id } of conversations) {
    const conversation = await ok<ConversationJson>("get_conversation", { id });
    if (conversation.window.canSend) {
      target = conversation;
      break;
    }
  }
  if (!target) throw new Error("the seeded workspace has no open conversation with an open window");

  const sent = await ok<MessageJson>("send_conversation_message", {
    id: target.id,
    content: { type: "text", text: "Thanks, your order ships today." },
  });
  expect(sent).toMatchObject({ conversationId: target.id, direction: "outbound" });

  const polled = await ok<MessageJson>("get_message", { id: sent.id });
  expect(polled).toMatchObject({
    id: sent.id,
    conversationId: target.id,
    content: { type: "text", text: "Thanks, your order ships today." },
  });
  expect(["accepted", "sent", "delivered"]).toContain(polled.status);
});

it("refuses free text once the window has closed, and sends a template instead", async () => {
  const { conversations } = await ok<{ conversations: ConversationJson[] }>("list_conversations", {
    detail: true,
    status: ["open"],
  });
  const closed = conversations.find((c) => !c.window.canSend);
  if (!closed) throw new Error("the seeded workspace has no open conversation with a closed window");

  const refused = await mcp.call("send_conversation_message", {
    id: closed.id,
    content: { type: "text", text: "Are you still there?" },
  });
  expect(refused.isError).toBe(true);
  expect(textOf(refused)).toMatch(/template/i);

  const { templates } = await ok<{ templates: TemplateJson[] }>("list_whatsapp_templates", { id: closed.inboxId });
  const template = templates.find((t) => t.status.toLowerCase() === "approved");
  if (!template) throw new Error("the seeded inbox has no approved template");
  // One text parameter per {{n}} placeholder of the template's body.
  const body = template.components.find((c) => c.type.toLowerCase() === "body")?.text ?? "";
  const parameters = (body.match(/\{\{\d+\}\}/g) ?? []).map((_, i) => ({ type: "text", text: `value ${i + 1}` }));

  const sent = await ok<MessageJson>("send_conversation_message", {
    id: closed.id,
    content: {
      type: "template",
      template: { name: template.name, language: template.language, components: [{ type: "body", parameters }] },
    },
  });
  expect(sent).toMatchObject({ conversationId: closed.id, content: { type: "template" } });
});

it("names the missing field of the content type before anything is sent", async () => {
  const result = await mcp.call("send_message", { inboxId: "inb_1", contactId: "con_1", content: { type: "media" } });
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(/content\.media/);
});
