// Bundles the server, its dependencies included, into one minified CommonJS file
// (dist/server.cjs) that dist/cli.js runs through V8's code cache (dist/server.cache,
// made here by running the built server once): no module resolution over
// hundreds of files, no TypeScript loader, little parsing or compiling at start.
// Code only some runs need (sandbox, HTTP, CSV, undici, ajv, the tool
// definitions) sits behind dynamic imports, which esbuild turns into modules
// evaluated on first use. The tools/list JSON Schemas and what selection reads of
// each tool are generated here, by the same listedTool() the runtime uses, and
// baked into the bundle (src/tools/listing.ts), so start-up builds no zod schema.
import { spawn } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { buildViews, viewsLocation } from "./build-views.mjs";
import { writeNotices } from "./notices.mjs";

const LISTING = resolve("src/tools/listing.ts");

/**
 * Runs listedTool() over the whole catalogue, from source, and returns what
 * src/tools/listing.ts describes: { listing: { name: entry }, index: [indexEntry(tool)] }.
 */
async function generateListing() {
  // Inside the project so the generated module resolves the same node_modules.
  await mkdir("node_modules/.cache", { recursive: true });
  const dir = await mkdtemp(join("node_modules/.cache", "flownally-listing-"));
  try {
    const out = join(dir, "listing.mjs");
    await build({
      stdin: {
        contents: `import { allTools } from "./src/tools/index.js";
import { indexEntry, listedTool } from "./src/tools/registry.js";
export const precomputed = {
  listing: Object.fromEntries(allTools.map((t) => [t.name, listedTool(t)])),
  index: allTools.map(indexEntry),
};`,
        resolveDir: resolve("."),
        loader: "ts",
      },
      outfile: out,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      logLevel: "warning",
    });
    const { precomputed } = await import(pathToFileURL(resolve(out)).href);
    return precomputed;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const precomputed = await generateListing();

/** Replaces src/tools/listing.ts with the generated entries (as JSON.parse of a string: V8 reads JSON faster than a literal). */
const precomputedListing = {
  name: "precomputed-listing",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]tools[\\/]listing\.ts$/ }, (args) =>
      resolve(args.path) === LISTING
        ? {
            contents: `export const PRECOMPUTED = JSON.parse(${JSON.stringify(JSON.stringify(precomputed))});`,
            loader: "js",
          }
        : undefined,
    );
  },
};

await rm("dist", { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: ["src/cli.ts"],
  outfile: "dist/server.cjs",
  bundle: true,
  // One file, no splitting (esbuild splits ESM only): dynamic imports become lazily
  // evaluated modules inside it, and module order is kept (src/zod-config.ts runs first).
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: true,
  plugins: [precomputedListing, viewsLocation],
  sourcemap: false,
  legalComments: "none",
  // Which packages it bundles, for their licences (writeNotices below).
  metafile: true,
  logLevel: "warning",
});
await writeNotices(metafile, "dist/THIRD_PARTY_LICENSES.txt");
// The MCP App views (dist/views/*.html), read by the server on first use.
await buildViews();

// cli-entry.mjs wraps the bundle in a function: a hashbang line there would be a syntax error.
const bundle = (await readFile("dist/server.cjs", "utf8")).replace(/^#!.*\n/, "");
// vm.Script is given no dynamic-import loader, so nothing may be left for node to import().
if (/\bimport\(/.test(bundle)) throw new Error("dist/server.cjs still calls import(); vm.Script cannot run it");
await writeFile("dist/server.cjs", bundle);
await copyFile("scripts/cli-entry.mjs", "dist/cli.js");
await chmod("dist/cli.js", 0o755);
await writeCodeCache();

/**
 * Runs the built server through initialize and tools/list with the entry's
 * cache switch on, so dist/server.cache holds what V8 compiled for exactly that.
 */
async function writeCodeCache() {
  const child = spawn(process.execPath, ["dist/cli.js", "--toolsets", "all"], {
    stdio: ["pipe", "pipe", "inherit"],
    env: {
      PATH: process.env.PATH ?? "",
      FLOWNALLY_API_KEY: "code-cache",
      // Nothing listens there; initialize and tools/list call no API.
      FLOWNALLY_BASE_URL: "http://127.0.0.1:9/v1",
      FLOWNALLY_MCP_WRITE_CODE_CACHE: "1",
    },
  });
  const exited = new Promise((done, fail) => {
    child.on("error", fail);
    child.on("exit", (code) => (code === 0 ? done() : fail(new Error(`code cache run exited ${code}`))));
  });
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
    // The tools/list answer is in: closing stdin makes the server exit, and the entry write the cache.
    if (out.includes('"id":2') && out.endsWith("\n")) child.stdin.end();
  });
  const messages = [
    {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "build", version: "0" } },
    },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 2, method: "tools/list" },
  ];
  child.stdin.write(messages.map((m) => `${JSON.stringify(m)}\n`).join(""));
  await exited;
  if ((await stat("dist/server.cache")).size === 0) throw new Error("dist/server.cache is empty");
}
