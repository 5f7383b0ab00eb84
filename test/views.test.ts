// Each MCP App view in a real browser through a real host (helpers/view-host:
// ext-apps' AppBridge and a sandbox proxy on another origin, in headless
// Chromium): it renders from a real tool result against the sandbox, shows what
// the result holds, follows the host's theme, and its actions call the server's
// tools through the host and change the workspace. Needs Debian's chromium
// (.ci/run installs it); without it these are skipped, except in CI.

import { mkdtempSync } from "node:fs";
import { createServer as createHttpServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { VIEWS } from "../src/views/catalog.js";
import { testConfig } from "./helpers/mcp.js";
import { until } from "./helpers/until.js";
import { hasChromium, type Shown, serve, ViewHost } from "./helpers/view-host/index.js";
import { THEMES } from "./helpers/view-host/mount.js";

const ANNA = "con_01HV8Y5R5RFMS0TFK6PKF9H2S8";
const VIP = "tag_01HV8Y9R3Q4J6A7M8N9P0Q2S4";
const TIMEOUT = 90_000;

let sandbox: Sandbox;
let config: Config;
let host: ViewHost;

/** structuredContent of a call the test makes itself, through the host's own client. */
async function read<T>(host: ViewHost, name: string, args: Record<string, unknown>): Promise<T> {
  const result = (await host.mcp.client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result.structuredContent as T;
}

async function tagId(host: ViewHost, name: string): Promise<string> {
  const { tags } = await read<{ tags: { id: string; name: string }[] }>(host, "list_tags", {});
  const tag = tags.find((t) => t.name === name);
  if (!tag) throw new Error(`no tag ${name}`);
  return tag.id;
}

/** The view's page background, as the browser computed it. */
const BACKGROUND = "getComputedStyle(document.body).backgroundColor";

/**
 * Waits until the view's page background, as the browser computed it, is `colour`
 * (read from here: the view's policy forbids the eval a waitForFunction string needs).
 */
async function backgroundBecomes(shown: Shown, colour: string | undefined): Promise<void> {
  while ((await shown.frame().evaluate(BACKGROUND)) !== colour) await new Promise((r) => setTimeout(r, 5));
}

/** The host switches light → dark → light: the view takes the host's colours each time. */
async function followsTheme(shown: Shown): Promise<void> {
  expect(await shown.frame().evaluate(BACKGROUND)).toBe(THEMES.light["--color-background-primary"]);
  await shown.setTheme("dark");
  await backgroundBecomes(shown, THEMES.dark["--color-background-primary"]);
  expect(await shown.view.locator("html").getAttribute("data-theme")).toBe("dark");
  await shown.setTheme("light");
  await backgroundBecomes(shown, THEMES.light["--color-background-primary"]);
}

describe.skipIf(!hasChromium && !process.env.CI)("views in a real host", () => {
  beforeAll(async () => {
    sandbox = await startSandbox();
    config = testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey });
    host = await ViewHost.start("2025-11-25", config);
  }, TIMEOUT);
  afterAll(async () => {
    await host?.close();
    await sandbox?.close();
  });

  it(
    "contacts: the rows of a list_contacts result with tag chips, field values and the total",
    async () => {
      const shown = await host.show("list_contacts", { tagIds: ["VIP"] });
      await shown.view.getByText("8 contacts").waitFor();
      const anna = shown.view.locator(`tr[data-id="${ANNA}"]`);
      expect(await anna.textContent()).toMatch(/Anna Kowalska\+48123456789VIP.*Krakow/);
      expect(await shown.view.locator("tbody tr").count()).toBe(8);
      // The table's own page came through the app-only tool, with the call's filters, counted.
      expect(shown.calls[0]).toEqual({
        name: "view_contacts",
        arguments: { tagIds: ["VIP"], pageSize: 25, count: true },
      });
      await followsTheme(shown);
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "contacts: selecting three rows and pressing Tag… sends tag_contacts with those ids, and the contacts are tagged",
    async () => {
      const newsletter = await tagId(host, "newsletter");
      const shown = await host.show("list_contacts", { tagIds: ["VIP"] });
      await shown.view.getByText("8 contacts").waitFor();
      const ids = await shown.view
        .locator("tbody tr")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id")));
      const three = ids.slice(0, 3).filter((id): id is string => id !== null);
      for (const id of three) await shown.view.locator(`tr[data-id="${id}"] input[type=checkbox]`).check();
      await shown.view.getByText("3 selected").waitFor();
      // Those that have the tag already are left as they are, and the view says how many.
      let already = 0;
      for (const id of three)
        if ((await read<{ tagIds: string[] }>(host, "get_contact", { id })).tagIds.includes(newsletter)) already++;
      const said = `Added tag newsletter to ${3 - already} of 3 selected contacts${already ? `; ${already} had it already` : ""}.`;
      // The model hears which contacts the user picked.
      expect(shown.contexts.at(-1)?.structuredContent).toEqual({ selectedContactIds: three });

      await shown.view.getByRole("button", { name: "Tag…", exact: true }).click();
      const dialog = shown.view.getByRole("dialog");
      await dialog.getByLabel("Tag").selectOption({ label: "newsletter" });
      await dialog.getByRole("button", { name: "Add", exact: true }).click();
      await shown.view.getByText(said).waitFor();

      expect(shown.calls.filter((c) => c.name === "tag_contacts")).toEqual([
        { name: "tag_contacts", arguments: { tagId: newsletter, contactIds: three } },
      ]);
      for (const id of three) {
        const contact = await read<{ tagIds: string[] }>(host, "get_contact", { id });
        expect(contact.tagIds).toContain(newsletter);
      }
      expect(shown.contexts.at(-1)?.structuredContent).toEqual({
        tool: "tag_contacts",
        tagId: newsletter,
        contactIds: three,
        remove: false,
      });
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "contacts: a segment_contacts result's total, then paging and editing the filters",
    async () => {
      const segment = await read<{ total: number }>(host, "segment_contacts", {});
      const shown = await host.show("segment_contacts", {});
      await shown.view.getByText(`${segment.total} contacts`).waitFor();
      // The segment's own count is used: the table's page is not counted again.
      expect(shown.calls[0]?.arguments).toEqual({ pageSize: 25 });
      await shown.view.locator("tbody tr").nth(24).waitFor();

      await shown.view.getByRole("button", { name: "Next" }).click();
      await shown.view.getByText("Page 2").waitFor();
      const next = shown.calls.at(-1);
      expect(next?.name).toBe("view_contacts");
      expect(typeof next?.arguments.pageToken).toBe("string");
      await shown.view.getByRole("button", { name: "Previous" }).click();
      await shown.view.getByText("Page 1").waitFor();

      await shown.view.getByLabel("Search").fill("Kowalsk");
      await shown.view.getByLabel("Tag filter").selectOption({ label: "VIP" });
      await shown.view.getByRole("button", { name: "Apply" }).click();
      await until(() => shown.calls.some((c) => c.arguments.search === "Kowalsk"));
      expect(shown.calls.at(-1)?.arguments).toEqual({ search: "Kowalsk", tagIds: [VIP], pageSize: 25, count: true });
      await shown.view.getByText(/^\d+ contacts?$/).waitFor();
      const names = await shown.view.locator("tbody tr td:nth-child(2)").allTextContents();
      expect(names.length).toBeGreaterThan(0);
      expect(names.every((n) => n.includes("Kowalsk"))).toBe(true);
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "contact card: identities, tags, named field values and the event timeline of a get_contact result",
    async () => {
      const shown = await host.show("get_contact", { id: ANNA });
      await shown.view.getByText("Preferred store").waitFor();
      const text = (await shown.view.locator("main").textContent()) ?? "";
      expect(text).toContain("Anna Kowalska");
      expect(text).toContain("whatsapp+48123456789");
      expect(text).toContain("TagsVIP");
      expect(text).toContain("Preferred storeKrakow");
      expect(await shown.view.locator(".timeline li").first().textContent()).toMatch(/^order\.paid · .*orderId: 4819/);
      expect(shown.calls).toEqual([{ name: "view_contact", arguments: { id: ANNA } }]);
      await followsTheme(shown);
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "conversation: messages as a chat with delivery states, the open window, and a reply sent from the box",
    async () => {
      const { conversations } = await read<{ conversations: { id: string; canSend?: boolean }[] }>(
        host,
        "list_conversations",
        { status: ["open"] },
      );
      const open = conversations.find((c) => c.canSend);
      if (!open) throw new Error("the sandbox has no conversation with an open window");
      const { messages } = await read<{ messages: { text?: string }[] }>(host, "list_conversation_messages", {
        id: open.id,
      });
      const shown = await host.show("get_conversation", { id: open.id });
      // The window's end comes with the thread (view_conversation), after the result's first render.
      await shown.view.getByText(/Reply window open until/).waitFor();
      const newest = messages[0]?.text ?? "";
      await shown.view.locator(".bubble").getByText(newest).waitFor();
      expect(await shown.view.locator(".bubble").count()).toBe(messages.length);
      expect(await shown.view.locator(".bubble.out .state").first().textContent()).toMatch(
        /sent|delivered|read|accepted/,
      );

      await shown.view.getByLabel("Reply").fill("Tak, zamówienie czeka na Panią.");
      await shown.view.getByRole("button", { name: "Send" }).click();
      await shown.view.locator(".bubble.out").getByText("Tak, zamówienie czeka na Panią.").waitFor();
      expect(shown.calls.filter((c) => c.name === "send_conversation_message")).toEqual([
        {
          name: "send_conversation_message",
          arguments: { id: open.id, content: { type: "text", text: "Tak, zamówienie czeka na Panią." } },
        },
      ]);
      const after = await read<{ messages: { text?: string }[] }>(host, "list_conversation_messages", {
        id: open.id,
      });
      expect(after.messages[0]?.text).toBe("Tak, zamówienie czeka na Panią.");
      await followsTheme(shown);
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "conversation: a closed window offers the inbox's approved templates, and sends one",
    async () => {
      const { conversations } = await read<{ conversations: { id: string; canSend?: boolean }[] }>(
        host,
        "list_conversations",
        {},
      );
      const closed = conversations.find((c) => c.canSend === false);
      if (!closed) throw new Error("the sandbox has no conversation with a closed window");
      const { window } = await read<{ window: { reason: string } }>(host, "get_conversation", { id: closed.id });
      const shown = await host.show("list_conversation_messages", { id: closed.id });
      await shown.view.getByText(window.reason).waitFor();
      expect(await shown.view.getByLabel("Reply").count()).toBe(0);
      const template = shown.view.getByLabel("Template");
      const [name = "", language = ""] =
        /^(\S+) \((\S+)\)$/.exec((await template.locator("option").first().textContent()) ?? "")?.slice(1) ?? [];
      // The template's body parameters ({{1}}, {{2}}) are asked for, and sent as its body component.
      await shown.view.getByLabel("Parameter 1").fill("Jan");
      await shown.view.getByLabel("Parameter 2").fill("4827");
      await shown.view.getByRole("button", { name: "Send template" }).click();
      await until(() => shown.calls.some((c) => c.name === "send_conversation_message"));
      expect(shown.calls.find((c) => c.name === "send_conversation_message")?.arguments).toEqual({
        id: closed.id,
        content: {
          type: "template",
          template: {
            name,
            language,
            components: [
              {
                type: "body",
                parameters: [
                  { type: "text", text: "Jan" },
                  { type: "text", text: "4827" },
                ],
              },
            ],
          },
        },
      });
      await shown.view.locator(".bubble.out").getByText(`Template ${name}`).waitFor();
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "import: a dry run's column mapping, and its row errors marked by row and column",
    async () => {
      const csv = "name,phone,Lifecycle stage,shoe size\nAnna,+48123,customer,40\nJan,+48600100200,lead,41\n,,,\n";
      const shown = await host.show("import_contacts", { csv, dryRun: true });
      await shown.view.getByText("Field: Lifecycle stage").waitFor();
      const mapping = await shown.view.locator("table.mapping tbody tr").allTextContents();
      expect(mapping).toEqual([
        "nameName",
        "phonePhone",
        "Lifecycle stageField: Lifecycle stage",
        "shoe sizeignored: no such field",
      ]);
      const bad = shown.view.locator('tr[data-row="2"] td.bad[data-column="phone"]');
      expect(await bad.textContent()).toContain("+48123");
      expect(await shown.view.locator('tr[data-row="2"] td.bad').count()).toBe(1);
      expect(await shown.view.locator('tr[data-row="4"] td.bad').textContent()).toContain("empty row");
      expect(await shown.view.locator(".stat").allTextContents()).toEqual([
        "3rows",
        "1valid",
        "2invalid",
        "1empty",
        "0duplicates",
      ]);
      await followsTheme(shown);
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "import: an upload followed to the end, with its counts and the import's own row errors",
    async () => {
      const csv = `name,phone\n${Array.from({ length: 30 }, (_, i) => `Import ${i},+486001${String(i).padStart(5, "0")}`).join("\n")}\nBroken,12\n`;
      const shown = await host.show("import_contacts", { csv });
      await shown.view.getByText("Import finished").waitFor();
      expect(await shown.view.getByLabel("Import progress").textContent()).toContain(
        "31 of 31 rows · 30 imported · 1 failed",
      );
      expect(await shown.view.locator('tr[data-row="32"] td.bad[data-column="phone"]').count()).toBe(1);
      const importId = shown.calls[0]?.arguments.importId;
      expect(shown.calls.every((c) => c.name === "view_import" && c.arguments.importId === importId)).toBe(true);
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "follows a host that sends its theme without CSS variables, by its own colours for each",
    async () => {
      const shown = await host.show("get_contact", { id: ANNA }, { variables: false });
      await shown.view.getByText("Preferred store").waitFor();
      const light = String(await shown.frame().evaluate(BACKGROUND));
      expect(light).not.toBe(THEMES.light["--color-background-primary"]);
      await shown.setTheme("dark");
      await shown.view.locator('html[data-theme="dark"]').waitFor({ state: "attached" });
      const dark = String(await shown.frame().evaluate(BACKGROUND));
      // The view's own light and dark colours: dark is darker.
      expect(luminance(dark)).toBeLessThan(luminance(light) / 2);
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "goes fullscreen through the host where the host offers it",
    async () => {
      const shown = await host.show("get_contact", { id: ANNA });
      await shown.view.getByText("Preferred store").waitFor();
      await shown.view.getByRole("button", { name: "Toggle fullscreen" }).click();
      await shown.view.locator('html[data-display-mode="fullscreen"]').waitFor({ state: "attached" });
      await shown.view.getByRole("button", { name: "Toggle fullscreen" }).click();
      await shown.view.locator('html[data-display-mode="inline"]').waitFor({ state: "attached" });
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "has no network of its own: neither the host's sandbox nor the view's own policy lets it reach anything",
    async () => {
      const probe = await serve({ "/probe": ["text/plain", "reached"] });
      const attempt = (url: string) =>
        fetch(url).then(
          () => "reached",
          () => "blocked",
        );
      const shown = await host.show("get_contact", { id: ANNA });
      await shown.view.getByText("Preferred store").waitFor();
      expect(await shown.frame().evaluate(attempt, `${probe.origin}/probe`)).toBe("blocked");
      await shown.close();
      // The view's HTML alone, with no host around it: its own Content-Security-Policy forbids it.
      for (const view of VIEWS) {
        const { contents } = await host.mcp.client.readResource({ uri: view.uri });
        const html = contents[0] && "text" in contents[0] ? contents[0].text : "";
        const page = await host.page();
        await page.setContent(html);
        expect(await page.evaluate(attempt, `${probe.origin}/probe`), view.id).toBe("blocked");
        await page.close();
      }
      expect(probe.requests).toEqual([]);
      await new Promise<void>((resolve) => probe.server.close(() => resolve()));
    },
    TIMEOUT,
  );
});

/** The relative luminance of a computed `rgb(r, g, b)` colour, 0 (black) to 1 (white). */
function luminance(rgb: string): number {
  const [r = 0, g = 0, b = 0] = (rgb.match(/\d+/g) ?? []).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

describe.skipIf(!hasChromium && !process.env.CI)("views through a 2026-era host", () => {
  let workspace: Sandbox;
  let modern: ViewHost;
  beforeAll(async () => {
    workspace = await startSandbox();
    modern = await ViewHost.start("2026-07-28", testConfig({ baseUrl: workspace.baseUrl, apiKey: workspace.apiKey }));
  }, TIMEOUT);
  afterAll(async () => {
    await modern?.close();
    await workspace?.close();
  });

  it(
    "shows the contacts table and untags the selected row through tag_contacts",
    async () => {
      const shown = await modern.show("list_contacts", { tagIds: ["VIP"] });
      await shown.view.getByText("8 contacts").waitFor();
      await shown.view.locator(`tr[data-id="${ANNA}"] input[type=checkbox]`).check();
      await shown.view.getByRole("button", { name: "Untag…", exact: true }).click();
      await shown.view.getByRole("dialog").getByLabel("Tag").selectOption({ label: "VIP" });
      await shown.view.getByRole("dialog").getByRole("button", { name: "Remove", exact: true }).click();
      await shown.view.getByText("Removed tag VIP from 1 of 1 selected contacts.").waitFor();
      expect(shown.calls.find((c) => c.name === "tag_contacts")?.arguments).toEqual({
        tagId: VIP,
        contactIds: [ANNA],
        remove: true,
      });
      // The table was read again: Anna no longer matches the VIP filter.
      await shown.view.getByText("7 contacts").waitFor();
      expect(await shown.view.locator(`tr[data-id="${ANNA}"]`).count()).toBe(0);
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );
});

/**
 * A loopback proxy in front of the sandbox that holds its tag writes while
 * paused and lets them go one at a time, so a job's progress can be watched.
 */
async function holdingProxy(target: string) {
  const upstream = new URL(target);
  const held: (() => void)[] = [];
  let paused = false;
  const server = createHttpServer(async (req, res) => {
    const write = req.method !== "GET" && /\/contacts\/[^/]+\/tags\/[^/]+$/.test(req.url ?? "");
    if (write && paused) await new Promise<void>((resolve) => held.push(resolve));
    const forward = request(
      new URL(req.url ?? "/", upstream.origin),
      { method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const resume = () => {
    paused = false;
    for (const go of held.splice(0)) go();
  };
  return {
    baseUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
    held: () => held.length,
    pause: () => {
      paused = true;
    },
    releaseOne: () => held.shift()?.(),
    resume,
    close: () => {
      resume();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.skipIf(!hasChromium && !process.env.CI)("the bulk change view", () => {
  let workspace: Sandbox;
  let proxy: Awaited<ReturnType<typeof holdingProxy>>;
  let bulk: ViewHost;
  beforeAll(async () => {
    workspace = await startSandbox();
    proxy = await holdingProxy(workspace.baseUrl);
    // Every bulk change asks first (a token: this host's client has no forms), a job answers with its id at once,
    // and the journal is on, for undo.
    bulk = await ViewHost.start(
      "2025-11-25",
      testConfig({
        baseUrl: proxy.baseUrl,
        apiKey: workspace.apiKey,
        confirm: { mode: "always", bulkThreshold: 25 },
        jobWaitMs: 0,
        journal: join(mkdtempSync(join(tmpdir(), "flownally-views-")), "journal.jsonl"),
      }),
    );
  }, TIMEOUT);
  afterEach(() => proxy.resume());
  afterAll(async () => {
    await bulk?.close();
    await proxy?.close();
    await workspace?.close();
  });

  /** The ids of the contacts that have the tag, sorted: a real read through the app-only table page. */
  async function members(tag: string): Promise<string[]> {
    const page = await read<{ contacts: { id: string }[] }>(bulk, "view_contacts", { tagIds: [tag], pageSize: 100 });
    return page.contacts.map((c) => c.id).sort();
  }

  interface Plan {
    matched: number;
    alreadyTagged: number;
    wouldChange: number;
    sample: { id: string; name: string }[];
  }

  /** What tagging the VIP contacts with `tag` would change, as its dry run says. */
  const dryRun = (tag: string) => read<Plan>(bulk, "tag_contacts", { tagId: tag, tagIds: ["VIP"], dryRun: true });

  /** Waits for the job's heading (Applying…, Done), then gives its counts line. */
  async function jobShows(shown: Shown, heading: RegExp): Promise<string> {
    await shown.view.getByRole("heading", { name: heading }).waitFor();
    return (await shown.view.getByLabel("Counts").textContent()) ?? "";
  }

  it(
    "a dryRun result renders the preview: the tag, add, the count and a sample by name, with Accept and Decline",
    async () => {
      const newsletter = await tagId(bulk, "newsletter");
      const plan = await dryRun(newsletter);
      expect(plan.wouldChange).toBeGreaterThan(0);
      const shown = await bulk.show("tag_contacts", { tagId: newsletter, tagIds: ["VIP"], dryRun: true });
      await shown.view.getByText(`Adding tag newsletter to ${plan.wouldChange} contacts`, { exact: true }).waitFor();
      expect(await shown.view.locator(".stat").allTextContents()).toEqual([
        `${plan.wouldChange}will change`,
        `${plan.matched}match`,
        `${plan.alreadyTagged}have it already`,
      ]);
      expect(await shown.view.locator("table.sample tbody td:first-child").allTextContents()).toEqual(
        plan.sample.map((c) => c.name),
      );
      await shown.view.getByRole("button", { name: "Accept", exact: true }).waitFor();
      await shown.view.getByRole("button", { name: "Decline", exact: true }).waitFor();
      // A dry run's result holds all the preview shows: the view asked nothing of the server.
      expect(shown.calls).toEqual([]);
      await followsTheme(shown);
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "Accept applies the change under the server's confirmation, shows the job's progress, then its result",
    async () => {
      const wholesale = await tagId(bulk, "wholesale");
      const [vip, before, plan] = await Promise.all([members(VIP), members(wholesale), dryRun(wholesale)]);
      const args = { tagId: wholesale, tagIds: ["VIP"] };
      const shown = await bulk.show("tag_contacts", { ...args, dryRun: true });
      proxy.pause();
      await shown.view.getByRole("button", { name: "Accept", exact: true }).click();
      // The server asks first: the view shows its question and sends nothing more until the user accepts it.
      await shown.view
        .getByText(`Flownally asks for your yes: Add tag wholesale to contacts — ${plan.wouldChange} contacts`)
        .waitFor();
      expect(shown.calls).toEqual([{ name: "tag_contacts", arguments: args }]);
      expect(await members(wholesale)).toEqual(before);

      await shown.view.getByRole("button", { name: "Accept", exact: true }).click();
      expect(await jobShows(shown, /^Applying…/)).toBe(
        `0 of ${plan.wouldChange} · 0 applied · ${plan.alreadyTagged} unchanged · 0 failed`,
      );
      const confirmed = shown.calls[1];
      expect(confirmed?.arguments).toEqual({ ...args, confirm: expect.stringMatching(/^cf_/) });
      await until(() => proxy.held() > 0);
      proxy.releaseOne();
      await shown.view.getByText(`1 of ${plan.wouldChange} · 1 applied`).waitFor();
      proxy.resume();
      const n = plan.wouldChange;
      expect(await jobShows(shown, /^Done/)).toBe(
        `${n} of ${n} · ${n} applied · ${plan.alreadyTagged} unchanged · 0 failed`,
      );

      // The workspace changed: every VIP contact has the tag now, and no other contact got it.
      expect(await members(wholesale)).toEqual([...new Set([...before, ...vip])].sort());
      const jobId = shown.calls.at(-1)?.arguments.jobId;
      expect(shown.calls.slice(2).every((c) => c.name === "view_bulk" && c.arguments.jobId === jobId)).toBe(true);
      await until(() => shown.contexts.length > 0);
      expect(shown.contexts.at(-1)?.structuredContent).toEqual({
        tool: "tag_contacts",
        jobId,
        status: "done",
        applied: n,
        unchanged: plan.alreadyTagged,
        failed: 0,
      });
      await shown.view.getByRole("button", { name: "Undo", exact: true }).waitFor();
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "Decline, on a call that needed the user's yes, changes nothing and tells the model",
    async () => {
      const complaint = await tagId(bulk, "complaint");
      const [before, plan] = await Promise.all([members(complaint), dryRun(complaint)]);
      // The model's own call: the server answers with its question and a token, not a change.
      const shown = await bulk.show("tag_contacts", { tagId: complaint, tagIds: ["VIP"] });
      await shown.view.getByText(/^Flownally asks for your yes: Add tag complaint to contacts/).waitFor();
      // What it will change, read as a dry run: the count and the sample by name.
      await shown.view.getByText(`${plan.wouldChange}will change`).waitFor();
      expect(await shown.view.locator("table.sample tbody td:first-child").allTextContents()).toEqual(
        plan.sample.map((c) => c.name),
      );
      await shown.view.getByRole("button", { name: "Decline", exact: true }).click();
      await shown.view.getByText("Declined: nothing was changed.").waitFor();
      expect(shown.calls).toEqual([
        { name: "tag_contacts", arguments: { tagId: complaint, tagIds: ["VIP"], dryRun: true } },
      ]);
      expect(await members(complaint)).toEqual(before);
      await until(() => shown.contexts.length > 0);
      expect(shown.contexts.at(-1)).toEqual({
        content: [
          {
            type: "text",
            text: `In the bulk change view the user declined adding tag complaint to ${plan.wouldChange} contacts: nothing was changed.`,
          },
        ],
        structuredContent: { tool: "tag_contacts", declined: true },
      });
      expect(await shown.view.getByRole("button", { name: "Accept", exact: true }).count()).toBe(0);
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );

  it(
    "Undo, on a manage_job result, reverts exactly the contacts the job changed, under the server's confirmation",
    async () => {
      const orderReady = await tagId(bulk, "order_ready");
      const [vip, before] = await Promise.all([members(VIP), members(orderReady)]);
      const changed = vip.filter((id) => !before.includes(id));
      expect(changed.length).toBeGreaterThan(0);
      expect(vip.length).toBeGreaterThan(changed.length);
      // A job the model ran: asked, then confirmed with the server's token.
      const args = { tagId: orderReady, tagIds: ["VIP"] };
      const asked = (await bulk.mcp.client.callTool({ name: "tag_contacts", arguments: args })) as CallToolResult;
      const token = /"confirm": "(cf_[\w-]+)"/.exec(
        asked.content.map((c) => (c.type === "text" ? c.text : "")).join(""),
      )?.[1];
      const { job } = await read<{ job: string }>(bulk, "tag_contacts", { ...args, confirm: token });
      // Asked as a client would, a turn at a time (a job in this process answers without waiting on anything).
      let status = "running";
      while (status === "running") {
        await new Promise((resolve) => setTimeout(resolve, 5));
        status = (await read<{ status: string }>(bulk, "manage_job", { jobId: job })).status;
      }
      expect(await members(orderReady)).toEqual([...new Set([...before, ...vip])].sort());

      const shown = await bulk.show("manage_job", { jobId: job });
      await jobShows(shown, /^Done/);
      await shown.view.getByRole("button", { name: "Undo", exact: true }).click();
      await shown.view
        .getByText(
          `Flownally asks for your yes: Undo ${job}: remove tag order_ready from contacts — ${changed.length} contacts`,
          { exact: false },
        )
        .waitFor();
      expect(shown.calls.at(-1)).toEqual({ name: "manage_job", arguments: { jobId: job, action: "undo" } });
      expect(await members(orderReady)).toEqual([...new Set([...before, ...vip])].sort());

      await shown.view.getByRole("button", { name: "Accept undo", exact: true }).click();
      await shown.view.getByText(`Undo of ${job}`).waitFor();
      const n = changed.length;
      expect(await jobShows(shown, /^Done/)).toBe(`${n} of ${n} · ${n} applied · 0 unchanged · 0 failed`);
      expect(shown.calls.find((c) => c.arguments.confirm !== undefined)).toEqual({
        name: "manage_job",
        arguments: { jobId: job, action: "undo", confirm: expect.stringMatching(/^cf_/) },
      });
      // Exactly those: the contacts the job tagged lost the tag again; those that had it before keep it.
      expect(await members(orderReady)).toEqual(before);
      await until(() => shown.contexts.length > 0);
      expect(shown.contexts.at(-1)?.content).toEqual([
        expect.objectContaining({ text: expect.stringContaining(`the user undid ${job}: undo job job_`) }),
      ]);
      expect(shown.errors).toEqual([]);
      await shown.close();
    },
    TIMEOUT,
  );
});
