// Mastra 0.x (the last line for Node 20), installed on its own with zod 3:
// with zod 4 beside it, its OpenAI schema layer sends every argument as `{}`
// and required. MCPClient over HTTP, the tools on an Agent whose generate runs them.

import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { Agent } from "@mastra/core/agent";
import { MCPClient } from "@mastra/mcp";
import type { Server } from "../libraries.js";
import type { Models } from "../models.js";

type Model = ConstructorParameters<typeof Agent>[0]["model"];

async function mastra(server: Server, model: Model, prompt: string): Promise<void> {
  const http = await server.http();
  const client = new MCPClient({ servers: { flownally: { url: new URL(http.url) } } });
  try {
    const agent = new Agent({
      name: "crm",
      instructions: "Work the Flownally workspace.",
      model,
      tools: await client.getTools(),
    });
    await agent.generate(prompt, { maxSteps: 2 });
  } finally {
    await client.disconnect();
    await http.stop();
  }
}

export const mastraRuns = (key: string, prompt: string) => ({
  "OpenAI Chat Completions": (s: Server, m: Models) =>
    mastra(s, createOpenAI({ baseURL: m.openai, apiKey: key }).chat("gpt-4.1"), prompt),
  Gemini: (s: Server, m: Models) =>
    mastra(s, createGoogleGenerativeAI({ baseURL: `${m.gemini}/v1beta`, apiKey: key })("gemini-2.5-flash"), prompt),
});
