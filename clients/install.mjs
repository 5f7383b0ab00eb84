// Installs the client libraries (clients/ and clients/mastra/) exactly as their
// lock files say, unless that install is already there and up to date.

import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

for (const dir of ["clients", "clients/mastra"]) {
  const installed = `${dir}/node_modules/.package-lock.json`;
  const locked = `${dir}/package-lock.json`;
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(locked).mtimeMs) continue;
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const { status } = spawnSync(npm, ["ci", "--prefix", dir, "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (status !== 0) process.exit(status ?? 1);
}
