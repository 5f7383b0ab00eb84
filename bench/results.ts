// What the model reads back (o200k tokens) on the sandbox, per channel: the
// default page of list_contacts, list_conversations and list_events, concise
// and with detail: true (the API's whole answer with names beside ids).

import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { startSandbox } from "../src/sandbox/index.js";
import { connect, testConfig } from "../test/helpers/mcp.js";

export interface ResultTokens {
  items: number;
  text: number;
  structured: number;
}

export async function resultsBench(): Promise<Record<string, ResultTokens>> {
  const sandbox = await startSandbox();
  const mcp = await connect(testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }));
  const out: Record<string, ResultTokens> = {};
  try {
    for (const [name, key] of [
      ["list_contacts", "contacts"],
      ["list_conversations", "conversations"],
      ["list_events", "events"],
    ] as const) {
      for (const detail of [false, true]) {
        const result = await mcp.call(name, detail ? { detail } : {});
        const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
        const structured = result.structuredContent ?? {};
        out[`${name}${detail ? " detail" : ""}`] = {
          items: Array.isArray(structured[key]) ? structured[key].length : 0,
          text: encode(text).length,
          structured: encode(JSON.stringify(structured)).length,
        };
      }
    }
  } finally {
    await mcp.close();
    await sandbox.close();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await resultsBench());
