// Stateless scale-out: three replicas of the built binary (--http --stateless)
// behind a plain round-robin proxy, one shared API (the sandbox), and a real
// client of each protocol era doing the main jobs through the proxy. No
// request is tied to a replica: the proxy spreads them all, and each still works,
// confirmations included: a replica honours what another issued for the same key.

import { spawn } from "node:child_process";
import { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { OTHER_IDS } from "../src/sandbox/seed-others.js";
import { connectEra, ERAS, type EraName } from "./helpers/eras.js";
import { testConfig, textOf } from "./helpers/mcp.js";
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

/** What `call` answered, and the replicas its requests landed on (by the proxy's counts). */
async function landed<T>(call: () => Promise<T>): Promise<[T, number[]]> {
  const before = [...proxy.hits];
  const result = await call();
  return [result, proxy.hits.flatMap((n, i) => (n > (before[i] ?? 0) ? [i] : []))];
}

const tokenIn = (text: string) => /"confirm": "(cf_[\w-]+)"/.exec(text)?.[1] ?? "";
const alive = (id: string) => sandbox.store.contacts.get(id)?.deletedAt === null;
/** An active contact of its own for each test that deletes one. */
const victim = (n: number) => [...sandbox.store.contacts.values()].filter((c) => !c.deletedAt).reverse()[n]?.id ?? "";
const sentTo = (address: string) =>
  [...sandbox.store.messages.values()].filter(
    (m) =>
      m.direction === "outbound" && sandbox.store.conversations.get(m.conversationId)?.contactId === contactAt(address),
  ).length;
const contactAt = (address: string) =>
  [...sandbox.store.contacts.values()].find((c) => c.identities.some((i) => i.metadata.phoneNumber === address))?.id;
/** A message that starts a conversation with a new number, so it asks first. */
const sendTo = (address: string) => ({
  inboxId: OTHER_IDS.whatsappInbox,
  to: { channel: "whatsapp", address },
  content: {
    type: "template",
    template: {
      name: "order_ready",
      language: "pl",
      components: [{ type: "body", parameters: ["Jan", "4827"].map((text) => ({ type: "text", text })) }],
    },
  },
});
const CHANGED =
  /^Not done: what this call would do changed since its preview \(was it done already\?\)\. Nothing was changed\./;

describe.each(ERAS)("confirmations across the replicas, a %s client without forms", (era) => {
  const at = (era: EraName, n: number) => ERAS.indexOf(era) * 10 + n;
  const connect = (token: string) => connectEra(era, { kind: "http", url: `${proxy.url}/mcp`, token });

  it("a token one replica issued acts on another, and never under another key or tampered", async () => {
    const owner = await connect(sandbox.apiKey);
    const admin = await connect("sandbox-admin");
    try {
      const id = victim(at(era, 0));
      const [preview, issuedOn] = await landed(() => owner.callTool("delete_contact", { id }));
      const confirm = tokenIn(textOf(preview));
      expect(confirm).toMatch(/^cf_[\w-]{20}$/);
      // Another key's client cannot use it, wherever it lands; a changed character is refused too.
      expect(textOf(await admin.callTool("delete_contact", { id, confirm }))).toBe(
        "Not done: this confirm token was issued for other arguments, another tool or another key. Nothing was changed. Call again without confirm for a new preview.",
      );
      for (const i of [4, 12, 22]) {
        const tampered = `${confirm.slice(0, i)}${confirm[i] === "A" ? "B" : "A"}${confirm.slice(i + 1)}`;
        const refused = await owner.callTool("delete_contact", { id, confirm: tampered });
        expect(textOf(refused)).toMatch(/^Not done: .* Nothing was changed\./);
      }
      expect(alive(id)).toBe(true);
      const [done, actedOn] = await landed(() => owner.callTool("delete_contact", { id, confirm }));
      expect(done.isError, textOf(done)).toBeFalsy();
      expect(actedOn).toHaveLength(1);
      expect(issuedOn).not.toEqual(actedOn);
      expect(alive(id)).toBe(false);
      // Used once there; the next request lands elsewhere, which does not know it was used: the API's 404 says it is gone.
      const [again, againOn] = await landed(() => owner.callTool("delete_contact", { id, confirm }));
      expect(againOn).not.toEqual(actedOn);
      expect(textOf(again)).toMatch(/^404 /);
    } finally {
      await owner.close();
      await admin.close();
    }
  });

  it("a token expires by its own clock: one minted by another process 11 minutes ago is refused", async () => {
    // A fourth server with the same key, in this process, its clock 11 minutes back: it shares nothing with the replicas.
    const config = testConfig({
      baseUrl: sandbox.baseUrl,
      apiKey: sandbox.apiKey,
      confirm: { mode: "auto", bulkThreshold: 25 },
    });
    const id = victim(at(era, 1));
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - 11 * 60_000 });
    const elsewhere = await connectEra(era, { kind: "memory", config });
    let confirm: string;
    try {
      confirm = tokenIn(textOf(await elsewhere.callTool("delete_contact", { id })));
    } finally {
      vi.useRealTimers();
      await elsewhere.close();
    }
    const owner = await connect(sandbox.apiKey);
    try {
      expect(textOf(await owner.callTool("delete_contact", { id, confirm }))).toMatch(
        /^Not done: this confirm token expired\. Nothing was changed\./,
      );
      expect(alive(id)).toBe(true);
    } finally {
      await owner.close();
    }
  });

  it("a confirmed message to a new number is sent once: its token repeated on another replica is refused", async () => {
    const owner = await connect(sandbox.apiKey);
    try {
      const address = `+4899900${at(era, 2)}`;
      const preview = textOf(await owner.callTool("send_message", sendTo(address)));
      expect(preview).toMatch(/^Needs the user's yes first\. Send template order_ready to whatsapp /);
      const confirm = tokenIn(preview);
      const [sent, sentOn] = await landed(() => owner.callTool("send_message", { ...sendTo(address), confirm }));
      expect(sent.isError, textOf(sent)).toBeFalsy();
      // The repeat lands on a replica that never saw the token: the number has a conversation now, so the call previews otherwise.
      const [repeat, repeatOn] = await landed(() => owner.callTool("send_message", { ...sendTo(address), confirm }));
      expect(repeatOn).not.toEqual(sentOn);
      expect(textOf(repeat)).toMatch(CHANGED);
      expect(sentTo(address)).toBe(1);
    } finally {
      await owner.close();
    }
  });
});

describe("confirmations across the replicas, a 2026-07-28 client with forms", () => {
  it("answers the question on another replica than the one that asked, and the change is made", async () => {
    const id = victim(20);
    const client = await connectEra(
      "2026-07-28",
      { kind: "http", url: `${proxy.url}/mcp`, token: sandbox.apiKey },
      { elicit: () => "accept" },
    );
    try {
      const [done, on] = await landed(() => client.callTool("delete_contact", { id }));
      expect(done.isError, textOf(done)).toBeFalsy();
      // The question and the answer: two requests, two replicas.
      expect(on).toHaveLength(2);
      expect(alive(id)).toBe(false);
    } finally {
      await client.close();
    }
  });

  it("an accepted answer repeated on another replica does not send the message twice", async () => {
    const client = await connectEra(
      "2026-07-28",
      { kind: "http", url: `${proxy.url}/mcp`, token: sandbox.apiKey },
      { elicit: () => "accept" },
    );
    try {
      const raw = client.raw;
      if (!(raw instanceof Client)) throw new Error("a v2 client");
      const args = sendTo("+48999000777");
      const asked = await raw.callTool({ name: "send_message", arguments: args }, { allowInputRequired: true });
      const { requestState } = asked as { requestState?: string };
      const answer = {
        method: "tools/call" as const,
        params: {
          name: "send_message",
          arguments: args,
          inputResponses: { confirm: { action: "accept", content: {} } },
          requestState,
        },
      };
      const [sent, sentOn] = await landed(() => raw.request(answer));
      expect((sent as { isError?: boolean }).isError, JSON.stringify(sent)).toBeFalsy();
      const [repeat, repeatOn] = await landed(() => raw.request(answer));
      expect(repeatOn).not.toEqual(sentOn);
      expect(textOf(repeat as { content: { type: string; text?: unknown }[] })).toMatch(
        /^Not done: what this call would do changed since its preview/,
      );
      expect(sentTo("+48999000777")).toBe(1);
    } finally {
      await client.close();
    }
  });
});
