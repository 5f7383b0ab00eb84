// Which local folders tools may read files from: the client's MCP roots when it
// offers them (kept current on roots/list_changed), else FLOWNALLY_FILE_ROOTS,
// else the working directory. Never `/`, a home folder, or a folder holding
// one, whichever of these names it: such a root is refused, not used.

import { realpath } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, isAbsolute, parse, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Server } from "@modelcontextprotocol/server";
import { ToolInputError } from "../refusal.js";
import { describeOpenError, type OpenedFile, openInside } from "./open.js";

/** Where the roots in force came from; it decides what a refusal tells the user to change. */
type Source = "client" | "configured" | "cwd";

interface Vetted {
  source: Source;
  /** Real paths of the roots files may be read under. */
  allowed: string[];
  /** Roots named but not used, each with the reason. */
  refused: string[];
}

export class FileRoots {
  private clientRoots: readonly string[] | undefined;
  private pending: Promise<void> | undefined;
  private readonly cwd = process.cwd();
  private homes: Promise<Homes> | undefined;

  /**
   * `configured` is FLOWNALLY_FILE_ROOTS: undefined when unset (client roots,
   * else the working directory), `[]` for no files at all (HTTP without it).
   */
  constructor(private readonly configured: readonly string[] | undefined) {}

  /**
   * Follows the client's roots: asks for them once the session is initialized
   * (when the client declares the roots capability) and again on every
   * notifications/roots/list_changed.
   */
  attach(server: Server): void {
    server.oninitialized = () => {
      if (server.getClientCapabilities()?.roots) this.refresh(server);
    };
    server.setNotificationHandler("notifications/roots/list_changed", () => {
      this.refresh(server);
    });
  }

  /** Replaces the client's roots (file:// URIs); an empty list falls back to the configured roots. */
  setClientRoots(uris: readonly string[]): void {
    const paths = uris.filter((u) => u.startsWith("file:")).map((u) => fileURLToPath(u));
    this.clientRoots = paths.length > 0 ? paths : undefined;
  }

  /**
   * Opens a file the tools may read, once, and checks what was opened (see
   * open.ts); the caller reads that handle and closes it. Anything else is a
   * ToolInputError that names the allowed roots and how to add one.
   */
  async readable(path: string): Promise<OpenedFile> {
    const roots = await this.vetted();
    const first = roots.allowed[0];
    if (first === undefined) throw noRoots(roots);
    const isAllowed = (p: string) => roots.allowed.some((root) => inside(root, p));
    const requested = isAbsolute(path) ? path : resolve(first, path);
    let real: string;
    try {
      real = await realpath(requested);
    } catch (err) {
      // Say why it cannot be opened only where the caller could have read it anyway.
      if (!isAllowed(requested)) throw outside(path, roots);
      throw describeOpenError(path, err);
    }
    if (!isAllowed(real)) throw outside(path, roots);
    return openInside(real, path, isAllowed, () => outside(path, roots));
  }

  /** The roots in force, after any refresh in flight has landed, split into those used and those refused. */
  private async vetted(): Promise<Vetted> {
    await this.pending;
    const [source, named]: [Source, readonly string[]] = this.clientRoots
      ? ["client", this.clientRoots]
      : this.configured
        ? ["configured", this.configured]
        : ["cwd", [this.cwd]];
    this.homes ??= findHomes(homedir());
    const homes = await this.homes;
    const roots: Vetted = { source, allowed: [], refused: [] };
    for (const root of named) {
      const real = await realpath(root).catch(() => resolve(root));
      const why = tooBroad(real, homes);
      if (why) roots.refused.push(`${source === "cwd" ? "the working directory " : ""}${root} (${why})`);
      else roots.allowed.push(real);
    }
    return roots;
  }

  private refresh(server: Server): void {
    const run = server
      .listRoots()
      .then((result) => this.setClientRoots(result.roots.map((r) => r.uri)))
      .catch(() => {
        // A client that fails to list its roots keeps the roots we had.
      })
      .finally(() => {
        if (this.pending === run) this.pending = undefined;
      });
    this.pending = run;
  }
}

/** Home folders, and the folders that hold them (/home, /Users, C:\Users), as real paths. */
interface Homes {
  homes: string[];
  parents: string[];
}

async function findHomes(home: string): Promise<Homes> {
  const real = async (p: string) => realpath(p).catch(() => undefined);
  const present = async (paths: string[]) =>
    (await Promise.all(paths.map(real))).filter((p): p is string => p !== undefined);
  const own = (await real(home)) ?? resolve(home);
  // Where users' homes live by convention. Not simply beside ours: a service
  // account's home (/var/lib/app) would make all of /var/lib homes.
  const parents = await present(process.platform === "win32" ? [dirname(own)] : ["/home", "/Users"]);
  return { homes: [own, ...(await present(["/root", "/var/root"]))], parents };
}

/** Why a root would open too much to be used, or undefined when it is a folder of its own. */
function tooBroad(root: string, { homes, parents }: Homes): string | undefined {
  if (parse(root).root === root) return "the whole disk";
  if (homes.includes(root) || parents.some((p) => dirname(root) === p)) return "a home folder";
  if ([...homes, ...parents].some((h) => inside(root, h))) return "it holds home folders";
  return undefined;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** What the user can change so that a folder is allowed, given where the roots in force came from. */
function howToAllow(source: Source): string {
  const inline = "or pass the content inline (csv, or base64 with filename)";
  if (source === "client") return "Add the folder that holds the file as a root in the MCP client.";
  if (source === "configured") {
    return `Add the folder that holds the file to FLOWNALLY_FILE_ROOTS (the extension's Folders for files setting); ${inline}.`;
  }
  return `Allow the folder that holds the file in FLOWNALLY_FILE_ROOTS, as a root in the MCP client, or in the extension's Folders for files setting; ${inline}.`;
}

function outside(path: string, roots: Vetted): ToolInputError {
  const notUsed = roots.refused.length ? ` Not used as roots: ${roots.refused.join(", ")}.` : "";
  return new ToolInputError(
    `Refused: ${path} is outside the allowed file roots (${roots.allowed.join(", ")}).${notUsed} ${howToAllow(roots.source)} Nothing was read.`,
  );
}

function noRoots(roots: Vetted): ToolInputError {
  const why =
    roots.refused.length > 0
      ? `no folder is allowed for files (not used as roots: ${roots.refused.join(", ")})`
      : "this server reads no files: FLOWNALLY_FILE_ROOTS names no folder, and over HTTP no other roots apply";
  return new ToolInputError(`Refused: ${why}. ${howToAllow(roots.source)} Nothing was read.`);
}
