// Files a tool cannot read, or must not: every failure is a short isError with
// the process alive, a file swapped for a symlink mid-call never leaks what is
// outside the roots, and the roots themselves are never `/` or a home folder.
// Against a loopback API that records what was sent; the built binary where the
// process itself (its working directory, its user) is what is tested.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { type CallToolResult, CallToolResultSchema, ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CsvReport, checkCsv, MAX_ROW_CHARS } from "../src/files/csv-check.js";
import { FileRoots } from "../src/files/roots.js";
import { ToolInputError } from "../src/refusal.js";
import { json, type Loopback, startLoopback } from "./helpers/loopback.js";
import { type Connected, connect, dataOf, testConfig, textOf } from "./helpers/mcp.js";

const BIN = new URL("../dist/cli.js", import.meta.url).pathname;
const MARKER = "OUTSIDE_SECRET_MARKER";
const INSIDE_CSV = "name,phone\nInside Person,+48500100200\n";
/** Where users' homes live on this machine, if anywhere conventional. */
const HOMES_PARENT = ["/home", "/Users"].find((p) => existsSync(p));
const HOW_TO_ALLOW =
  /FLOWNALLY_FILE_ROOTS, as a root in the MCP client, or in the extension's Folders for files setting/;

let loop: Loopback;
let root: string;
let outside: string;
let conn: Connected;

/** An API that lists no custom fields and accepts every import and upload. */
function answerEverything(api: Loopback): void {
  api.respond((req, res) => {
    if (req.path === "/contacts/custom-fields") return json(res, 200, { customFields: [] });
    if (req.path === "/contacts/import") return json(res, 202, { importId: "imp_1", status: "pending" });
    if (req.path === "/media/uploads") return json(res, 201, { mediaId: "med_1" });
    json(res, 404, { status: 404 });
  });
}

const sentBodies = () => loop.requests.filter((r) => r.method === "POST").map((r) => r.body);

beforeAll(async () => {
  loop = await startLoopback();
  answerEverything(loop);
  root = realpathSync(mkdtempSync(join(tmpdir(), "flownally-hard-root-")));
  outside = realpathSync(mkdtempSync(join(tmpdir(), "flownally-hard-outside-")));
  writeFileSync(join(outside, "secret.csv"), `${MARKER},phone\nSecret,+48500999999\n`);
  conn = await connect(testConfig({ baseUrl: loop.baseUrl, fileRoots: [root] }));
});

afterAll(async () => {
  await conn.close();
  await loop.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** Runs `script` in another node process, swapping files while calls run; resolves once it has swapped once. */
async function swapping(script: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`the swapping process exited (${code})`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill();
  await exited;
}

describe("a file that cannot be read is a short isError, and the server goes on", () => {
  it("refuses a directory, reading and sending nothing", async () => {
    mkdirSync(join(root, "folder.csv"));
    loop.requests.length = 0;
    for (const [tool, args] of [
      ["import_contacts", { filePath: join(root, "folder.csv"), dryRun: true }],
      ["upload_media", { filePath: join(root, "folder.csv") }],
    ] as const) {
      const res = await conn.call(tool, args);
      expect(res.isError).toBe(true);
      expect(textOf(res)).toBe(`${join(root, "folder.csv")} is not a regular file. Nothing was read or sent.`);
    }
    expect(sentBodies()).toEqual([]);
  });

  it.skipIf(process.platform === "win32")("refuses a FIFO without waiting for a writer", async () => {
    const fifo = join(root, "pipe.csv");
    execFileSync("mkfifo", [fifo]);
    const res = await conn.call("import_contacts", { filePath: fifo, dryRun: true });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toContain("is not a regular file");
    const media = await conn.call("upload_media", { filePath: fifo });
    expect(textOf(media)).toContain("is not a regular file");
  });

  it("a file deleted and re-created while calls run: each call reads it whole or says there is no file", {
    timeout: 30_000,
  }, async () => {
    const target = join(root, "flicker.csv");
    writeFileSync(target, INSIDE_CSV);
    const child = await swapping(
      `const fs = require("fs"); const [target, csv] = process.argv.slice(1);
       for (let i = 0; ; i++) { fs.rmSync(target, { force: true }); fs.writeFileSync(target + ".tmp", csv);
         fs.renameSync(target + ".tmp", target); if (i === 0) process.stdout.write("ready\\n"); }`,
      [target, INSIDE_CSV],
    );
    const outcomes = new Set<string>();
    try {
      for (let i = 0; i < 200; i++) {
        const res = await conn.call("import_contacts", { filePath: target, dryRun: true });
        if (!res.isError) {
          expect((dataOf(res).check as Record<string, unknown>).validRows).toBe(1);
          outcomes.add("read");
        } else {
          expect(textOf(res)).toBe(`No file at ${target}. Nothing was read or sent.`);
          outcomes.add("no file");
        }
      }
    } finally {
      await stop(child);
    }
    expect([...outcomes].sort()).toEqual(["no file", "read"]);
  });

  it("reads no more than the limit, counting the bytes read, not the size seen when opened", async () => {
    const path = join(root, "growing.bin");
    writeFileSync(path, Buffer.alloc(1000, 1));
    const file = await new FileRoots([root]).readable(path);
    try {
      expect(file.size).toBe(1000);
      appendFileSync(path, Buffer.alloc(500, 2));
      await expect(file.read({ maxBytes: 1000 }).toArray()).rejects.toThrow(
        `${path} is larger than 1000 bytes. Nothing was sent.`,
      );
      const whole = Buffer.concat(await file.read().toArray());
      expect(whole.length).toBe(1500);
      expect(file.failure).toBeInstanceOf(ToolInputError);
    } finally {
      await file.close();
    }
  });
});

describe("the CSV check: bounded memory, bounded rows, cancellable", () => {
  it("ends a 2 GB file of zero bytes, and a 1 GB line without a newline, at the row limit", async () => {
    const zeros = join(root, "zeros.csv");
    writeFileSync(zeros, "");
    truncateSync(zeros, 2 * 1024 ** 3); // sparse: no disk used
    const headerThenZeros = join(root, "one-line.csv");
    writeFileSync(headerThenZeros, "name,phone\n");
    truncateSync(headerThenZeros, 1024 ** 3 + 11);
    for (const [path, row] of [
      [zeros, 1],
      [headerThenZeros, 2],
    ] as const) {
      const res = await conn.call("import_contacts", { filePath: path, dryRun: true });
      const check = dataOf(res).check as CsvReport;
      expect(check.fatal).toBe(
        `row ${row} is longer than ${MAX_ROW_CHARS} characters; a contacts CSV has short rows (is this the right file?)`,
      );
      // It stopped at the limit rather than reading the file.
      expect(check.bytes).toBeLessThan(4 * MAX_ROW_CHARS);
      const upload = await conn.call("import_contacts", { filePath: path });
      expect(textOf(upload)).toMatch(/^Not uploaded: row \d is longer than/);
    }
    rmSync(zeros);
    rmSync(headerThenZeros);
  });

  it("remembers a bounded number of rows for duplicates and says so, still comparing later rows", async () => {
    const phone = (i: number) => `+4850${String(1_000_000 + i)}`;
    const rows = Array.from({ length: 150 }, (_, i) => `P${i},${phone(i)}`);
    const csv = `name,phone\n${rows.join("\n")}\nAgain,${phone(0)}\nAgain,${phone(140)}\nNo phone\nNo phone\n`;
    const report = await checkCsv(Readable.from([csv]), { rememberRows: 100 });
    // Row 2 (phone 0) was remembered; phone 140 came after the table was full, as did "No phone".
    expect(report.duplicateRows).toBe(1);
    expect(report.issues).toEqual([{ row: 152, column: "phone", message: "duplicate of row 2 (same phone)" }]);
    expect(report.note).toBe(
      "duplicates were looked for among the first 100 distinct rows; later rows were compared with those only",
    );
    const complete = await checkCsv(Readable.from([csv]));
    expect(complete.duplicateRows).toBe(3);
    expect(complete.note).toBeUndefined();
  });

  it("stops reading when its signal is aborted, even on input that yields no rows", async () => {
    const controller = new AbortController();
    let pulled = 0;
    async function* blankLinesForever() {
      for (;;) {
        pulled += 1;
        if (pulled === 50) controller.abort();
        yield "\n".repeat(64 * 1024);
      }
    }
    await expect(checkCsv(blankLinesForever(), { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(pulled).toBeLessThan(60);
  });

  it.skipIf(process.platform !== "linux")(
    "a cancelled import_contacts stops its check and closes the file",
    { timeout: 30_000 },
    async () => {
      const path = join(root, "long.csv");
      const rows = Array.from({ length: 20_000 }, (_, i) => `Person ${i},+48${500_000_000 + i}`).join("\n");
      writeFileSync(path, `name,phone\n${`${rows}\n`.repeat(50)}`);
      const openFds = () =>
        readdirSync("/proc/self/fd").filter((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`) === path;
          } catch {
            return false;
          }
        });
      const controller = new AbortController();
      let progressed = 0;
      const call = conn.client.callTool(
        { name: "import_contacts", arguments: { filePath: path, dryRun: true } },
        CallToolResultSchema,
        {
          signal: controller.signal,
          onprogress: () => {
            progressed += 1;
            controller.abort();
          },
        },
      );
      await expect(call).rejects.toThrow();
      expect(progressed).toBeGreaterThan(0);
      while (openFds().length > 0) await new Promise((resolve) => setImmediate(resolve));
      const next = await conn.call("import_contacts", { csv: INSIDE_CSV, dryRun: true });
      expect(next.isError, textOf(next)).toBeFalsy();
    },
  );
});

describe("upload_media inline: valid base64 only, at most 2 MB", () => {
  it("refuses what is not base64, and content over 2 MB, pointing to filePath; sends nothing", async () => {
    loop.requests.length = 0;
    const bad = await conn.call("upload_media", { base64: "not base64!!", filename: "a.txt" });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/^base64 is not valid base64 .*Nothing was sent\.$/);
    for (const wrapped of ["aGk", "aGk=\n", "data:text/plain;base64,aGk=", "a-_b"]) {
      expect((await conn.call("upload_media", { base64: wrapped, filename: "a.txt" })).isError).toBe(true);
    }
    const big = await conn.call("upload_media", {
      base64: Buffer.alloc(3 * 1024 * 1024).toString("base64"),
      filename: "big.bin",
    });
    expect(textOf(big)).toBe(
      "File is 3.0 MB; upload_media takes at most 2.0 MB inline; send a larger file by filePath. Nothing was sent.",
    );
    const byOne = Buffer.alloc(2 * 1024 * 1024 + 1).toString("base64");
    expect((await conn.call("upload_media", { base64: byOne, filename: "big.bin" })).isError).toBe(true);
    expect(sentBodies()).toEqual([]);
  });

  it("sends exactly 2 MB decoded, the bytes given", async () => {
    loop.requests.length = 0;
    const bytes = Buffer.alloc(2 * 1024 * 1024, "ab");
    const res = await conn.call("upload_media", { base64: bytes.toString("base64"), filename: "two.txt" });
    expect(res.isError, textOf(res)).toBeFalsy();
    const [body] = sentBodies();
    expect(body).toContain(`\r\n\r\n${bytes.toString("latin1")}\r\n`);
  });
});

describe("unreadable for the server's user (EACCES), through the built binary", () => {
  // chmod 000 stops every user but root; as root the server runs as nobody (setpriv), as the issue's user did.
  const asRoot = process.getuid?.() === 0;
  const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => {
    try {
      execFileSync(p, ["--version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });

  it.skipIf(process.platform === "win32" || (asRoot && !setpriv))(
    "answers permission denied, then serves the next call",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "flownally-eacces-"));
      chmodSync(dir, 0o755);
      writeFileSync(join(dir, "locked.csv"), INSIDE_CSV);
      chmodSync(join(dir, "locked.csv"), 0o000);
      writeFileSync(join(dir, "open.csv"), INSIDE_CSV);
      chmodSync(join(dir, "open.csv"), 0o644);
      // The build runs from a copy in the test's own folder: the checkout may sit where only its owner may enter
      // (a mktemp -d folder is 0700), and nobody must still be able to start it.
      cpSync(dirname(BIN), join(dir, "dist"), { recursive: true });
      writeFileSync(join(dir, "package.json"), '{"type":"module"}\n');
      const bin = join(dir, "dist", "cli.js");
      const [command, args] =
        asRoot && setpriv
          ? [setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, bin]]
          : [process.execPath, [bin]];
      const server = await startBinary(command, args, { cwd: dir, env: { FLOWNALLY_FILE_ROOTS: dir } });
      try {
        const denied = await server.call("import_contacts", { filePath: join(dir, "locked.csv"), dryRun: true });
        expect(denied.isError).toBe(true);
        expect(textOf(denied)).toBe(
          `Could not open ${join(dir, "locked.csv")}: permission denied. Nothing was read or sent.`,
        );
        const media = await server.call("upload_media", { filePath: join(dir, "locked.csv") });
        expect(textOf(media)).toContain("permission denied");
        const next = await server.call("import_contacts", { filePath: join(dir, "open.csv"), dryRun: true });
        expect(next.isError, textOf(next)).toBeFalsy();
        expect(server.exited()).toBe(false);
      } finally {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe("what was checked is what is read and sent: a file swapped for a symlink, a file changed after the check", () => {
  it("never reads, checks or uploads what is outside, whichever component is swapped", {
    timeout: 60_000,
  }, async () => {
    // Two races at once: the file itself turns into a symlink (the last component),
    // and its folder turns into a symlink to a folder outside (a middle component).
    const file = join(root, "swap.csv");
    const folder = join(root, "swapdir");
    mkdirSync(folder);
    writeFileSync(join(folder, "swap.csv"), INSIDE_CSV);
    writeFileSync(file, INSIDE_CSV);
    mkdirSync(join(outside, "dir"));
    writeFileSync(join(outside, "dir", "swap.csv"), `${MARKER},phone\nSecret,+48500999999\n`);
    const child = await swapping(
      `const fs = require("fs"); const [file, folder, secret, secretDir, csv] = process.argv.slice(1);
       for (let i = 0; ; i++) {
         fs.symlinkSync(secret, file + ".link"); fs.renameSync(file + ".link", file);
         fs.renameSync(folder, folder + ".hold"); fs.symlinkSync(secretDir, folder);
         fs.writeFileSync(file + ".tmp", csv); fs.renameSync(file + ".tmp", file);
         fs.unlinkSync(folder); fs.renameSync(folder + ".hold", folder);
         if (i === 0) process.stdout.write("ready\\n");
       }`,
      [file, folder, join(outside, "secret.csv"), join(outside, "dir"), INSIDE_CSV],
    );
    loop.requests.length = 0;
    const results: CallToolResult[] = [];
    try {
      for (let i = 0; i < 400; i++) {
        const filePath = i % 2 === 0 ? file : join(folder, "swap.csv");
        if (i % 4 < 2) results.push(await conn.call("import_contacts", { filePath, dryRun: i % 8 < 4 }));
        else results.push(await conn.call("upload_media", { filePath, filename: "x.csv" }));
      }
    } finally {
      await stop(child);
    }
    const texts = results.map(textOf);
    expect(texts.filter((t) => t.includes(MARKER))).toEqual([]);
    expect(sentBodies().filter((b) => b.includes(MARKER))).toEqual([]);
    const read = results.filter((r) => !r.isError);
    const refused = texts.filter((_, i) => results[i]?.isError);
    // Both happened: the race was run, not dodged.
    expect(read.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const text of refused) {
      expect(text).toMatch(
        /^(Refused: .* is outside the allowed file roots|Refused: .* changed into a symlink|No file at )/,
      );
    }
    expect(sentBodies().filter((b) => b.includes("Inside Person")).length).toBeGreaterThan(0);
  });

  it("refuses an upload whose file changed after the check, sending no more than was checked", {
    timeout: 30_000,
  }, async () => {
    const path = join(root, "big.csv");
    // Long rows: many megabytes (more than sockets buffer) but few rows to check.
    const row = `${"n".repeat(4000)},+48500100200\n`;
    const content = `name,phone\n${row.repeat(4000)}`;
    writeFileSync(path, content);
    const size = Buffer.byteLength(content);
    let received = 0;
    const api = createServer((req, res) => {
      if (req.url?.endsWith("/contacts/custom-fields")) {
        res.writeHead(200, { "content-type": "application/json" }).end('{"customFields":[]}');
        return;
      }
      // The upload has begun: cut the file short before taking in its body.
      writeFileSync(path, "name,phone\n");
      req.on("data", (chunk: Buffer) => {
        received += chunk.length;
      });
      req.on("end", () => res.writeHead(202, { "content-type": "application/json" }).end('{"importId":"imp_3"}'));
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    const address = api.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const client = await connect(testConfig({ baseUrl: `http://127.0.0.1:${port}/v1`, fileRoots: [root] }));
    try {
      const res = await client.call("import_contacts", { filePath: path });
      expect(res.isError).toBe(true);
      expect(textOf(res)).toBe(
        `${path} changed after it was checked (it had ${size} bytes); nothing more was sent. Call again to check and send it as it is now.`,
      );
    } finally {
      await client.close();
      api.closeAllConnections();
      await new Promise<void>((resolve) => api.close(() => resolve()));
    }
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(size);
  });
});

describe("roots: never / or a home folder, from wherever they come", () => {
  it("started in / with no roots, reads neither /etc/hostname nor /etc/passwd", async () => {
    loop.requests.length = 0;
    const server = await startBinary(process.execPath, [BIN], { cwd: "/", env: {} });
    try {
      const media = await server.call("upload_media", { filePath: "/etc/hostname" });
      const csv = await server.call("import_contacts", { filePath: "/etc/passwd", dryRun: true });
      for (const res of [media, csv]) {
        expect(res.isError).toBe(true);
        expect(textOf(res)).toMatch(
          /^Refused: no folder is allowed for files \(not used as roots: the working directory \/ \(the whole disk\)\)\./,
        );
        expect(textOf(res)).toMatch(HOW_TO_ALLOW);
        expect(textOf(res)).not.toContain("root:");
      }
      expect(loop.requests).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("refuses a home folder, or a folder holding one, as the working directory or in FLOWNALLY_FILE_ROOTS", {
    timeout: 30_000,
  }, async () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), "flownally-homes-")));
    const home = join(base, "homes", "alice");
    const project = join(home, "project");
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, "people.csv"), INSIDE_CSV);
    writeFileSync(join(home, "private.csv"), INSIDE_CSV);
    const cases: [string, Record<string, string>, RegExp][] = [
      [home, {}, /not used as roots: the working directory .*alice \(a home folder\)/],
      [project, { FLOWNALLY_FILE_ROOTS: join(base, "homes") }, /not used as roots: .*homes \(it holds home folders\)/],
      [project, { FLOWNALLY_FILE_ROOTS: "/" }, /not used as roots: \/ \(the whole disk\)/],
    ];
    // Another user's home, where homes live by convention.
    if (HOMES_PARENT)
      cases.push([project, { FLOWNALLY_FILE_ROOTS: join(HOMES_PARENT, "someone") }, /someone \(a home folder\)/]);
    try {
      for (const [cwd, env, why] of cases) {
        const server = await startBinary(process.execPath, [BIN], { cwd, env: { HOME: home, ...env } });
        try {
          const res = await server.call("import_contacts", { filePath: join(home, "private.csv"), dryRun: true });
          expect(res.isError).toBe(true);
          expect(textOf(res)).toMatch(why);
          // What to change follows where the roots came from.
          expect(textOf(res)).toMatch(
            env.FLOWNALLY_FILE_ROOTS
              ? /Add the folder that holds the file to FLOWNALLY_FILE_ROOTS \(the extension's Folders for files setting\)/
              : HOW_TO_ALLOW,
          );
        } finally {
          await server.close();
        }
      }
      // A folder inside the home is a folder of its own: the working directory there is a root.
      const server = await startBinary(process.execPath, [BIN], { cwd: project, env: { HOME: home } });
      try {
        const ok = await server.call("import_contacts", { filePath: "people.csv", dryRun: true });
        expect(ok.isError, textOf(ok)).toBeFalsy();
        const above = await server.call("import_contacts", { filePath: join(home, "private.csv"), dryRun: true });
        expect(textOf(above)).toContain(`is outside the allowed file roots (${project})`);
      } finally {
        await server.close();
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it("refuses a client root of / and says to add a folder in the client", async () => {
    const withRoots = await connect(testConfig({ baseUrl: loop.baseUrl, fileRoots: [root] }), {
      capabilities: { roots: { listChanged: true } },
    });
    withRoots.client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: [{ uri: pathToFileURL("/").href, name: "everything" }],
    }));
    try {
      await withRoots.client.sendRootsListChanged();
      writeFileSync(join(root, "mine.csv"), INSIDE_CSV);
      const res = await withRoots.call("import_contacts", { filePath: join(root, "mine.csv"), dryRun: true });
      expect(res.isError).toBe(true);
      expect(textOf(res)).toBe(
        "Refused: no folder is allowed for files (not used as roots: / (the whole disk)). Add the folder that holds the file as a root in the MCP client. Nothing was read.",
      );
    } finally {
      await withRoots.close();
    }
  });
});

interface Binary {
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  exited(): boolean;
  close(): Promise<void>;
}

/** The built server over stdio, against the loopback API, in `cwd` with only `env` beyond the basics. */
async function startBinary(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<Binary> {
  const transport = new StdioClientTransport({
    command,
    args: [...args, "--toolsets", "all"],
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? "",
      FLOWNALLY_API_KEY: "test-key",
      FLOWNALLY_BASE_URL: loop.baseUrl,
      ...options.env,
    },
    stderr: "pipe",
  });
  let closed = false;
  const client = new Client({ name: "files-test", version: "1.0.0" });
  await client.connect(transport);
  const onclose = transport.onclose;
  transport.onclose = () => {
    closed = true;
    onclose?.();
  };
  return {
    call: async (name, toolArgs) => (await client.callTool({ name, arguments: toolArgs })) as CallToolResult,
    exited: () => closed,
    close: () => client.close(),
  };
}
