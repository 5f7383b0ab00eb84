#!/usr/bin/env node
// dist/cli.js: starts the bundled server through V8's code cache, so node does
// not parse and compile the bundles anew on every start (Node 20 has no compile
// cache of its own). front.cjs runs at once; server.cjs when the front first
// asks for it (globalThis.__flownallyServer). V8 rejects a cache made by another
// Node version or with other V8 flags; it then compiles as usual, a little
// slower, and nothing else changes. CommonJS (dist/package.json says so): an
// ES module entry would start node's ES module loader, about 12 ms of a 60 ms start.
const { readFileSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");

/** Runs dist/<name>.cjs as a CommonJS module, with dist/<name>.cache; its exports. */
function run(name) {
  const filename = join(__dirname, `${name}.cjs`);
  const cacheFile = join(__dirname, `${name}.cache`);
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
