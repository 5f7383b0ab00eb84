// Each client library as its users wire it up: connect to flownally-mcp (the
// built binary with --sandbox, over stdio or Streamable HTTP), turn every tool
// into the library's own, hand them to a model of each provider it supports,
// and let the library's own tool-calling path run the calls the model asks
// for. The models are the stand-ins of models.ts: what they receive is what
// OpenAI or Gemini would.

import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createMCPClient } from "@ai-sdk/mcp";
import { createOpenAI } from "@ai-sdk/openai";
import { GoogleGenAI, mcpToTool } from "@google/genai";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { type BaseMessage, HumanMessage, type ToolMessage } from "@langchain/core/messages";
import { ChatGoogleGenerativeAI } from "@langchain/google-genai";
import { MultiServerMCPClient } from "@langchain/mcp-adapters";
import { ChatOpenAI } from "@langchain/openai";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Agent, MCPServerStdio, OpenAIProvider, Runner } from "@openai/agents";
import { generateText, type LanguageModel, stepCountIs } from "ai";
import { mastraRuns } from "./mastra/mastra.js";
import type { Models } from "./models.js";

/** How to reach the server under test: its stdio command, or an HTTP server started for the run. */
export interface Server {
  command: string;
  args: string[];
  http(): Promise<{ url: string; stop(): Promise<void> }>;
}

/** One library against one provider API: what runs, and through which MCP transport. */
export interface Library {
  name: string;
  /** The npm package whose version is reported. */
  pkg: string;
  /** The folder under clients/ it is installed in, when not clients/ itself. */
  home?: string;
  transport: "stdio" | "http";
  /** Provider API → the run that makes the model call through it. */
  runs: Record<string, (server: Server, models: Models) => Promise<void>>;
  /** Provider API → a defect of the library itself, reported but not counted: what it looks like, and why. */
  known?: Record<string, { match: RegExp; why: string }>;
}

export const PROMPT =
  "Find Anna Kowalska, count the Krakow customers who would get the VIP tag, and record her order 4827 as paid.";
const KEY = "stand-in-key";

/** The Vercel AI SDK: @ai-sdk/mcp's client over HTTP, generateText running the tools for two steps. */
async function aiSdk(server: Server, model: LanguageModel): Promise<void> {
  const http = await server.http();
  const client = await createMCPClient({ transport: { type: "http", url: http.url } });
  try {
    const tools = await client.tools();
    await generateText({ model, tools, prompt: PROMPT, stopWhen: stepCountIs(2) });
  } finally {
    await client.close();
    await http.stop();
  }
}

/** LangChain: the MCP adapter's tools bound to a chat model, each asked-for call run by tool.invoke. */
async function langChain(server: Server, model: BaseChatModel): Promise<void> {
  const client = new MultiServerMCPClient({
    mcpServers: { flownally: { transport: "stdio", command: server.command, args: server.args } },
  });
  try {
    const tools = await client.getTools();
    if (!model.bindTools) throw new Error("this chat model cannot call tools");
    const bound = model.bindTools(tools);
    const messages: BaseMessage[] = [new HumanMessage(PROMPT)];
    const asked = await bound.invoke(messages);
    messages.push(asked);
    for (const call of asked.tool_calls ?? []) {
      const tool = tools.find((t) => t.name === call.name);
      if (!tool) throw new Error(`the model called ${call.name}, which LangChain did not list`);
      messages.push((await tool.invoke(call)) as ToolMessage);
    }
    await bound.invoke(messages);
  } finally {
    await client.close();
  }
}

/** The OpenAI Agents SDK: an Agent with the MCP server, its tools made strict, run by a Runner. */
async function openAIAgents(server: Server, models: Models, useResponses: boolean): Promise<void> {
  const mcp = new MCPServerStdio({ name: "flownally", command: server.command, args: server.args });
  await mcp.connect();
  try {
    const agent = new Agent({
      name: "crm",
      instructions: "Work the Flownally workspace.",
      model: "gpt-4.1",
      mcpServers: [mcp],
      mcpConfig: { convertSchemasToStrict: true },
    });
    const runner = new Runner({
      modelProvider: new OpenAIProvider({ apiKey: KEY, baseURL: models.openai, useResponses }),
      tracingDisabled: true,
    });
    await runner.run(agent, PROMPT, { maxTurns: 3 });
  } finally {
    await mcp.close();
  }
}

/** @google/genai: mcpToTool over an MCP SDK client; automatic function calling runs the calls. */
async function googleGenAI(server: Server, models: Models): Promise<void> {
  const client = new Client({ name: "genai-check", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command: server.command, args: server.args }));
  try {
    const ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: models.gemini } });
    await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: PROMPT,
      config: { tools: [mcpToTool(client)] },
    });
  } finally {
    await client.close();
  }
}

const gemini = (models: Models) => `${models.gemini}/v1beta`;

export const LIBRARIES: readonly Library[] = [
  {
    name: "Vercel AI SDK",
    pkg: "@ai-sdk/mcp",
    transport: "http",
    runs: {
      "OpenAI Responses": (s, m) => aiSdk(s, createOpenAI({ baseURL: m.openai, apiKey: KEY }).responses("gpt-4.1")),
      "OpenAI Chat Completions": (s, m) => aiSdk(s, createOpenAI({ baseURL: m.openai, apiKey: KEY }).chat("gpt-4.1")),
      Gemini: (s, m) => aiSdk(s, createGoogleGenerativeAI({ baseURL: gemini(m), apiKey: KEY })("gemini-2.5-flash")),
    },
  },
  {
    name: "LangChain",
    pkg: "@langchain/mcp-adapters",
    transport: "stdio",
    runs: {
      "OpenAI Chat Completions": (s, m) =>
        langChain(s, new ChatOpenAI({ model: "gpt-4.1", apiKey: KEY, configuration: { baseURL: m.openai } })),
      "OpenAI Responses": (s, m) =>
        langChain(
          s,
          new ChatOpenAI({
            model: "gpt-4.1",
            apiKey: KEY,
            useResponsesApi: true,
            configuration: { baseURL: m.openai },
          }),
        ),
      Gemini: (s, m) =>
        langChain(s, new ChatGoogleGenerativeAI({ model: "gemini-2.5-flash", apiKey: KEY, baseUrl: m.gemini })),
    },
  },
  {
    name: "OpenAI Agents SDK",
    pkg: "@openai/agents",
    transport: "stdio",
    runs: {
      "OpenAI Responses, strict": (s, m) => openAIAgents(s, m, true),
      "OpenAI Chat Completions, strict": (s, m) => openAIAgents(s, m, false),
    },
  },
  {
    name: "Mastra",
    pkg: "@mastra/mcp",
    home: "mastra/",
    transport: "http",
    runs: mastraRuns(KEY, PROMPT),
    known: {
      "OpenAI Chat Completions": {
        match: /^tag_contacts: .*Tool validation failed for flownally_tag_contacts/,
        why: "Mastra 0.x tells OpenAI models every optional argument is required and nullable, then refuses the nulls the model sends on tools with a required argument (its validation checks the raw arguments again; fixed in Mastra 1.x, mastra-ai/mastra#13419, #14496)",
      },
    },
  },
  {
    name: "Google Gen AI SDK",
    pkg: "@google/genai",
    transport: "stdio",
    runs: { Gemini: (s, m) => googleGenAI(s, m) },
  },
];
