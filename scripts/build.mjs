// Bundles the server, its dependencies included, into one minified ESM entry plus
// chunks loaded only when used (sandbox, CSV), so `node dist/cli.js` starts fast:
// no module resolution over hundreds of files, no TypeScript loader. The tools/list
// JSON Schemas are generated here, by the same listedTool() the runtime uses, and
// baked into the bundle (src/tools/listing.ts), so start-up converts no zod schema.
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const LISTING = resolve("src/tools/listing.ts");

/** Runs listedTool() over the whole catalogue, from source, and returns { name: entry }. */
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
export const listing = Object.fromEntries(allTools.map((t) => [t.name, listedTool(t)]));`,
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
    const { listing } = await import(pathToFileURL(resolve(out)).href);
    return listing;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const listing = await generateListing();

/** Replaces src/tools/listing.ts with the generated entries. */
const precomputedListing = {
  name: "precomputed-listing",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]tools[\\/]listing\.ts$/ }, (args) =>
      resolve(args.path) === LISTING
        ? { contents: `export const PRECOMPUTED_LISTING = ${JSON.stringify(listing)};`, loader: "js" }
        : undefined,
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
  plugins: [precomputedListing],
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
});
await chmod("dist/cli.js", 0o755);
