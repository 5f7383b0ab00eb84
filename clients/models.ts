// A stand-in for the model providers' HTTP APIs, on loopback: it records every
// request a library sends (what OpenAI or Gemini would receive: the tools as
// the library converted them, later the tool results) and answers as the
// provider would — first by calling the scripted tools, then, once their
// results come back, with a short text. OpenAI Chat Completions and Responses,
// Gemini generateContent, each as JSON or as a server-sent event stream.

import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type Rec = Record<string, unknown>;

export type Api = "chat" | "responses" | "gemini";

/** A tool call the stand-in model makes: our tool's name (a library may prefix it) and its arguments. */
export interface Call {
  tool: string;
  args: Rec;
}

/** One request as the provider would receive it. */
export interface Captured {
  api: Api;
  body: Rec;
}

/** A tool as a request declares it to the model. */
export interface Declared {
  name: string;
  schema: Rec;
  /** OpenAI strict mode asked for. */
  strict: boolean;
  /** Gemini: `parameters` (the OpenAPI subset) or `parametersJsonSchema` (JSON Schema). */
  field: "parameters" | "parametersJsonSchema";
}

export interface Models {
  /** OpenAI's base URL (…/v1) and Gemini's (the host; the libraries add /v1beta). */
  openai: string;
  gemini: string;
  requests: Captured[];
  close(): Promise<void>;
}

const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export async function startModels(script: readonly Call[]): Promise<Models> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    void answer(req, res, script, requests).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: String(err) }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    openai: `${base}/v1`,
    gemini: base,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, script: readonly Call[], requests: Captured[]) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Rec;
  const path = (req.url ?? "").split("?")[0] ?? "";
  const api: Api | undefined = path.endsWith("/chat/completions")
    ? "chat"
    : path.endsWith("/responses")
      ? "responses"
      : /:(stream)?[gG]enerateContent$/.test(path)
        ? "gemini"
        : undefined;
  if (!api) {
    res.writeHead(404).end();
    return;
  }
  requests.push({ api, body });
  const stream = body.stream === true || path.endsWith(":streamGenerateContent");
  const calls = resultsOf({ api, body }).length > 0 ? [] : planCalls(declared({ api, body }), script);
  const reply = REPLIES[api](calls, body);
  if (!stream) {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply.json));
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const event of reply.events) res.write(`data: ${JSON.stringify(event)}\n\n`);
  if (api === "chat") res.write("data: [DONE]\n\n");
  res.end();
}

/** The tools a request declares, whatever the API's shape. */
export function declared({ api, body }: Captured): Declared[] {
  // The AI SDK's Google provider 2.x (Mastra's) sends one tools object, not a list: Gemini takes both.
  const tools = isRec(body.tools) ? [body.tools] : list(body.tools);
  return tools.flatMap((tool): Declared[] => {
    if (!isRec(tool)) return [];
    if (api === "gemini") {
      return list(tool.functionDeclarations)
        .filter(isRec)
        .map((f) => {
          const field = isRec(f.parametersJsonSchema) ? "parametersJsonSchema" : "parameters";
          return { name: String(f.name), schema: isRec(f[field]) ? f[field] : {}, strict: false, field };
        });
    }
    const f = api === "chat" && isRec(tool.function) ? tool.function : tool;
    const schema = isRec(f.parameters) ? f.parameters : {};
    return [{ name: String(f.name), schema, strict: f.strict === true, field: "parameters" }];
  });
}

/** The tool results a request carries back to the model, by our tool's name, as the library wrote them. */
export function resultsOf({ api, body }: Captured): { id: string; output: string }[] {
  const text = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  if (api === "chat") {
    return list(body.messages)
      .filter((m): m is Rec => isRec(m) && m.role === "tool")
      .map((m) => ({ id: String(m.tool_call_id), output: text(m.content) }));
  }
  if (api === "responses") {
    return list(body.input)
      .filter((i): i is Rec => isRec(i) && i.type === "function_call_output")
      .map((i) => ({ id: String(i.call_id), output: text(i.output) }));
  }
  return list(body.contents)
    .flatMap((c) => (isRec(c) ? list(c.parts) : []))
    .flatMap((p) => (isRec(p) && isRec(p.functionResponse) ? [p.functionResponse] : []))
    .map((r) => ({ id: String(r.name), output: text(r.response) }));
}

interface Planned {
  id: string;
  name: string;
  args: Rec;
}

/**
 * The scripted calls under the names the request gives the tools. A model
 * fills every required argument: one it would leave out but may not (strict
 * schemas require them all) it sends as null where the schema allows null.
 */
function planCalls(tools: readonly Declared[], script: readonly Call[]): Planned[] {
  return script.flatMap((call, i) => {
    const tool = tools.find((t) => t.name === call.tool || t.name.endsWith(`_${call.tool}`));
    if (!tool) return [];
    const properties = isRec(tool.schema.properties) ? tool.schema.properties : {};
    const required = list(tool.schema.required).filter((name): name is string => typeof name === "string");
    const nulls = required.filter((name) => takesNull(properties[name])).map((name) => [name, null]);
    return [{ id: `call_${i}`, name: tool.name, args: { ...Object.fromEntries(nulls), ...call.args } }];
  });
}

function takesNull(schema: unknown): boolean {
  if (!isRec(schema)) return false;
  if (schema.nullable === true || schema.type === "null") return true;
  if (Array.isArray(schema.type) && schema.type.includes("null")) return true;
  return list(schema.anyOf).some(takesNull);
}

/** An answer as JSON and as the events of a stream. */
interface Reply {
  json: Rec;
  events: Rec[];
}

const DONE = "Done.";
const USAGE = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };

const REPLIES: Record<Api, (calls: Planned[], body: Rec) => Reply> = {
  chat: (calls, body) => {
    const head = { id: "chatcmpl-1", created: 0, model: String(body.model) };
    const toolCalls = calls.map((c) => ({
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: JSON.stringify(c.args) },
    }));
    const finish = calls.length > 0 ? "tool_calls" : "stop";
    const message = calls.length > 0 ? { role: "assistant", content: null, tool_calls: toolCalls } : undefined;
    return {
      json: {
        ...head,
        object: "chat.completion",
        choices: [{ index: 0, message: message ?? { role: "assistant", content: DONE }, finish_reason: finish }],
        usage: USAGE,
      },
      events: [
        {
          ...head,
          object: "chat.completion.chunk",
          choices: [
            {
              index: 0,
              delta:
                calls.length > 0
                  ? { role: "assistant", tool_calls: toolCalls.map((t, index) => ({ index, ...t })) }
                  : { role: "assistant", content: DONE },
              finish_reason: null,
            },
          ],
        },
        { ...head, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: finish }] },
        { ...head, object: "chat.completion.chunk", choices: [], usage: USAGE },
      ],
    };
  },
  responses: (calls, body) => {
    const output =
      calls.length > 0
        ? calls.map((c, i) => ({
            type: "function_call",
            id: `fc_${i}`,
            call_id: c.id,
            name: c.name,
            arguments: JSON.stringify(c.args),
            status: "completed",
          }))
        : [
            {
              type: "message",
              id: "msg_1",
              role: "assistant",
              status: "completed",
              content: [{ type: "output_text", text: DONE, annotations: [] }],
            },
          ];
    const response = {
      id: "resp_1",
      object: "response",
      created_at: 0,
      status: "completed",
      model: String(body.model),
      output,
      usage: {
        input_tokens: 1,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 1,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 2,
      },
    };
    return {
      json: response,
      events: [
        { type: "response.created", sequence_number: 0, response: { ...response, status: "in_progress", output: [] } },
        ...output.map((item, i) => ({
          type: "response.output_item.done",
          sequence_number: i + 1,
          output_index: i,
          item,
        })),
        { type: "response.completed", sequence_number: output.length + 1, response },
      ],
    };
  },
  gemini: (calls) => {
    const parts =
      calls.length > 0 ? calls.map((c) => ({ functionCall: { name: c.name, args: c.args } })) : [{ text: DONE }];
    const json = {
      candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
      usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
      modelVersion: "gemini-stand-in",
    };
    return { json, events: [json] };
  },
};
