// Bundles the server into one ESM file per entry so `node dist/cli.js` starts
// fast (no module resolution over hundreds of files) and needs no TypeScript loader.
import { chmod, rm } from "node:fs/promises";
import { build } from "esbuild";

await rm("dist", { recursive: true, force: true });
await build({
  entryPoints: ["src/cli.ts"],
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: false,
  logLevel: "warning",
});
await chmod("dist/cli.js", 0o755);
