// `flownally-mcp --sandbox-api`, the sandbox's HTTP API alone, through the built binary:
// spawned as a user runs it, used with fetch, and stopped with a signal.

import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { parseCli } from "../src/config.js";

const BIN = new URL("../dist/cli.js", import.meta.url).pathname;

interface Running {
  child: ChildProcessWithoutNullStreams;
  /** The one line it printed on start. */
  line: string;
  baseUrl: string;
}

let running: Running | undefined;
afterEach(() => {
  if (running?.child.exitCode === null) running.child.kill("SIGKILL");
  running = undefined;
});

/** Starts the binary on a free port and waits for its start-up line. */
async function start(...args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, "--sandbox-api", "--port", "0", ...args], {
    env: { PATH: process.env.PATH ?? "" },
  });
  const lines = createInterface({ input: child.stderr });
  const [line] = (await once(lines, "line")) as [string];
  lines.close();
  const baseUrl = /(http:\/\/\S+\/v1)\b/.exec(line)?.[1] ?? "";
  running = { child, line, baseUrl };
  return running;
}

async function request(baseUrl: string, method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

/** Sends the signal and resolves with the exit code once the process has ended. */
async function stop({ child }: Running, signal: NodeJS.Signals): Promise<number | null> {
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill(signal);
  const [code] = await exited;
  return code;
}

describe("flownally-mcp --sandbox-api", () => {
  it("serves the demo workspace on loopback, names its URL and tokens in one line, and stops on SIGTERM", async () => {
    const api = await start();
    expect(api.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    for (const token of ["sandbox-owner", "sandbox-admin", "sandbox-agent"]) expect(api.line).toContain(token);

    const count = await request(api.baseUrl, "GET", "/contacts/count", "sandbox-agent");
    expect(count).toEqual({ status: 200, json: { totalSize: 46 } });
    expect((await request(api.baseUrl, "GET", "/contacts", "fl_live_made_up")).status).toBe(401);

    const account = await request(api.baseUrl, "POST", "/service-accounts", "sandbox-owner", { name: "My app" });
    const accountId = String(account.json?.id);
    const created = await request(api.baseUrl, "POST", `/service-accounts/${accountId}/api-keys`, "sandbox-owner", {
      name: "ci",
    });
    const key = String(created.json?.key);
    expect((await request(api.baseUrl, "GET", "/tags", key)).status).toBe(200);
    const revoked = await request(api.baseUrl, "DELETE", `/api-keys/${String(created.json?.id)}`, "sandbox-owner");
    expect(revoked.status).toBe(204);
    const refused = await request(api.baseUrl, "GET", "/tags", key);
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ status: 401, code: "auth_unauthenticated" });

    expect(await stop(api, "SIGTERM")).toBe(0);
  });

  it("starts empty with --empty and stops on SIGINT", async () => {
    const api = await start("--empty");
    expect(api.line).toContain("empty workspace");
    expect((await request(api.baseUrl, "GET", "/contacts/count", "sandbox-owner")).json).toEqual({ totalSize: 0 });
    expect((await request(api.baseUrl, "GET", "/tags", "sandbox-owner")).json).toEqual({ tags: [] });
    expect(await stop(api, "SIGINT")).toBe(0);
  });

  it("refuses flags that only the MCP server takes, and --empty alone, with exit 2", () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
    const mixed = run("--sandbox-api", "--http");
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain("--sandbox-api takes only --host, --port and --empty, not --http");
    expect(run("--empty").status).toBe(2);
  });

  it("defaults to 127.0.0.1:4010 with the demo workspace", () => {
    expect(parseCli(["--sandbox-api"], {})).toEqual({
      kind: "sandbox-api",
      options: { host: "127.0.0.1", port: 4010, seed: true },
    });
  });
});
