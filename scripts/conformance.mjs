// Runs the official MCP conformance suite's generic server scenarios against the
// built server (`node dist/cli.js --sandbox --http` on a free loopback port).
// Builds first unless --no-build; exits non-zero when any scenario fails.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SCENARIOS = [
  "server-initialize",
  "ping",
  "tools-list",
  "resources-list",
  "prompts-list",
  "logging-set-level",
  "dns-rebinding-protection",
];

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

function runScenario(url, scenario) {
  return new Promise((resolve) => {
    const run = spawn(process.execPath, ["--import", shim, suite, "server", "--url", url, "--scenario", scenario], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    run.stdout.on("data", (c) => (out += c));
    run.stderr.on("data", (c) => (out += c));
    run.once("exit", (code) => resolve({ scenario, ok: code === 0, out }));
  });
}

const { child, url } = await startServer();
let failed = 0;
try {
  for (const scenario of SCENARIOS) {
    const result = await runScenario(url, scenario);
    const summary = result.out.split("\n").filter((l) => /passed|failed|FAIL|✗|Error/i.test(l));
    console.log(`${result.ok ? "PASS" : "FAIL"} ${scenario}${result.ok ? "" : `\n${result.out}`}`);
    if (result.ok && summary.length > 0) console.log(`     ${summary.join("\n     ")}`);
    if (!result.ok) failed++;
  }
} finally {
  child.kill("SIGTERM");
}
console.log(failed === 0 ? `conformance: all ${SCENARIOS.length} scenarios passed` : `conformance: ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
