// The stdio front door of the built binary answers a 2025-era session's opening
// exactly as the server itself does (compared with the server run in process,
// the SDK answering), and hands the connection over to the SDK without losing
// or repeating a message.

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { InMemoryTransport, type JSONRPCMessage } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it } from "vitest";
import { clientFromConfig } from "../src/client/config.js";
import { parseCli } from "../src/config.js";
import { createServer } from "../src/server.js";
import { json, startLoopback } from "./helpers/loopback.js";
import { until } from "./helpers/until.js";

const ENV = { FLOWNALLY_API_KEY: "front-key", FLOWNALLY_BASE_URL: "http://127.0.0.1:9/v1" };
const running: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

type Request = { id: number; method: string; params?: Record<string, unknown> };

const initialize = (id: number, protocolVersion: string): Request => ({
  id,
  method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "front", version: "1" } },
});

/** The opening a client sends, then the lists it asks for at once. */
function opening(protocolVersion: string): Request[] {
  return [
    initialize(1, protocolVersion),
    { id: 2, method: "tools/list" },
    { id: 3, method: "resources/list" },
    { id: 4, method: "resources/templates/list" },
    { id: 5, method: "prompts/list" },
    { id: 6, method: "ping" },
  ];
}

const line = (message: object): string => `${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`;

/** The built binary: every answer it writes, by id. */
function binary(args: string[], env: Record<string, string> = ENV) {
  const child = spawn(process.execPath, ["dist/cli.js", ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  running.push(child);
  const answers: { id?: unknown; result?: unknown; error?: unknown }[] = [];
  let buffer = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const l of lines) if (l.trim()) answers.push(JSON.parse(l));
  });
  const byId = (id: number) => answers.filter((a) => a.id === id);
  return { child, answers, byId, send: (messages: object[]) => child.stdin.write(messages.map(line).join("")) };
}

/** The same requests answered by the server in process: the SDK, no front door. */
async function inProcess(args: string[], requests: readonly Request[]): Promise<Map<number, unknown>> {
  const command = parseCli(args, ENV);
  if (command.kind !== "serve") throw new Error("unexpected CLI result");
  const client = clientFromConfig(command.config);
  const server = createServer(command.config, { client });
  const [ours, theirs] = InMemoryTransport.createLinkedPair();
  const results = new Map<number, unknown>();
  ours.onmessage = (message: JSONRPCMessage) => {
    // As it would cross the wire (the in-memory transport hands over objects, symbol keys and all).
    if ("id" in message && "result" in message)
      results.set(Number(message.id), JSON.parse(JSON.stringify(message.result)));
  };
  await server.connect(theirs);
  await ours.start();
  for (const request of requests) {
    await ours.send({ jsonrpc: "2.0", ...request } as JSONRPCMessage);
    await until(() => results.has(request.id));
    if (request.method === "initialize") await ours.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  }
  await server.close();
  await client.close();
  return results;
}

describe("the stdio front door", () => {
  const configs = [[], ["--toolsets", "all"], ["--read-only"], ["--toolsets", "tags", "--tools", "get_contact"]].map(
    (args) => ({ args }),
  );
  const versions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "1999-01-01"];

  it.each(configs)("answers the opening as the server does, for $args", async ({ args }) => {
    for (const version of versions) {
      const requests = opening(version);
      const expected = await inProcess(args, requests);
      const front = binary(args);
      front.send([requests[0] ?? {}, { method: "notifications/initialized" }, ...requests.slice(1)]);
      await until(() => requests.every((r) => front.byId(r.id).length === 1));
      for (const request of requests) {
        expect(front.byId(request.id)[0]?.result, `${request.method} (${version}, ${args.join(" ")})`).toEqual(
          expected.get(request.id),
        );
      }
      front.child.kill("SIGKILL");
    }
  });

  it("hands a call over to the SDK with everything read, answering initialize once and losing nothing", async () => {
    const api = await startLoopback();
    try {
      api.respond((req, res) => json(res, 200, { id: req.path.split("/").pop(), name: "Anna" }));
      const front = binary(["--toolsets", "all"], { FLOWNALLY_API_KEY: "front-key", FLOWNALLY_BASE_URL: api.baseUrl });
      // All at once: the calls arrive while the SDK is still loading.
      front.send([
        initialize(1, "2025-11-25"),
        { method: "notifications/initialized" },
        { id: 2, method: "tools/list" },
        { id: 3, method: "tools/call", params: { name: "get_contact", arguments: { id: "con_1" } } },
        { id: 4, method: "tools/call", params: { name: "get_contact", arguments: { id: "con_2" } } },
        { id: 5, method: "resources/read", params: { uri: "flownally://contacts/con_3" } },
        { id: 6, method: "ping" },
      ]);
      await until(() => [1, 2, 3, 4, 5, 6].every((id) => front.byId(id).length > 0));
      for (const id of [1, 2, 3, 4, 5, 6]) expect(front.byId(id), `answers to ${id}`).toHaveLength(1);
      expect(JSON.stringify(front.byId(3)[0]?.result)).toContain("con_1");
      expect(JSON.stringify(front.byId(4)[0]?.result)).toContain("con_2");
      expect(JSON.stringify(front.byId(5)[0]?.result)).toContain("con_3");
      expect(api.requests.map((r) => r.path)).toEqual(
        expect.arrayContaining(["/contacts/con_1", "/contacts/con_2", "/contacts/con_3"]),
      );
      // After the hand-over the SDK answers the lists too, the same as the front door did.
      front.send([{ id: 7, method: "tools/list" }]);
      await until(() => front.byId(7).length === 1);
      expect(front.byId(7)[0]?.result).toEqual(front.byId(2)[0]?.result);
    } finally {
      await api.close();
    }
  });

  it("exits 0 when the client closes stdin before anything needed the SDK", async () => {
    const front = binary([]);
    front.send(opening("2025-11-25").slice(0, 2));
    await until(() => front.byId(2).length === 1);
    front.child.stdin.end();
    const code = await new Promise((resolve) => front.child.once("exit", resolve));
    expect(code).toBe(0);
  });
});
