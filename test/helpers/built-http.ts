// The built binary serving Streamable HTTP on a free port, for tests that need
// the real process behind an HTTP client. Each test file stops what it started.

import { type ChildProcess, spawn } from "node:child_process";

export interface BuiltHttp {
  /** Starts `dist/cli.js --http --port 0` with `args`; resolves with its /mcp URL once it listens. */
  start(args: string[], env?: Record<string, string>): Promise<string>;
  /** Stops every process this started. */
  stopAll(): void;
}

export function builtHttp(): BuiltHttp {
  const children: ChildProcess[] = [];
  return {
    start: (args, env = {}) => {
      const child = spawn(process.execPath, ["dist/cli.js", ...args, "--http", "--port", "0"], {
        stdio: ["ignore", "ignore", "pipe"],
        env: { PATH: process.env.PATH ?? "", ...env },
      });
      children.push(child);
      let stderr = "";
      return new Promise((resolve, reject) => {
        child.stderr?.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
          const url = /listening on (\S+\/mcp)/.exec(stderr)?.[1];
          if (url) resolve(url);
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
    },
    stopAll: () => {
      for (const child of children.splice(0)) child.kill("SIGTERM");
    },
  };
}
