// Bundles the server, its dependencies included, into two minified CommonJS
// files that dist/cli.js runs through V8's code cache (made here by running the
// built server once): dist/front.cjs, all that start-up reads (flags, the stdio
// front door), and dist/server.cjs, read on first need (the MCP SDK, tools,
// client, HTTP, sandbox). No module resolution over hundreds of files, no
// TypeScript loader, little parsing or compiling at start. Inside each, code only
// some runs need sits behind dynamic imports, which esbuild turns into modules
// evaluated on first use. The tools/list JSON Schemas, what selection reads of
// each tool, and the server's answers to a session's opening are generated here
// from the runtime's own code and baked into both (src/tools/listing.ts), so
// start-up builds no zod schema and loads no SDK.
import { spawn } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { buildViews, viewsLocation } from "./build-views.mjs";
import { writeNotices } from "./notices.mjs";

const LISTING = resolve("src/tools/listing.ts");

/**
 * Runs listedTool() over the whole catalogue, from source, and asks the server
 * how it answers a session's opening; returns what src/tools/listing.ts
 * describes: { listing: { name: entry }, index: [indexEntry(tool)], opening }.
 */
async function generateListing() {
  // Inside the project so the generated module resolves the same node_modules.
  await mkdir("node_modules/.cache", { recursive: true });
  const dir = await mkdtemp(join("node_modules/.cache", "flownally-listing-"));
  try {
    const out = join(dir, "listing.mjs");
    await build({
      stdin: {
        contents: `import { captureOpening } from "./scripts/capture-opening.ts";
import { allTools } from "./src/tools/index.js";
import { listedTool } from "./src/tools/listed.js";
import { indexEntry } from "./src/tools/selection.js";
import { appTools } from "./src/views/tools.js";
export const precomputed = {
  listing: Object.fromEntries([...allTools, ...appTools].map((t) => [t.name, listedTool(t)])),
  index: allTools.map(indexEntry),
  opening: await captureOpening(),
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

/**
 * In the front bundle, `import("./main.js")` (cli.ts) is the server bundle: dist/cli.js
 * loads that file, through its own code cache, when a run first needs it.
 */
const serverBundle = {
  name: "server-bundle",
  setup(b) {
    b.onResolve({ filter: /^\.\/main\.js$/ }, (args) =>
      resolve(args.importer) === resolve("src/cli.ts") ? { path: "server", namespace: "server-bundle" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "server-bundle" }, () => ({
      contents: "module.exports = globalThis.__flownallyServer();",
      loader: "js",
    }));
  },
};

const bundleOptions = {
  bundle: true,
  // No splitting (esbuild splits ESM only): dynamic imports become lazily evaluated
  // modules inside each file, and module order is kept (src/zod-config.ts runs first).
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  // Which packages each bundles, for their licences (writeNotices below).
  metafile: true,
  logLevel: "warning",
};

await rm("dist", { recursive: true, force: true });
// Two files: the front (cli.ts: flags, the stdio front door, the precomputed answers) is all that
// start-up reads; the server (main.ts: the SDK, the tools, the client, HTTP, the sandbox) is read on first need.
const built = await Promise.all([
  build({
    ...bundleOptions,
    entryPoints: ["src/cli.ts"],
    outfile: "dist/front.cjs",
    plugins: [precomputedListing, serverBundle, viewsLocation],
  }),
  build({
    ...bundleOptions,
    entryPoints: ["src/main.ts"],
    outfile: "dist/server.cjs",
    plugins: [precomputedListing, viewsLocation],
  }),
]);
await writeNotices(
  { inputs: Object.assign({}, ...built.map((b) => b.metafile.inputs)) },
  "dist/THIRD_PARTY_LICENSES.txt",
);
// The MCP App views (dist/views/*.html), read by the server on first use.
await buildViews();

for (const file of ["dist/front.cjs", "dist/server.cjs"]) {
  // cli-entry.cjs wraps each bundle in a function: a hashbang line there would be a syntax error.
  const bundle = (await readFile(file, "utf8")).replace(/^#!.*\n/, "");
  // vm.Script is given no dynamic-import loader, so nothing may be left for node to import().
  if (/\bimport\(/.test(bundle)) throw new Error(`${file} still calls import(); vm.Script cannot run it`);
  // V8 keeps a source with any character above U+00FF as two bytes a character: the server's 1.5 MB would
  // take 3 MB of every process's memory. esbuild escapes strings but not regular expressions: write \uXXXX there.
  const wide = /[\u0100-\uffff]/.exec(bundle);
  if (wide) throw new Error(`${file} holds "${wide[0]}" near "${bundle.slice(wide.index - 60, wide.index)}"`);
  await writeFile(file, bundle);
}
await copyFile("scripts/cli-entry.cjs", "dist/cli.js");
// dist/cli.js is CommonJS whatever the package's own "type" says: the nearest package.json decides how node loads it.
await writeFile("dist/package.json", '{ "type": "commonjs" }\n');
await chmod("dist/cli.js", 0o755);
await writeCodeCache();

/**
 * Runs the built server through initialize, tools/list (the front door) and one
 * tools/call (the server taking over) with the entry's cache switch on, so
 * dist/front.cache and dist/server.cache hold what V8 compiled for exactly that.
 */
async function writeCodeCache() {
  const child = spawn(process.execPath, ["dist/cli.js", "--toolsets", "all"], {
    stdio: ["pipe", "pipe", "inherit"],
    env: {
      PATH: process.env.PATH ?? "",
      FLOWNALLY_API_KEY: "code-cache",
      // Nothing listens there: the call fails at once (and is not retried), having run the server's path.
      FLOWNALLY_BASE_URL: "http://127.0.0.1:9/v1",
      FLOWNALLY_MAX_RETRIES: "0",
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
    // The call's answer is in: closing stdin makes the server exit, and the entry write the caches.
    if (out.includes('"id":3') && out.endsWith("\n")) child.stdin.end();
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
    { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "get_contact", arguments: { id: "con_1" } } },
  ];
  child.stdin.write(messages.map((m) => `${JSON.stringify(m)}\n`).join(""));
  await exited;
  for (const cache of ["dist/front.cache", "dist/server.cache"]) {
    if ((await stat(cache)).size === 0) throw new Error(`${cache} is empty`);
  }
}
