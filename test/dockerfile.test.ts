// The Docker image without a Docker engine: the Dockerfile's final stage is read
// (environment, entrypoint, health check) and the README's recipe for the
// sandbox in the image is replayed with it through the built binary, on a port
// of our choosing given as FLOWNALLY_PORT: the server must listen there, the
// health check must find it, and a client with the recipe's token must get in.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;

interface Stage {
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  healthcheck: string[];
}

/** The final stage of the Dockerfile: its ENV pairs and the exec forms of ENTRYPOINT, CMD and HEALTHCHECK CMD. */
function finalStage(dockerfile: string): Stage {
  const lines = dockerfile
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .filter((line) => line.trim() && !line.trim().startsWith("#"));
  const last = lines.findLastIndex((line) => /^FROM\s/i.test(line));
  const stage: Stage = { env: {}, entrypoint: [], cmd: [], healthcheck: [] };
  const execForm = (text: string): string[] => {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === "string"))
      throw new Error(`not exec form: ${text}`);
    return parsed;
  };
  for (const line of lines.slice(last + 1)) {
    const [, instruction = "", rest = ""] = /^(\w+)\s+(.*)$/.exec(line.trim()) ?? [];
    switch (instruction.toUpperCase()) {
      case "ENV":
        for (const [, key = "", value = ""] of rest.matchAll(/(\w+)=(\S*)/g)) stage.env[key] = value;
        break;
      case "ENTRYPOINT":
        stage.entrypoint = execForm(rest);
        break;
      case "CMD":
        stage.cmd = execForm(rest);
        break;
      case "HEALTHCHECK":
        stage.healthcheck = execForm(rest.replace(/^.*?\bCMD\s+/, ""));
        break;
    }
  }
  return stage;
}

/** The README's `docker run … flownally-mcp --sandbox` line: its -e variables and the words after the image. */
function sandboxRecipe(readme: string): { env: Record<string, string>; args: string[] } {
  const line = readme.split("\n").find((l) => /^docker run\b.*\bflownally-mcp --sandbox\b/.test(l));
  if (!line) throw new Error("the README has no `docker run … flownally-mcp --sandbox` recipe");
  const words = line.split(/\s+/);
  const image = words.indexOf("flownally-mcp");
  const env: Record<string, string> = {};
  words.slice(0, image).forEach((word, i) => {
    const [key = "", value = ""] = (words[i + 1] ?? "").split("=");
    if (word === "-e") env[key] = value;
  });
  return { env, args: words.slice(image + 1) };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

const stage = finalStage(readFileSync(new URL("../Dockerfile", import.meta.url), "utf8"));
const recipe = sandboxRecipe(readFileSync(new URL("../README.md", import.meta.url), "utf8"));

describe("the Dockerfile's final stage", () => {
  it("chooses host and port in its environment, never as flags that would override FLOWNALLY_PORT", () => {
    const command = [...stage.entrypoint, ...stage.cmd];
    expect(command.slice(0, 2)).toEqual(["node", "dist/cli.js"]);
    expect(command.filter((word) => /^--(port|host|http)\b/.test(word))).toEqual([]);
    expect(stage.env).toMatchObject({ FLOWNALLY_HTTP: "1", FLOWNALLY_HOST: "0.0.0.0" });
    expect(stage.env.FLOWNALLY_PORT).toMatch(/^\d+$/);
  });

  it("has a health check that reads FLOWNALLY_PORT", () => {
    expect(stage.healthcheck[0]).toBe("node");
    expect(stage.healthcheck.join(" ")).toContain("process.env.FLOWNALLY_PORT");
  });
});

describe("the README's recipe for the sandbox in the image, replayed on FLOWNALLY_PORT", () => {
  let server: ChildProcess;
  let env: Record<string, string>;
  let port: number;
  const stderr: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    // As in the container, except that tests bind loopback only.
    env = {
      PATH: process.env.PATH ?? "",
      ...stage.env,
      ...recipe.env,
      FLOWNALLY_HOST: "127.0.0.1",
      FLOWNALLY_PORT: String(port),
    };
    const [command = "", ...args] = [...stage.entrypoint, ...stage.cmd, ...recipe.args];
    // A --host or --port flag would bind elsewhere than the loopback port chosen here (the first tests say why).
    if (command !== "node" || args.some((word) => /^--(host|port)\b/.test(word))) {
      throw new Error(`not replayed: ${[command, ...args].join(" ")}`);
    }
    server = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
    server.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    // It says where it listens once it does.
    const exited = once(server, "exit").then(() => {
      throw new Error(`the server exited: ${stderr.join("")}`);
    });
    exited.catch(() => {});
    while (!stderr.join("").includes("listening on")) {
      await Promise.race([once(server.stderr ?? server, "data"), exited]);
    }
  });
  afterAll(async () => {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await once(server, "exit");
    }
  });

  it("runs the sandbox, over HTTP, on that port", () => {
    expect(recipe.args).toContain("--sandbox");
    expect(stderr.join("")).toMatch(/SANDBOX mode/);
    expect(stderr.join("")).toContain(`listening on http://127.0.0.1:${port}/mcp`);
  });

  it("passes the health check, which finds the port", () => {
    const [command, ...args] = stage.healthcheck;
    expect(command).toBe("node");
    const check = spawnSync(process.execPath, args, { env, encoding: "utf8", timeout: 10_000 });
    expect(check.status, check.stderr).toBe(0);
  });

  it("lets in a client with the recipe's token, to the sandbox's tags", async () => {
    const token = recipe.env.FLOWNALLY_MCP_TOKEN;
    expect(token).toBeTruthy();
    const client = new Client({ name: "docker-recipe-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const tags = await client.callTool({ name: "list_tags", arguments: {} });
      expect(tags.isError).toBeFalsy();
      expect(JSON.stringify(tags.structuredContent)).toContain("VIP");
    } finally {
      await client.close();
    }
  });
});
