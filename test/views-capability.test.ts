// Views are offered only to a client that declares the UI extension, in either
// protocol era: for it, the tools whose results a view shows name the view,
// the app-only tools are listed and callable, the ui:// resources listed and
// readable; for any other client tools/list is byte for byte the committed
// listing (test/__toolsnaps__), results are the same bytes, resources/list has
// no view, and an app-only tool does not exist. Real v2 clients, in process;
// the built binary over stdio for where the bundle finds the views' HTML.

import { readFileSync } from "node:fs";
import { type CallToolResult, Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY } from "@modelcontextprotocol/ext-apps/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Config, DEFAULT_CONFIRM } from "../src/config.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { VIEWS } from "../src/views/catalog.js";
import { ERAS } from "./helpers/eras.js";
import { testConfig } from "./helpers/mcp.js";
import { connectMcp, type McpConnection, UI_CAPABILITIES } from "./helpers/view-host/index.js";

const ANNA = "con_01HV8Y5R5RFMS0TFK6PKF9H2S8";
const APP_ONLY = VIEWS.flatMap((v) => v.appTools);

let sandbox: Sandbox;
let config: Config;
beforeAll(async () => {
  sandbox = await startSandbox();
  // Listed as the default --confirm (auto) lists, as the committed snapshots are.
  config = testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, confirm: DEFAULT_CONFIRM });
});
afterAll(() => sandbox.close());

/** The committed tools/list entries, in the order `names` gives. */
function snapshots(names: readonly string[]): unknown[] {
  return names.map((n) => JSON.parse(readFileSync(new URL(`./__toolsnaps__/${n}.json`, import.meta.url), "utf8")));
}

/** Each JSON-RPC message in what the server sent (JSON bodies, or the data lines of an event stream). */
function messages(raw: readonly string[]): { text: string; message: { result?: Record<string, unknown> } }[] {
  return raw.flatMap((body) =>
    (body.startsWith("{") ? [body] : body.split("\n").flatMap((l) => (l.startsWith("data: ") ? [l.slice(6)] : [])))
      .filter((text) => text.startsWith("{"))
      .map((text) => ({ text, message: JSON.parse(text) })),
  );
}

/** The raw text of the result `run` got: the last message the server sent with a result. */
async function rawResult(mcp: McpConnection, run: () => Promise<unknown>): Promise<string> {
  mcp.raw.length = 0;
  await run();
  const last = messages(mcp.raw).findLast((m) => m.message.result !== undefined);
  if (!last) throw new Error("no result was sent");
  return JSON.stringify(last.message.result);
}

describe.each(ERAS)("%s era", (era) => {
  let plain: McpConnection;
  let ui: McpConnection;
  beforeAll(async () => {
    [plain, ui] = await Promise.all([connectMcp(era, config, false), connectMcp(era, config, true)]);
  });
  afterAll(async () => {
    await Promise.all([plain?.close(), ui?.close()]);
  });

  it("lists, for a client without the UI extension, exactly the committed tools, byte for byte", async () => {
    plain.raw.length = 0;
    const { tools } = await plain.client.listTools();
    const sent = messages(plain.raw).find((m) => Array.isArray(m.message.result?.tools));
    expect(sent, "the tools/list answer").toBeDefined();
    expect(sent?.text).toContain(`"tools":${JSON.stringify(snapshots(tools.map((t) => t.name)))}`);
    expect(sent?.text).not.toContain("ui://");
    expect(tools.map((t) => t.name)).not.toEqual(expect.arrayContaining([APP_ONLY[0]]));
  });

  it("gives a client without the UI extension the same result bytes as one with it", async () => {
    const calls: [string, Record<string, unknown>][] = [
      ["list_contacts", { tagIds: ["VIP"], pageSize: 5 }],
      ["get_contact", { id: ANNA }],
      ["segment_contacts", { tagIds: ["VIP"] }],
      ["import_contacts", { csv: "name,phone\nAnna,+48123\n", dryRun: true }],
      ["tag_contacts", { tagId: "tag_01HV8Y9R3Q4J6A7M8N9P0Q2S4", search: "Kowalsk", dryRun: true }],
      ["manage_job", {}],
    ];
    for (const [name, args] of calls) {
      const without = await rawResult(plain, () => plain.client.callTool({ name, arguments: args }));
      const withUi = await rawResult(ui, () => ui.client.callTool({ name, arguments: args }));
      expect(without, name).toBe(withUi);
      expect(without).not.toContain("ui://");
    }
  });

  it("lists no view resource to a client without the UI extension, and reads none for it", async () => {
    const listed = (await plain.client.listResources()).resources.map((r) => r.uri);
    expect(listed).toContain("flownally://tags");
    expect(listed.filter((uri) => uri.startsWith("ui://"))).toEqual([]);
    await expect(plain.client.readResource({ uri: VIEWS[0]?.uri ?? "" })).rejects.toThrow();
  });

  it("has no app-only tools for a client without the UI extension", async () => {
    for (const name of APP_ONLY) {
      const result = (await plain.client.callTool({ name, arguments: {} })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain(`Unknown tool ${name}`);
    }
  });

  it("names each tool's view for a client with the UI extension, in both forms hosts read", async () => {
    const { tools } = await ui.client.listTools();
    for (const view of VIEWS) {
      for (const name of view.tools) {
        const tool = tools.find((t) => t.name === name);
        expect(tool?._meta, name).toEqual({ ui: { resourceUri: view.uri }, [RESOURCE_URI_META_KEY]: view.uri });
      }
    }
    // Apart from their _meta, the entries are those every client gets.
    const others = tools.filter((t) => !APP_ONLY.includes(t.name)).map(({ _meta, ...rest }) => rest);
    expect(JSON.stringify(others)).toBe(JSON.stringify(snapshots(others.map((t) => t.name))));
  });

  it("lists the app-only tools for the host to give the views alone, and runs them", async () => {
    const { tools } = await ui.client.listTools();
    for (const name of APP_ONLY) {
      const tool = tools.find((t) => t.name === name);
      expect(tool?._meta, name).toEqual({ ui: { visibility: ["app"] } });
      expect(tool?.annotations?.readOnlyHint, name).toBe(true);
    }
    const page = await ui.client.callTool({ name: "view_contacts", arguments: { tagIds: ["VIP"], count: true } });
    expect(page.isError).toBeFalsy();
    const data = page.structuredContent as { contacts: { id: string; tags: { name: string }[] }[]; total: number };
    expect(data.total).toBe(8);
    expect(data.contacts.find((c) => c.id === ANNA)?.tags.map((t) => t.name)).toEqual(["VIP"]);
  });

  it("lists and serves each view's HTML, with no network of its own, to a client with the UI extension", async () => {
    const listed = (await ui.client.listResources()).resources.filter((r) => r.uri.startsWith("ui://"));
    expect(listed.map((r) => r.uri).sort()).toEqual(VIEWS.map((v) => v.uri).sort());
    for (const view of VIEWS) {
      expect(listed.find((r) => r.uri === view.uri)?.mimeType).toBe(RESOURCE_MIME_TYPE);
      const { contents } = await ui.client.readResource({ uri: view.uri });
      const [content] = contents;
      expect(content?.mimeType).toBe(RESOURCE_MIME_TYPE);
      const html = content && "text" in content ? content.text : "";
      expect(Buffer.byteLength(html), view.id).toBeLessThan(100 * 1024);
      expect(html).toMatch(
        /<meta http-equiv="Content-Security-Policy" content="default-src 'none';[^"]*connect-src 'none'/,
      );
      expect(content?._meta).toEqual({
        ui: {
          csp: { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] },
          prefersBorder: true,
        },
      });
    }
  });
});

describe("what is served", () => {
  it("offers a view only where a tool whose results it shows is served", async () => {
    const mcp = await connectMcp("2025-11-25", { ...config, toolsets: ["messaging"] }, true);
    try {
      const names = (await mcp.client.listTools()).tools.map((t) => t.name);
      expect(names).toContain("view_conversation");
      expect(names).not.toContain("view_contacts");
      const refused = (await mcp.client.callTool({ name: "view_contacts", arguments: {} })) as CallToolResult;
      expect(refused.isError).toBe(true);
    } finally {
      await mcp.close();
    }
  });

  it("gives a view the whole page, whatever the cap on what the model reads", async () => {
    const mcp = await connectMcp("2025-11-25", { ...config, maxResultTokens: 500 }, true);
    try {
      const page = await mcp.client.callTool({ name: "view_contacts", arguments: { pageSize: 100 } });
      expect((page.structuredContent as { contacts: unknown[] }).contacts).toHaveLength(46);
      // The model's own tools keep the cap.
      const listed = await mcp.client.callTool({ name: "list_contacts", arguments: { pageSize: 100 } });
      expect((listed.structuredContent as { contacts: unknown[] }).contacts.length).toBeLessThan(46);
    } finally {
      await mcp.close();
    }
  });

  it("offers none in discovery mode, whose tools show no results of their own", async () => {
    const mcp = await connectMcp("2025-11-25", { ...config, toolMode: "discovery" }, true);
    try {
      const { tools } = await mcp.client.listTools();
      expect(tools.filter((t) => t._meta !== undefined)).toEqual([]);
      expect(tools.map((t) => t.name)).not.toContain("view_contacts");
    } finally {
      await mcp.close();
    }
  });

  it.each(ERAS)(
    "serves the views from the built server over stdio in the %s era, read where the build put them",
    async (era) => {
      const connectStdio = async (ui: boolean) => {
        const client = new Client(
          { name: "stdio-ui", version: "1.0.0" },
          {
            ...(ui && { capabilities: UI_CAPABILITIES }),
            ...(era === "2026-07-28" && { versionNegotiation: { mode: { pin: era } } }),
          },
        );
        await client.connect(
          new StdioClientTransport({
            command: process.execPath,
            // Against the test's sandbox API, not --sandbox: with a key and a base URL the front door
            // answers a 2025-era opening (a --sandbox run starts whole).
            args: ["dist/cli.js", "--toolsets", "all"],
            env: {
              PATH: process.env.PATH ?? "",
              FLOWNALLY_API_KEY: sandbox.apiKey,
              FLOWNALLY_BASE_URL: sandbox.baseUrl,
            },
            stderr: "ignore",
          }),
        );
        return client;
      };
      const [plain, ui] = await Promise.all([connectStdio(false), connectStdio(true)]);
      try {
        expect((await plain.listTools()).tools.filter((t) => t._meta !== undefined)).toEqual([]);
        // On a 2026-era stdio connection each request's envelope says what the client renders.
        const tool = (await ui.listTools()).tools.find((t) => t.name === "get_contact");
        expect(tool?._meta?.ui).toEqual({ resourceUri: "ui://flownally/contact.html" });
        const { contents } = await ui.readResource({ uri: "ui://flownally/contact.html" });
        expect(contents[0] && "text" in contents[0] ? contents[0].text : "").toContain("<!doctype html>");
        const card = await ui.callTool({ name: "view_contact", arguments: { id: ANNA } });
        expect(JSON.stringify(card.structuredContent)).toContain("Anna Kowalska");
      } finally {
        await Promise.all([plain.close(), ui.close()]);
      }
    },
    30_000,
  );
});
