// Bulk and long-running work through a real MCP client: CSV import (check,
// dry run, wait with progress), file roots, upload_media, tag_contacts and
// segment_contacts, progress and cancellation.

import { once } from "node:events";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type CallToolResult, CallToolResultSchema, ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { json, type Loopback, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, dataOf, testConfig, textOf } from "./helpers/mcp.js";
import { until } from "./helpers/until.js";

const BULK = 130;

let sandbox: Sandbox;
let root: string;
let outside: string;
let conn: Connected;

beforeAll(async () => {
  sandbox = await startSandbox();
  root = realpathSync(mkdtempSync(join(tmpdir(), "flownally-root-")));
  outside = realpathSync(mkdtempSync(join(tmpdir(), "flownally-outside-")));
  conn = await connect(testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, fileRoots: [root] }));
  // A segment larger than one page of 100.
  for (let i = 0; i < BULK; i++) {
    await conn.api.request({
      method: "POST",
      path: "/contacts",
      body: { name: `Bulkperson ${i}`, phone: `+4860${String(1_000_000 + i)}` },
    });
  }
});

afterAll(async () => {
  await conn.close();
  await sandbox.close();
});

async function newTag(name: string): Promise<string> {
  const res = await conn.call("create_tag", { name });
  const id = dataOf(res).id;
  if (typeof id !== "string") throw new Error(textOf(res));
  return id;
}

describe("import_contacts", () => {
  it("dry run points at the bad row and creates nothing", async () => {
    const contacts = sandbox.store.contacts.size;
    const imports = sandbox.store.imports.size;
    const res = await conn.call("import_contacts", {
      csv: "name,phone,Preferred store,shoe size\nAnna Dry,+48500100200,Krakow,41\n\nBad Dry,12345,,\n,,,\nAnna Dry,+48500100200,Krakow,41\n",
      dryRun: true,
    });
    expect(res.isError).toBeFalsy();
    const check = dataOf(res).check as Record<string, unknown>;
    expect(check).toMatchObject({
      rows: 4,
      validRows: 2,
      invalidRows: 2,
      emptyRows: 1,
      duplicateRows: 1,
      unknownColumns: ["shoe size"],
    });
    // The blank line is not counted, as the API counts rows: header 1, Anna 2, Bad 3, empty 4, duplicate 5.
    expect(check.issues).toEqual([
      { row: 3, column: "phone", message: expect.stringContaining("E.164") },
      { row: 4, message: expect.stringContaining("empty row") },
      { row: 5, column: "phone", message: "duplicate of row 2 (same phone)" },
    ]);
    expect((check.columns as Record<string, unknown>)["Preferred store"]).toMatch(/^cf/);
    expect(sandbox.store.contacts.size).toBe(contacts);
    expect(sandbox.store.imports.size).toBe(imports);
  });

  it("imports a file under the roots, waiting with progress, and returns counts and row errors", async () => {
    const file = join(root, "people.csv");
    writeFileSync(file, "name,phone\nIrena Import,+48500200300\nBad Import,0048 500\nJerzy Import,+48500200301\n");
    const progress: number[] = [];
    const res = (await conn.client.callTool(
      { name: "import_contacts", arguments: { filePath: file, wait: true } },
      CallToolResultSchema,
      { onprogress: (p) => progress.push(p.progress) },
    )) as CallToolResult;
    expect(res.isError, textOf(res)).toBeFalsy();
    expect(dataOf(res)).toMatchObject({ status: "completed", totalRows: 3, successCount: 2, failedCount: 1 });
    expect(dataOf(res).errors).toEqual([{ row: 3, column: "phone", message: expect.any(String) }]);
    expect(progress.length).toBeGreaterThan(0);
    const found = await conn.call("list_contacts", { search: "Import" });
    expect((dataOf(found).contacts as unknown[]).length).toBe(2);
  });

  it("refuses files outside the roots, and symlinks inside pointing out, reading nothing", async () => {
    const imports = sandbox.store.imports.size;
    const passwd = await conn.call("import_contacts", { filePath: "/etc/passwd", dryRun: true });
    expect(passwd.isError).toBe(true);
    expect(textOf(passwd)).toContain(`outside the allowed file roots (${root})`);

    writeFileSync(join(outside, "secret.csv"), "name\nSecret\n");
    symlinkSync(join(outside, "secret.csv"), join(root, "link.csv"));
    const linked = await conn.call("import_contacts", { filePath: join(root, "link.csv"), dryRun: true });
    expect(linked.isError).toBe(true);
    expect(textOf(linked)).toContain("outside the allowed file roots");
    mkdirSync(join(root, "sub"));
    const climbing = await conn.call("upload_media", {
      filePath: join(root, "sub", "..", "..", outside.split("/").pop() ?? "", "secret.csv"),
    });
    expect(climbing.isError).toBe(true);
    expect(sandbox.store.imports.size).toBe(imports);
  });

  it("prefers the client's roots over FLOWNALLY_FILE_ROOTS and follows roots/list_changed", async () => {
    const clientRoot = realpathSync(mkdtempSync(join(tmpdir(), "flownally-client-root-")));
    writeFileSync(join(clientRoot, "a.csv"), "name\nA\n");
    writeFileSync(join(root, "b.csv"), "name\nB\n");
    let roots = [clientRoot];
    const withRoots = await connect(
      testConfig({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, fileRoots: [root] }),
      {
        capabilities: { roots: { listChanged: true } },
      },
    );
    withRoots.client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: roots.map((r) => ({ uri: pathToFileURL(r).href, name: "r" })),
    }));
    try {
      // The server asked for roots before the handler was set; announce them again.
      await withRoots.client.sendRootsListChanged();
      expect(
        (await withRoots.call("import_contacts", { filePath: join(clientRoot, "a.csv"), dryRun: true })).isError,
      ).toBeFalsy();
      const configured = await withRoots.call("import_contacts", { filePath: join(root, "b.csv"), dryRun: true });
      expect(textOf(configured)).toContain(`roots (${clientRoot})`);

      roots = [root];
      await withRoots.client.sendRootsListChanged();
      expect(
        (await withRoots.call("import_contacts", { filePath: join(root, "b.csv"), dryRun: true })).isError,
      ).toBeFalsy();
      expect(
        (await withRoots.call("import_contacts", { filePath: join(clientRoot, "a.csv"), dryRun: true })).isError,
      ).toBe(true);
    } finally {
      await withRoots.close();
    }
  });
});

describe("tag_contacts and segment_contacts", () => {
  it("counts a segment over several pages with a sample", async () => {
    const res = await conn.call("segment_contacts", { search: "Bulkperson", limit: 3 });
    expect(res.isError, textOf(res)).toBeFalsy();
    expect(dataOf(res).total).toBe(BULK);
    const sample = dataOf(res).sample as { id: string; name: string; phone: string; tags: string[] }[];
    expect(sample).toHaveLength(3);
    expect(sample[0]).toMatchObject({
      name: expect.stringContaining("Bulkperson"),
      phone: expect.stringMatching(/^\+4860/),
      tags: [],
    });
  });

  it("previews a tagging with dryRun and changes nothing", async () => {
    const tag = await newTag("bulk-preview");
    const res = await conn.call("tag_contacts", { tagId: tag, search: "Bulkperson", dryRun: true });
    expect(dataOf(res)).toMatchObject({ dryRun: true, matched: BULK, alreadyTagged: 0, wouldChange: BULK });
    expect((dataOf(res).sample as unknown[]).length).toBe(10);
    expect([...sandbox.store.contacts.values()].some((c) => c.tagIds.includes(tag))).toBe(false);
  });

  it("tags a whole segment in one call with progress, then untags it", async () => {
    const tag = await newTag("bulk-vip");
    const progress: number[] = [];
    const res = (await conn.client.callTool(
      { name: "tag_contacts", arguments: { tagId: tag, search: "Bulkperson" } },
      CallToolResultSchema,
      { onprogress: (p) => progress.push(p.progress) },
    )) as CallToolResult;
    expect(res.isError, textOf(res)).toBeFalsy();
    expect(dataOf(res)).toMatchObject({ matched: BULK, applied: BULK, alreadyTagged: 0, failed: 0, failures: [] });
    expect(progress.at(-1)).toBe(BULK);

    let tagged = 0;
    let pageToken: string | undefined;
    do {
      const page = dataOf(
        await conn.call("list_contacts", { tagIds: [tag], pageSize: 100, ...(pageToken && { pageToken }) }),
      );
      tagged += (page.contacts as unknown[]).length;
      pageToken = typeof page.nextPageToken === "string" && page.nextPageToken ? page.nextPageToken : undefined;
    } while (pageToken);
    expect(tagged).toBe(BULK);

    const again = await conn.call("tag_contacts", { tagId: tag, search: "Bulkperson" });
    expect(dataOf(again)).toMatchObject({ matched: BULK, alreadyTagged: BULK, applied: 0 });
    const removed = await conn.call("tag_contacts", { tagId: tag, tagIds: [tag], remove: true });
    expect(dataOf(removed)).toMatchObject({ matched: BULK, applied: BULK, failed: 0 });
    expect(dataOf(await conn.call("segment_contacts", { tagIds: [tag] })).total).toBe(0);
  });

  it("reports each failure by contact id", async () => {
    const tag = await newTag("bulk-ids");
    const known = [...sandbox.store.contacts.keys()][0] ?? "";
    const res = await conn.call("tag_contacts", { tagId: tag, contactIds: [known, "con_missing"] });
    expect(dataOf(res)).toMatchObject({ matched: 2, applied: 1, failed: 1 });
    expect(dataOf(res).failures).toEqual([{ contactId: "con_missing", error: expect.stringContaining("404") }]);
  });
});

describe("against a scripted API", () => {
  let loop: Loopback;
  let api: Connected;
  beforeAll(async () => {
    loop = await startLoopback();
    api = await connect(testConfig({ baseUrl: loop.baseUrl, fileRoots: [root] }));
  });
  afterAll(async () => {
    await api.close();
    await loop.close();
  });

  it("uploads media from a file and from base64, one Idempotency-Key across a retry", async () => {
    let calls = 0;
    loop.respond((req, res) => {
      if (req.path !== "/media/uploads") return json(res, 404, { status: 404 });
      calls += 1;
      if (calls % 2 === 1) return json(res, 503, { status: 503, code: "unavailable", title: "Try again" });
      json(res, 201, { mediaId: `med_${calls}`, filename: "x", mimeType: "image/png", size: 4 });
    });
    writeFileSync(join(root, "pic.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    loop.requests.length = 0;
    const fromFile = await api.call("upload_media", { filePath: join(root, "pic.png") });
    expect(fromFile.isError, textOf(fromFile)).toBeFalsy();
    expect(dataOf(fromFile).mediaId).toBe("med_2");
    const [first, second] = loop.requests;
    expect(loop.requests).toHaveLength(2);
    expect(first?.headers["idempotency-key"]).toMatch(/.+/);
    expect(second?.headers["idempotency-key"]).toBe(first?.headers["idempotency-key"]);
    expect(second?.body).toContain('filename="pic.png"');
    expect(second?.body).toContain("Content-Type: image/png");

    loop.requests.length = 0;
    const inline = await api.call("upload_media", {
      base64: Buffer.from("%PDF-1.4 hi").toString("base64"),
      filename: "a.pdf",
    });
    expect(inline.isError, textOf(inline)).toBeFalsy();
    expect(loop.requests).toHaveLength(2);
    expect(loop.requests[1]?.headers["idempotency-key"]).toBe(loop.requests[0]?.headers["idempotency-key"]);
    expect(loop.requests[0]?.headers["idempotency-key"]).not.toBe(first?.headers["idempotency-key"]);
    expect(loop.requests[1]?.body).toContain("Content-Type: application/pdf");
    expect(loop.requests[1]?.body).toContain("%PDF-1.4 hi");
  });

  it("refuses media over 16 MB before reading or sending it", async () => {
    const big = join(root, "big.mp4");
    writeFileSync(big, "");
    truncateSync(big, 17 * 1024 * 1024);
    loop.requests.length = 0;
    const res = await api.call("upload_media", { filePath: big });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toContain("at most 16.0 MB");
    expect(loop.requests).toHaveLength(0);
  });

  it("cancellation closes the writes in flight and stops tag_contacts sending more", async () => {
    const contacts = Array.from({ length: 100 }, (_, i) => ({ id: `con_${i}`, name: `C${i}`, tagIds: [] }));
    const held: Promise<unknown>[] = [];
    let answered = 0;
    loop.respond((req, res) => {
      if (req.path === "/tags") return json(res, 200, { tags: [{ id: "tag_slow", name: "slow" }] });
      if (req.path === "/contacts") return json(res, 200, { contacts });
      // The first four writes are answered; every later one is held, and closes only if the client closes it.
      if (answered < 4) {
        answered += 1;
        return void res.writeHead(204).end();
      }
      held.push(once(res, "close"));
    });
    loop.requests.length = 0;
    const controller = new AbortController();
    const call = api.client.callTool(
      { name: "tag_contacts", arguments: { tagId: "tag_slow", archived: false, concurrency: 2 } },
      CallToolResultSchema,
      { signal: controller.signal },
    );
    // Both workers now wait on a held write, so nothing more can be sent before the cancellation.
    await until(() => held.length === 2);
    controller.abort();
    await expect(call).rejects.toThrow();
    await Promise.all(held);
    await until(() => api.api.inFlight.active === 0 && api.api.inFlight.waiting === 0);
    expect(loop.requests.filter((r) => r.method === "POST")).toHaveLength(6);
  });
});
