// The npm package as a user gets it: `npm pack`, install the tarball into an empty
// project without dev dependencies, start its `flownally-mcp` bin in sandbox mode
// over stdio and use it. dist/ is self-contained, so the install adds no package
// but this one. Also holds the package and the .mcpb manifest to each other.

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { getMcpConfigForManifest, type McpbManifestAny } from "@anthropic-ai/mcpb";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
import { parseCli } from "../src/config.js";

const run = promisify(execFile);
const ROOT = new URL("..", import.meta.url).pathname;
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** The bare package a module specifier names (`@scope/name/sub` → `@scope/name`), or undefined for builtins and relative paths. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  if (builtinModules.includes(specifier.split("/")[0] ?? "")) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

describe("npm package", () => {
  let work = "";
  let tarball = "";
  let packedFiles: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "flownally-pack-"));
    const { stdout } = await run(npm, ["pack", "--json", "--pack-destination", work], { cwd: ROOT });
    const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    if (!info) throw new Error("npm pack printed no package");
    tarball = join(work, info.filename);
    packedFiles = info.files.map((f) => f.path);
  }, 60_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("ships only dist, README, LICENSE and package.json", () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining(["dist/cli.js", "dist/THIRD_PARTY_LICENSES.txt", "README.md", "LICENSE", "package.json"]),
    );
    const unexpected = packedFiles.filter(
      (f) => !f.startsWith("dist/") && !["README.md", "LICENSE", "package.json"].includes(f),
    );
    expect(unexpected).toEqual([]);
  });

  it("has a node shebang on its bin", async () => {
    expect(pkg.bin["flownally-mcp"]).toBe("dist/cli.js");
    const head = (await readFile(join(ROOT, "dist/cli.js"), "utf8")).split("\n", 1)[0];
    expect(head).toBe("#!/usr/bin/env node");
  });

  it("imports no package at run time, declares none, and carries the licences of those it bundles", async () => {
    // esbuild parses dist/ and reports every import and require it would leave to node at run time
    // (strings that merely look like one, e.g. ajv's generated code, are not counted). The entry
    // reads the bundle rather than importing it, so both are parsed.
    const parsed = await build({
      entryPoints: [join(ROOT, "dist/cli.js"), join(ROOT, "dist/server.cjs")],
      outdir: join(work, "imports"),
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      packages: "external",
      logLevel: "silent",
    });
    const imported = new Set<string>();
    for (const input of Object.values(parsed.metafile.inputs))
      for (const { path, external } of input.imports) {
        const name = external ? packageOf(path) : undefined;
        if (name) imported.add(name);
      }
    expect([...imported]).toEqual([]);
    expect(pkg).not.toHaveProperty("dependencies");

    // The packages whose code the bundle holds, found the way the build finds them, each with its licence.
    const bundled = await build({
      entryPoints: [join(ROOT, "src/cli.ts")],
      outfile: join(work, "bundled.cjs"),
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "cjs",
      logLevel: "silent",
    });
    const packages = new Set<string>();
    for (const input of Object.keys(bundled.metafile.inputs)) {
      const root = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
      if (!root) continue;
      const manifest = JSON.parse(await readFile(join(ROOT, root, "package.json"), "utf8")) as { name: string };
      packages.add(manifest.name);
    }
    expect([...packages]).toEqual(expect.arrayContaining(["zod", "undici", "ajv", "csv-parse"]));
    const notices = await readFile(join(ROOT, "dist/THIRD_PARTY_LICENSES.txt"), "utf8");
    expect([...packages].filter((name) => !notices.includes(`\n${name} `))).toEqual([]);
  });

  it("matches the .mcpb manifest's name, version and entry point", async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, "manifest.json"), "utf8")) as {
      name: string;
      version: string;
      server: { entry_point: string; mcp_config: { args: string[] } };
      compatibility: { runtimes: { node: string } };
    };
    expect(manifest.name).toBe(pkg.name);
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.server.entry_point).toBe(pkg.bin["flownally-mcp"]);
    expect(manifest.server.mcp_config.args).toEqual([
      `\${__dirname}/${pkg.bin["flownally-mcp"]}`,
      `\${user_config.file_roots}`,
    ]);
    expect(manifest.compatibility.runtimes.node).toBe(pkg.engines.node);
  });

  it("turns the .mcpb settings into the configuration meant, as the desktop app fills the manifest in", async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, "manifest.json"), "utf8")) as McpbManifestAny;
    const configFor = async (userConfig: Record<string, boolean | string | string[]>) => {
      const launch = await getMcpConfigForManifest({
        manifest,
        extensionPath: "/ext",
        systemDirs: { HOME: "/home/u", DATA: "/data", DOCUMENTS: "/docs", DOWNLOADS: "/dl", DESKTOP: "/desk" },
        userConfig,
        pathSeparator: "/",
      });
      if (!launch) throw new Error("the manifest gave no launch configuration");
      const [entry, ...args] = launch.args ?? [];
      expect(entry).toBe(`/ext/${pkg.bin["flownally-mcp"]}`);
      const command = parseCli(args, launch.env ?? {});
      if (command.kind !== "serve") throw new Error(`not a serve command: ${command.kind}`);
      return command.config;
    };
    // Nothing chosen: no key, no sandbox, no folders; the server then asks for a key (cli.test.ts).
    expect(await configFor({})).toMatchObject({ apiKey: undefined, sandbox: false, fileRoots: undefined });
    expect(await configFor({ sandbox: true })).toMatchObject({ apiKey: undefined, sandbox: true });
    const chosen = await configFor({ api_key: "fl_live_x", file_roots: ["/docs/crm", "/dl"], read_only: true });
    expect(chosen).toMatchObject({ apiKey: "fl_live_x", sandbox: false, readOnly: true });
    expect(chosen.fileRoots).toEqual(["/docs/crm", "/dl"]);
  });

  it("installs into an empty project without dev dependencies and serves the sandbox from its bin", async () => {
    const project = join(work, "project");
    await mkdir(project);
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "try-flownally", private: true }));
    await run(npm, ["install", tarball, "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: project,
      timeout: 110_000,
    });
    for (const dev of Object.keys(pkg.devDependencies))
      expect(existsSync(join(project, "node_modules", dev)), dev).toBe(false);
    // npm's record of what it installed: the package itself and nothing else.
    const installed = JSON.parse(await readFile(join(project, "node_modules/.package-lock.json"), "utf8")) as {
      packages: Record<string, unknown>;
    };
    expect(Object.keys(installed.packages)).toEqual(["node_modules/flownally-mcp"]);

    const { stdout: version } = await run(npm, ["exec", "--yes=false", "--", "flownally-mcp", "--version"], {
      cwd: project,
    });
    expect(version.trim()).toBe(pkg.version);

    const transport = new StdioClientTransport({
      command: join(project, "node_modules/.bin/flownally-mcp"),
      args: ["--sandbox"],
      cwd: project,
      env: { PATH: process.env.PATH ?? "" },
      stderr: "pipe",
    });
    const client = new Client({ name: "pack-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("list_tags");
      const result = await client.callTool({ name: "list_tags", arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.structuredContent)).toContain("VIP");
    } finally {
      await client.close();
    }
  }, 120_000);
});
