// Runs the official MCP conformance suite against the built server (`node
// dist/cli.js --sandbox --http` on a free loopback port): every scenario each
// protocol revision requires (2025-11-25 and 2026-07-28), checked against
// conformance/<revision>.yml, the checks that need the suite's own fixtures.
// Builds first unless --no-build; exits non-zero on any unexpected failure,
// and on a baseline entry that now passes.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const REVISIONS = ["2025-11-25", "2026-07-28"];

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const shim = join(root, "scripts", "fs-glob-shim.mjs");
const suite = join(
  dirname(createRequire(import.meta.url).resolve("@modelcontextprotocol/conformance/package.json")),
  "dist",
  "index.js",
);

if (!process.argv.includes("--no-build")) {
  const built = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

/** Starts the server on port 0 and resolves with the URL it logs. */
function startServer() {
  const child = spawn(process.execPath, ["dist/cli.js", "--sandbox", "--http", "--port", "0"], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, FLOWNALLY_API_KEY: "", FLOWNALLY_MCP_TOKEN: "" },
  });
  return new Promise((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${err}`)), 15_000);
    child.stderr.on("data", (chunk) => {
      err += chunk;
      const match = /listening on (http:\/\/\S+\/mcp)/.exec(err);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before listening:\n${err}`)));
  });
}

function runRevision(url, revision) {
  const baseline = join(root, "conformance", `${revision}.yml`);
  return new Promise((resolve) => {
    const run = spawn(
      process.execPath,
      ["--import", shim, suite, "server", "--url", url, "--requirements", revision, "--expected-failures", baseline],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    run.stdout.on("data", (c) => (out += c));
    run.stderr.on("data", (c) => (out += c));
    run.once("exit", (code) => resolve({ ok: code === 0, out }));
  });
}

const { child, url } = await startServer();
let failed = 0;
try {
  for (const revision of REVISIONS) {
    const result = await runRevision(url, revision);
    const lines = result.out.split("\n");
    const summary = lines.filter((l) => /^[✓✗] /.test(l));
    const passed = summary.filter((l) => l.startsWith("✓")).length;
    console.log(
      `${result.ok ? "PASS" : "FAIL"} ${revision}: ${summary.length} scenarios, ${passed} without a failing check`,
    );
    // Everything after the per-scenario lines: the baseline verdict, and any unexpected failure.
    const verdict = lines.slice(lines.findIndex((l) => /Expected failures|Baseline|Unexpected|Stale/.test(l)));
    if (!result.ok) console.log(result.out);
    else
      console.log(
        `     ${verdict
          .filter((l) => /Baseline|Unexpected|Stale/.test(l))
          .join(" ")
          .trim()}`,
      );
    if (!result.ok) failed++;
  }
} finally {
  child.kill("SIGTERM");
}
console.log(failed === 0 ? "conformance: both revisions pass" : `conformance: ${failed} revision(s) failed`);
process.exit(failed === 0 ? 0 : 1);
