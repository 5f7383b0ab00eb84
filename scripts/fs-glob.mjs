// node:fs plus globSync for Node 20 (see fs-glob-shim.mjs): a small walk filtered
// with path.matchesGlob (Node 20.17+), enough for listing result files.
import fs from "node:fs";
import path from "node:path";

export * from "node:fs";
export default fs;

export function globSync(pattern, options = {}) {
  if (typeof fs.globSync === "function") return fs.globSync(pattern, options);
  const cwd = options.cwd ? String(options.cwd) : process.cwd();
  const patterns = Array.isArray(pattern) ? pattern : [pattern];
  const out = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(cwd, rel), { withFileTypes: true })) {
      const child = rel ? path.join(rel, entry.name) : entry.name;
      if (patterns.some((p) => path.matchesGlob(child, p))) out.push(child);
      if (entry.isDirectory()) walk(child);
    }
  };
  if (fs.existsSync(cwd)) walk("");
  return out;
}
