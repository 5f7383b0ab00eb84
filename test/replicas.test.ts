// Stateless scale-out: three replicas of the built binary (--http --stateless)
// behind a plain round-robin proxy, one shared API (the sandbox), and a real
// client of each protocol era doing the main jobs through the proxy. No
// request is tied to a replica: the proxy spreads them all, and each still works.

import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { connectEra, ERAS } from "./helpers/eras.js";
import { type RoundRobin, startRoundRobin } from "./helpers/proxy.js";

const REPLICAS = 3;
let sandbox: Sandbox;
let proxy: RoundRobin;
const children: ReturnType<typeof spawn>[] = [];

async function replica(baseUrl: string): Promise<string> {
  const child = spawn(process.execPath, ["dist/cli.js", "--http", "--stateless", "--port", "0", "--toolsets", "all"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { PATH: process.env.PATH ?? "", FLOWNALLY_BASE_URL: baseUrl },
  });
  children.push(child);
  let stderr = "";
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /listening on (\S+)\/mcp/.exec(stderr)?.[1];
      if (url) resolve(url);
    });
    child.once("exit", (code) => reject(new Error(`replica exited ${code}: ${stderr}`)));
  });
}

beforeAll(async () => {
  sandbox = await startSandbox();
  const upstreams = await Promise.all(Array.from({ length: REPLICAS }, () => replica(sandbox.baseUrl)));
  proxy = await startRoundRobin(upstreams);
}, 30_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGTERM");
  await proxy.close();
  await sandbox.close();
});

describe.each(ERAS)("three replicas behind a round-robin proxy, a %s client", (era) => {
  it("does the main jobs with every request free to land on any replica", async () => {
    const before = [...proxy.hits];
    const client = await connectEra(era, { kind: "http", url: `${proxy.url}/mcp`, token: sandbox.apiKey });
    try {
      expect((await client.listTools()).map((t) => t.name)).toContain("segment_contacts");
      const segment = await client.callTool("segment_contacts", { search: "a" });
      expect(segment.isError).toBeFalsy();
      const name = `Replicas ${era}`;
      const created = await client.callTool("create_tag", { name });
      expect(created.isError).toBeFalsy();
      // The next calls land on other replicas, whose caches never saw create_tag: names still resolve.
      const progress: number[] = [];
      const contactIds = [...sandbox.store.contacts.keys()].slice(0, 3);
      const tagged = await client.callTool(
        "tag_contacts",
        { tagId: name, contactIds },
        { onprogress: (p) => void progress.push(p.progress) },
      );
      expect(tagged.isError).toBeFalsy();
      expect(JSON.stringify(tagged.structuredContent)).toContain('"applied":3');
      expect(progress.length).toBeGreaterThan(0);
      expect(await client.readResource("flownally://tags")).toContain(name);
      expect(
        await client.getPrompt("record-an-event", { contact: "Anna", eventType: "order.paid", details: "4827" }),
      ).toContain('Record the event "order.paid" for contact Anna: 4827');
      expect(await client.completePrompt("segment-and-tag", "tag", "repl")).toContain(name);
    } finally {
      await client.close();
    }
    const spread = proxy.hits.map((n, i) => n - (before[i] ?? 0));
    expect(spread.every((n) => n > 0)).toBe(true);
  });
});
