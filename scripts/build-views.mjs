// Builds each MCP App view (src/views/web/<id>.ts) into one self-contained HTML
// file, dist/views/<id>.html: the script bundled and minified by esbuild, the
// shared stylesheet inlined, and a Content-Security-Policy that allows that one
// script (by its hash), inline styles, data: images and fonts, and no network
// at all. A view over 100 KB fails the build. The server reads these files on a
// view's first read (src/views/html.ts).

import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { build, transform } from "esbuild";

const SOURCE = "src/views/web";
const OUT = "dist/views";
export const MAX_VIEW_BYTES = 100 * 1024;

/** What replaces src/views/location.ts in the server bundle: the views beside dist/server.cjs. */
export const viewsLocation = {
  name: "views-location",
  setup(b) {
    const location = resolve("src/views/location.ts");
    b.onLoad({ filter: /[\\/]src[\\/]views[\\/]location\.ts$/ }, (args) =>
      resolve(args.path) === location
        ? { contents: 'export const VIEWS_DIR = require("node:path").join(__dirname, "views");', loader: "js" }
        : undefined,
    );
  },
};

/** Builds every view; returns each one's size in bytes, by id. */
export async function buildViews() {
  const ids = (await readdir(SOURCE)).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -".ts".length));
  const { code: css } = await transform(await readFile(join(SOURCE, "lib/style.css"), "utf8"), {
    loader: "css",
    minify: true,
  });
  await mkdir(OUT, { recursive: true });
  const sizes = {};
  for (const id of ids) {
    const { outputFiles } = await build({
      entryPoints: [join(SOURCE, `${id}.ts`)],
      bundle: true,
      write: false,
      format: "iife",
      platform: "browser",
      target: ["chrome120", "firefox121", "safari17"],
      minify: true,
      legalComments: "none",
      logLevel: "warning",
    });
    const script = outputFiles[0].text.trim();
    if (/<\/script/i.test(script)) throw new Error(`the ${id} view's script contains </script`);
    const html = page(id, script, css.trim());
    const bytes = Buffer.byteLength(html);
    if (bytes > MAX_VIEW_BYTES) throw new Error(`the ${id} view is ${bytes} bytes, over ${MAX_VIEW_BYTES}`);
    await writeFile(join(OUT, `${id}.html`), html);
    sizes[id] = bytes;
  }
  return sizes;
}

function page(id, script, css) {
  const hash = createHash("sha256").update(script).digest("base64");
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${hash}'`,
    "style-src 'unsafe-inline'",
    "img-src data:",
    "font-src data:",
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>Flownally ${id}</title>
<style>${css}</style>
</head>
<body>
<script>${script}</script>
</body>
</html>
`;
}
