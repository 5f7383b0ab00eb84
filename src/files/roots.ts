// Which local files a tool may read: under the client's MCP roots when it
// offers them (kept current on roots/list_changed), else FLOWNALLY_FILE_ROOTS,
// else the working directory. Symlinks are resolved on both sides first.

import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Server } from "@modelcontextprotocol/server";
import { ToolInputError } from "../refusal.js";

export interface ReadableFile {
  /** The real path (symlinks resolved), inside an allowed root. */
  path: string;
  size: number;
}

export class FileRoots {
  private clientRoots: readonly string[] | undefined;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly configured: readonly string[] | undefined,
    private readonly cwd: string = process.cwd(),
  ) {}

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

  /** The roots in force, after any refresh in flight has landed. */
  async roots(): Promise<readonly string[]> {
    await this.pending;
    return this.clientRoots ?? this.configured ?? [this.cwd];
  }

  /**
   * The real path and size of a file the tools may read, or a ToolInputError
   * naming the allowed roots. Reads nothing of the file.
   */
  async readable(path: string): Promise<ReadableFile> {
    const roots = await this.roots();
    const requested = isAbsolute(path) ? path : resolve(roots[0] ?? this.cwd, path);
    const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => resolve(r))));
    let real: string;
    try {
      real = await realpath(requested);
    } catch {
      // Say "not found" only where the caller could have read it anyway.
      if (!realRoots.some((root) => inside(root, requested))) throw refusal(path, roots);
      throw new ToolInputError(`No file at ${path}. Nothing was read or sent.`);
    }
    if (!realRoots.some((root) => inside(root, real))) throw refusal(path, roots);
    const info = await stat(real);
    if (!info.isFile()) throw new ToolInputError(`${path} is not a regular file. Nothing was read or sent.`);
    return { path: real, size: info.size };
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

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function refusal(path: string, roots: readonly string[]): ToolInputError {
  if (roots.length === 0) {
    return new ToolInputError(
      `Refused: this server reads no files (over HTTP only under FLOWNALLY_FILE_ROOTS, which is not set); pass the content inline instead (csv, or base64 with filename and mimeType). Nothing was read.`,
    );
  }
  return new ToolInputError(
    `Refused: ${path} is outside the allowed file roots (${roots.join(", ")}). Move the file under one of them or add a root in the MCP client. Nothing was read.`,
  );
}
