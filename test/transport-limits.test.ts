// What the transports do with input too large or cut short, through the built
// binary: a stdio message over the limit is refused with an error the client
// sees and the connection lives on; aborted HTTP bodies cost no log line.

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_MESSAGE_BYTES } from "../src/transports/lines.js";

const running: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

function start(
  args: string[],
  env: Record<string, string> = { FLOWNALLY_API_KEY: "limits-key" },
): { child: ChildProcessWithoutNullStreams; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, ["dist/cli.js", ...args], {
    env: { PATH: process.env.PATH ?? "", FLOWNALLY_BASE_URL: "http://127.0.0.1:9/v1", ...env },
  });
  running.push(child);
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    err += c.toString();
  });
  return { child, stdout: () => out, stderr: () => err };
}

const line = (message: unknown): string => `${JSON.stringify(message)}\n`;

describe("stdio", () => {
  it("answers a message over the limit with an error naming the limit, and keeps serving", async () => {
    const server = start([]);
    server.child.stdin.write(
      line({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "limits", version: "1" } },
      }),
    );
    await expect.poll(() => server.stdout()).toContain('"id":1');
    server.child.stdin.write(line({ jsonrpc: "2.0", method: "notifications/initialized" }));
    // An upload whose inline content is larger than any message this server reads.
    const huge = "A".repeat(MAX_MESSAGE_BYTES + 1024);
    const call = {
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: { name: "upload_media", arguments: { base64: huge, filename: "big.png" } },
    };
    server.child.stdin.write(line(call));
    await expect.poll(() => server.stdout(), { timeout: 10_000 }).toContain('"id":7');
    const answer = JSON.parse(
      server
        .stdout()
        .split("\n")
        .find((l) => l.includes('"id":7')) ?? "{}",
    ) as {
      error?: { code: number; message: string };
    };
    expect(answer.error?.code).toBe(-32600);
    expect(answer.error?.message).toMatch(/over this server's 16 MB limit.*filePath/);
    expect(server.stderr()).toMatch(/over this server's 16 MB limit/);
    // Still alive and serving.
    server.child.stdin.write(line({ jsonrpc: "2.0", id: 8, method: "tools/list" }));
    await expect.poll(() => server.stdout()).toContain('"id":8');
    expect(server.child.exitCode).toBeNull();
  }, 30_000);
});

describe("HTTP", () => {
  it("writes nothing to stderr for request bodies the caller abandons", async () => {
    // No key: each caller would bring its own.
    const server = start(["--http", "--port", "0"], {});
    await expect.poll(() => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(server.stderr())?.[1]).toBeTruthy();
    const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(server.stderr())?.[1]);
    const before = server.stderr();
    await Promise.all(
      Array.from(
        { length: 50 },
        () =>
          new Promise<void>((resolve) => {
            const socket = connect(port, "127.0.0.1", () => {
              socket.write(
                `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"jsonrpc":"2.0",`,
              );
              socket.destroy();
              resolve();
            });
          }),
      ),
    );
    // A request after them is answered normally: the server had the chance to log them all.
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(server.stderr()).toBe(before);
  });
});
