// The main jobs through a real client of each protocol era — 2025-11-25 (the
// v1 SDK client) and 2026-07-28 (the v2 SDK client, pinned) — in process, over
// the built binary's stdio and over its Streamable HTTP: tools, resources and
// their change notifications, prompts, completions, progress, logging, and
// cancellation that stops the work it started.

import { UriTemplate } from "@modelcontextprotocol/sdk/shared/uriTemplate.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { allTools } from "../src/tools/index.js";
import { builtHttp } from "./helpers/built-http.js";
import { type CallOptions, connectEra, ERAS, type EraClient, type EraName } from "./helpers/eras.js";
import { json, type Loopback, startLoopback } from "./helpers/loopback.js";
import { testConfig } from "./helpers/mcp.js";

type Via = "memory" | "stdio" | "http";
const VIAS: readonly Via[] = ["memory", "stdio", "http"];

let sandbox: Sandbox;
const open: EraClient[] = [];
const http = builtHttp();

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)));
});
afterAll(async () => {
  http.stopAll();
  await sandbox.close();
});

let sandboxHttp: Promise<string> | undefined;

/** One built binary serving its sandbox over HTTP, shared by every HTTP case. */
function sandboxOverHttp(): Promise<string> {
  sandboxHttp ??= http.start(["--sandbox", "--toolsets", "all"]);
  return sandboxHttp;
}

async function connectTo(era: EraName, via: Via): Promise<EraClient> {
  const client =
    via === "memory"
      ? await connectEra(era, {
          kind: "memory",
          config: testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }),
        })
      : via === "stdio"
        ? await connectEra(era, { kind: "stdio", args: ["--sandbox", "--toolsets", "all"] })
        : await connectEra(era, {
            kind: "http",
            url: await sandboxOverHttp(),
          });
  open.push(client);
  return client;
}

describe.each(ERAS)("a %s client", (era) => {
  describe.each(VIAS)("over %s", (via) => {
    it("lands on its era, lists tools and calls them", async () => {
      const client = await connectTo(era, via);
      expect(client.negotiated()).toBe(era === "2025-11-25" ? "legacy" : "modern");
      const names = (await client.listTools()).map((t) => t.name);
      // The same order in every era and transport: the catalogue's, so a client may cache and compare lists.
      expect(names).toEqual(allTools.map((t) => t.name));
      const contacts = await client.callTool("list_contacts", { pageSize: 2 });
      expect(contacts.isError).toBeFalsy();
      expect((contacts.structuredContent as { contacts: unknown[] }).contacts).toHaveLength(2);
      const refused = await client.callTool("get_contact", { id: "con_missing" });
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toMatch(/404/);
    });

    it("reads a resource and hears it change after its own create_tag", async () => {
      const client = await connectTo(era, via);
      expect(await client.readResource("flownally://tags")).toContain('"tags"');
      const updates: string[] = [];
      await client.subscribe("flownally://tags", (uri) => void updates.push(uri));
      const created = await client.callTool("create_tag", { name: `Era ${era} ${via} ${Date.now()}` });
      expect(created.isError).toBeFalsy();
      await expect.poll(() => updates).toContain("flownally://tags");
      expect(await client.readResource("flownally://tags")).toContain(`Era ${era} ${via}`);
    });

    it("gets prompts and completes their arguments from the workspace", async () => {
      const client = await connectTo(era, via);
      expect(await client.listPrompts()).toEqual(["segment-and-tag", "record-an-event", "triage-open-conversations"]);
      expect(await client.getPrompt("segment-and-tag", { segment: "buyers in Krakow", tag: "VIP" })).toContain(
        'Tag the contacts who match: buyers in Krakow — with the tag "VIP".',
      );
      expect(await client.completePrompt("segment-and-tag", "tag", "vi")).toContain("VIP");
    });

    it("completes a contact with who it is, and takes the completion back as its id", async () => {
      const client = await connectTo(era, via);
      const [anna] = await client.completePrompt("record-an-event", "contact", "Kowalska");
      expect(anna).toMatch(/^(con_\w+) — Anna Kowalska \(\+48123456789\)$/);
      const id = anna?.split(" ")[0];
      const plan = await client.getPrompt("record-an-event", {
        contact: anna ?? "",
        eventType: "order.paid",
        details: "x",
      });
      expect(plan).toContain(`The contact's id is ${id}.`);
      // The value as picked, expanded into the template the way a client does.
      const read = await client.readResource(new UriTemplate("flownally://contacts/{id}").expand({ id: anna ?? "" }));
      expect(JSON.parse(read)).toMatchObject({ id, name: "Anna Kowalska" });
    });

    it("reports progress of a bulk change and logs a failure at the level asked", async () => {
      const client = await connectTo(era, via);
      const progress: number[] = [];
      const tagged = await client.callTool(
        "tag_contacts",
        { tagId: "VIP", contactIds: ["con_missing_1", "con_missing_2"] },
        { onprogress: (p) => void progress.push(p.progress) },
      );
      expect(JSON.stringify(tagged.structuredContent)).toContain('"failed":2');
      expect(progress.length).toBeGreaterThan(0);
      const logged: unknown[] = [];
      await client.logAt("warning", (data) => void logged.push(data));
      await client.callTool("get_contact", { id: "con_missing_2" });
      await expect.poll(() => JSON.stringify(logged)).toMatch(/get_contact failed: 404/);
    });
  });
});

// Cancellation needs a call that lasts: a loopback API that answers contacts slowly.
describe.each(ERAS)("cancellation, a %s client", (era) => {
  let slow: Loopback;
  beforeAll(async () => {
    slow = await startLoopback();
    slow.respond(async (req, res) => {
      if (req.path === "/users/me") return json(res, 200, { id: "usr_1" });
      if (req.path === "/tags") return json(res, 200, { tags: [{ id: "tag_1", name: "VIP" }] });
      // Which of the contacts already have the tag: none.
      if (req.path === "/contacts") return json(res, 200, { contacts: [] });
      await new Promise((r) => setTimeout(r, 50));
      json(res, 204, {});
    });
  });
  afterAll(() => slow.close());

  it.each(VIAS)("over %s stops the requests a cancelled tag_contacts was sending", async (via) => {
    slow.requests.length = 0;
    const env = { FLOWNALLY_API_KEY: "slow-key", FLOWNALLY_BASE_URL: slow.baseUrl };
    const client =
      via === "memory"
        ? await connectEra(era, { kind: "memory", config: testConfig({ baseUrl: slow.baseUrl, apiKey: "slow-key" }) })
        : via === "stdio"
          ? await connectEra(era, { kind: "stdio", args: ["--toolsets", "all", "--confirm", "never"], env })
          : await connectEra(era, {
              kind: "http",
              url: await http.start(["--toolsets", "all", "--confirm", "never"], { FLOWNALLY_BASE_URL: slow.baseUrl }),
              token: "slow-key",
            });
    open.push(client);
    const contactIds = Array.from({ length: 400 }, (_, i) => `con_${i}`);
    const controller = new AbortController();
    const options: CallOptions = { signal: controller.signal };
    const call = client.callTool("tag_contacts", { tagId: "tag_1", contactIds, concurrency: 2 }, options);
    // A 2026-era stdio client first probes a sibling process, so the first requests may take a moment.
    await expect
      .poll(() => slow.requests.filter((r) => r.method === "POST").length, { timeout: 10_000 })
      .toBeGreaterThan(2);
    controller.abort();
    await expect(call).rejects.toThrow();
    // Let what was in flight land, then nothing more may come.
    await new Promise((r) => setTimeout(r, 300));
    const afterCancel = slow.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(slow.requests.length).toBe(afterCancel);
    expect(slow.requests.filter((r) => r.method === "POST").length).toBeLessThan(100);
    // The connection still serves calls.
    expect((await client.callTool("list_tags", {})).isError).toBeFalsy();
  });
});
