// What the model reads back (o200k tokens) on the sandbox, per channel: the
// default page of list_contacts, list_conversations and list_events, concise
// and with detail: true (the API's whole answer with names beside ids), and
// one contact, conversation and event by id. "Before" is what the server
// answered before results were presented: the API's answer as
// structuredContent, and as text without nulls and tenantId.

import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { startSandbox } from "../src/sandbox/index.js";
import { DEFAULT_PAGE_SIZE } from "../src/tools/request.js";
import { clean } from "../src/tools/result.js";
import { connect, testConfig } from "../test/helpers/mcp.js";

export interface ResultTokens {
  items: number;
  beforeText: number;
  beforeStructured: number;
  text: number;
  structured: number;
}

const tokens = (value: unknown) => encode(typeof value === "string" ? value : JSON.stringify(value)).length;

export async function resultsBench(): Promise<Record<string, ResultTokens>> {
  const sandbox = await startSandbox();
  const mcp = await connect(testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }));
  const api = async (path: string): Promise<Record<string, unknown>> =>
    (await (
      await fetch(`${sandbox.baseUrl}${path}`, { headers: { authorization: `Bearer ${sandbox.apiKey}` } })
    ).json()) as Record<string, unknown>;
  const firstId = async (path: string, key: string) => String(((await api(path))[key] as { id: string }[])[0]?.id);
  const anna = String(((await api("/contacts?search=Anna%20Kowalska")).contacts as { id: string }[])[0]?.id);
  const conversation = await firstId("/conversations", "conversations");
  const event = await firstId("/events", "events");
  // The query the tools send by default.
  const page = `pageSize=${DEFAULT_PAGE_SIZE}`;
  const calls: [label: string, tool: string, args: Record<string, unknown>, path: string, key?: string][] = [
    ["list_contacts", "list_contacts", {}, `/contacts?${page}`, "contacts"],
    ["list_contacts detail", "list_contacts", { detail: true }, `/contacts?${page}`, "contacts"],
    ["list_conversations", "list_conversations", {}, `/conversations?${page}`, "conversations"],
    ["list_conversations detail", "list_conversations", { detail: true }, `/conversations?${page}`, "conversations"],
    ["list_events", "list_events", {}, `/events?${page}`, "events"],
    ["list_events detail", "list_events", { detail: true }, `/events?${page}`, "events"],
    ["get_contact", "get_contact", { id: anna }, `/contacts/${anna}`],
    ["get_conversation", "get_conversation", { id: conversation }, `/conversations/${conversation}`],
    ["get_event", "get_event", { id: event }, `/events/${event}`],
  ];
  const out: Record<string, ResultTokens> = {};
  try {
    for (const [label, tool, args, path, key] of calls) {
      const before = await api(path);
      const result = await mcp.call(tool, args);
      const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
      const structured = result.structuredContent ?? {};
      // The page's items as the API gave them (a concise list_events groups them by type).
      const list = key ? before[key] : undefined;
      out[label] = {
        items: Array.isArray(list) ? list.length : 1,
        beforeText: tokens(clean(before)),
        beforeStructured: tokens(before),
        text: tokens(text),
        structured: tokens(structured),
      };
    }
  } finally {
    await mcp.close();
    await sandbox.close();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await resultsBench());
