#!/usr/bin/env node
// dist/cli.js: starts the bundled server through V8's code cache, so node does
// not parse and compile the bundles anew on every start (Node 20 has no compile
// cache of its own). front.cjs runs at once; server.cjs when the front first
// asks for it (globalThis.__flownallyServer). V8 rejects a cache made by another
// Node version or with other V8 flags; it then compiles as usual, a little
// slower, and nothing else changes.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

/** Runs dist/<name>.cjs as a CommonJS module, with dist/<name>.cache; its exports. */
function run(name) {
  const filename = fileURLToPath(new URL(`./${name}.cjs`, import.meta.url));
  const cacheFile = fileURLToPath(new URL(`./${name}.cache`, import.meta.url));
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The same wrapper node gives a CommonJS module.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(filename, "utf8")}\n})`;
  const script = new Script(source, { filename, cachedData });
  // The build runs the server once with this set, and keeps what V8 compiled.
  if (process.env.FLOWNALLY_MCP_WRITE_CODE_CACHE === "1") {
    process.once("exit", () => writeFileSync(cacheFile, script.createCachedData()));
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(filename), module, filename, dirname(filename));
  return module.exports;
}

let server;
globalThis.__flownallyServer = () => {
  server ??= run("server");
  return server;
};
run("front");
