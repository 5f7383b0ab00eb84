// The licences of the third-party code inside the bundle. dist/server.cjs carries
// these packages' code but none of their files (the package installs no
// dependencies), so their licence texts ship beside it, in the file written here.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Writes `file`: for every package esbuild put into the bundle (the packages of the
 * metafile's inputs), its name, version, declared licence and licence file's text.
 * Fails the build when a bundled package ships no licence file.
 */
export async function writeNotices(metafile, file) {
  const roots = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    // The innermost node_modules/<name> or node_modules/@scope/<name> holding the input.
    const root = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll("\\", "/"))?.[1];
    if (root) roots.add(root);
  }
  const packages = await Promise.all([...roots].map(describe));
  packages.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const rule = "-".repeat(78);
  const text = [
    "flownally-mcp's dist/server.cjs bundles the following third-party packages.",
    "Their licences follow, each as the package ships it.",
    "",
    ...packages.flatMap((p) => [rule, `${p.name} ${p.version} (${p.license})`, rule, "", p.text.trim(), ""]),
  ].join("\n");
  await writeFile(file, text);
}

async function describe(root) {
  const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
  const licenceFile = (await readdir(root)).find((name) => /^(licen[cs]e|copying)(\.|-|$)/i.test(name));
  if (!licenceFile) throw new Error(`notices: ${pkg.name} ships no licence file in ${root}`);
  return {
    name: pkg.name,
    version: pkg.version,
    license: typeof pkg.license === "string" ? pkg.license : "see below",
    text: await readFile(join(root, licenceFile), "utf8"),
  };
}
