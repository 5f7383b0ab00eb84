// npm run screenshots: each MCP App view rendered from a real tool result
// against the sandbox, through the test host (ext-apps' AppBridge in headless
// Chromium), saved to docs/screenshots/ for the README. The sandbox's clock is
// fixed, so the pictures change only when the views do.

import { mkdir } from "node:fs/promises";
import { startSandbox } from "../src/sandbox/index.js";
import { testConfig } from "../test/helpers/mcp.js";
import { CHROMIUM, hasChromium, type Shown, ViewHost } from "../test/helpers/view-host/index.js";

const OUT = "docs/screenshots";
const ANNA = "con_01HV8Y5R5RFMS0TFK6PKF9H2S8";
const WIDTH = 720;

if (!hasChromium) {
  console.error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
  process.exit(1);
}

const sandbox = await startSandbox({ clock: () => new Date("2026-05-04T10:00:00Z") });
const host = await ViewHost.start("2025-11-25", testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }));
const newsletter = (
  (await host.mcp.client.callTool({ name: "list_tags", arguments: {} })).structuredContent as {
    tags: { id: string; name: string }[];
  }
).tags.find((t) => t.name === "newsletter")?.id;
await mkdir(OUT, { recursive: true });

interface Conversation {
  id: string;
  canSend?: boolean;
}
const listed = await host.mcp.client.callTool({ name: "list_conversations", arguments: {} });
const conversations = (listed.structuredContent as { conversations: Conversation[] }).conversations;
const open = conversations.find((c) => c.canSend)?.id;
const closed = conversations.find((c) => c.canSend === false)?.id;

const shots: {
  file: string;
  tool: string;
  args: Record<string, unknown>;
  theme?: "dark";
  /** Waits for the view's own data, then sets the scene. */
  ready(shown: Shown): Promise<void>;
}[] = [
  {
    file: "contacts.png",
    tool: "list_contacts",
    args: { tagIds: ["VIP"] },
    ready: async ({ view }) => {
      await view.getByText("8 contacts").waitFor();
      for (const row of [0, 2, 3]) await view.locator("tbody tr input[type=checkbox]").nth(row).check();
      await view.getByRole("button", { name: "Tag…", exact: true }).click();
    },
  },
  {
    file: "contact.png",
    tool: "get_contact",
    args: { id: ANNA },
    ready: ({ view }) => view.getByText("Preferred store").waitFor(),
  },
  {
    file: "conversation.png",
    tool: "get_conversation",
    args: { id: open },
    ready: ({ view }) => view.getByText(/Reply window open until/).waitFor(),
  },
  {
    file: "conversation-template-dark.png",
    tool: "get_conversation",
    args: { id: closed },
    theme: "dark",
    ready: ({ view }) => view.getByRole("button", { name: "Send template" }).waitFor(),
  },
  {
    file: "bulk.png",
    tool: "tag_contacts",
    args: { tagId: newsletter, tagIds: ["VIP"], dryRun: true },
    ready: ({ view }) => view.getByRole("button", { name: "Accept", exact: true }).waitFor(),
  },
  {
    file: "bulk-done.png",
    tool: "tag_contacts",
    args: { tagId: newsletter, tagIds: ["VIP"], dryRun: true },
    ready: async ({ view }) => {
      await view.getByRole("button", { name: "Accept", exact: true }).click();
      await view.getByRole("button", { name: "Undo", exact: true }).waitFor();
    },
  },
  {
    file: "import-check.png",
    tool: "import_contacts",
    args: {
      csv: "name,phone,Lifecycle stage,Preferred store,shoe size\nEwa Nowak,+48600100200,lead,Krakow,38\nAdam Lis,+48 600,customer,Gdansk,44\nOla Wrona,+48600100202,vip,Poznan,39\n,,,,\n",
      dryRun: true,
    },
    ready: ({ view }) => view.getByText("Field: Preferred store").waitFor(),
  },
  {
    file: "import-done.png",
    tool: "import_contacts",
    args: {
      csv: `name,phone\n${Array.from({ length: 120 }, (_, i) => `Klient ${i + 1},+48601${String(i).padStart(6, "0")}`).join("\n")}\nBez telefonu,12\n`,
    },
    ready: ({ view }) => view.getByText("Import finished").waitFor(),
  },
];

try {
  for (const shot of shots) {
    const shown = await host.show(shot.tool, shot.args, { width: WIDTH, ...(shot.theme && { theme: shot.theme }) });
    await shot.ready(shown);
    await shown.page.locator("#view").screenshot({ path: `${OUT}/${shot.file}` });
    if (shown.errors.length) throw new Error(`${shot.file}: ${shown.errors.join("; ")}`);
    await shown.close();
    console.log(`${OUT}/${shot.file}`);
  }
} finally {
  await host.close();
  await sandbox.close();
}
