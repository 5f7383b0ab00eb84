// Bundles the server, its dependencies included, into one minified ESM entry plus
// chunks loaded only when used (sandbox, CSV), so `node dist/cli.js` starts fast:
// no module resolution over hundreds of files, no TypeScript loader. The tools/list
// JSON Schemas are generated here, by the same listedTool() the runtime uses, and
// baked into the bundle (src/tools/listing.ts), so start-up converts no zod schema.
import { chmod, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const LISTING = resolve("src/tools/listing.ts");

/**
 * Runs listedTool() over the whole catalogue, from source, and returns what
 * src/tools/listing.ts describes: { listing: { name: entry }, index: [{ name, toolset, hints }] }.
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
import { listedTool } from "./src/tools/registry.js";
export const precomputed = {
  listing: Object.fromEntries(allTools.map((t) => [t.name, listedTool(t)])),
  index: allTools.map((t) => ({ name: t.name, toolset: t.toolset, hints: { readOnlyHint: t.hints.readOnlyHint } })),
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
 * The SDK's Server builds an Ajv validator in its constructor and imports ajv
 * (CommonJS, evaluated where it is imported) for it. createServer passes a
 * validator that builds the SDK's on first use (server.ts, lazyValidator); this
 * makes the SDK's ajv-provider require ajv and ajv-formats only then, too.
 * Fails the build if the SDK's imports change, rather than silently doing nothing.
 */
const deferAjv = {
  name: "defer-ajv",
  setup(b) {
    b.onLoad(
      { filter: /[\\/]@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/]validation[\\/]ajv-provider\.js$/ },
      async (args) => {
        const source = await readFile(args.path, "utf8");
        const imports = "import Ajv from 'ajv';\nimport _addFormats from 'ajv-formats';\n";
        if (!source.includes(imports))
          throw new Error(`defer-ajv: ${args.path} no longer starts with the ajv imports it expects`);
        const deferred = [
          "function Ajv(options) { return new (require('ajv').default)(options); }",
          "function _addFormats(ajv, options) { return require('ajv-formats').default(ajv, options); }\n",
        ].join("\n");
        return { contents: source.replace(imports, deferred), loader: "js" };
      },
    );
  },
};

await rm("dist", { recursive: true, force: true });
await build({
  entryPoints: ["src/cli.ts"],
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: true,
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);' },
  plugins: [precomputedListing, deferAjv],
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
});
await chmod("dist/cli.js", 0o755);
