#!/usr/bin/env node
// dist/cli.js: starts the bundled server (server.cjs) through V8's code cache
// (server.cache, made by scripts/build.mjs), so node does not parse and compile
// the bundle anew on every start; Node 20 has no compile cache of its own. V8
// rejects a cache made by another Node version or with other V8 flags; it then
// compiles as usual, a little slower, and nothing else changes.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const filename = fileURLToPath(new URL("./server.cjs", import.meta.url));
const cacheFile = fileURLToPath(new URL("./server.cache", import.meta.url));

let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// The same wrapper node gives a CommonJS module.
const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(filename, "utf8")}\n})`;
const script = new Script(source, { filename, cachedData });
// The build runs the server once through initialize and tools/list with this set, and keeps what V8 compiled.
if (process.env.FLOWNALLY_MCP_WRITE_CODE_CACHE === "1") {
  process.once("exit", () => writeFileSync(cacheFile, script.createCachedData()));
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(filename), module, filename, dirname(filename));
