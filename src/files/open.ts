// Opens a local file once and reads only what was opened. A path checked and
// then opened again by name can be swapped for a symlink in between; so the
// file is opened once, what the descriptor holds is checked (its real path,
// that it is a regular file), and every later read — the CSV check, the upload —
// reads that descriptor, with limits on the bytes actually read.

import { Buffer, File } from "node:buffer";
import { constants } from "node:fs";
import { type FileHandle, open, readlink, realpath, stat } from "node:fs/promises";
import { basename } from "node:path";
import { Readable } from "node:stream";
import { ToolInputError } from "../refusal.js";

/**
 * Read-only; the last component must not be a symlink (the path was resolved
 * just before); O_NONBLOCK so that opening a FIFO returns at once instead of
 * waiting for a writer (it is then refused as not a regular file).
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const CHUNK_BYTES = 64 * 1024;

export interface ReadOptions {
  /** Refuse the file once more than this many bytes have been read. Default: no limit. */
  maxBytes?: number;
  /** The file must have exactly `maxBytes` bytes: it was measured before and must not have changed. */
  exact?: boolean;
}

/** A file opened under the allowed roots. Every read starts at its first byte; close it when done. */
export class OpenedFile {
  private firstFailure: ToolInputError | undefined;

  constructor(
    private readonly handle: FileHandle,
    /** The path as the caller gave it, for messages. */
    private readonly shown: string,
    /** The real path of what was opened, inside an allowed root. */
    readonly path: string,
    /** The size when opened; reads count the bytes themselves. */
    readonly size: number,
  ) {}

  get name(): string {
    return basename(this.path);
  }

  /**
   * The first read failure (unreadable, over the limit, changed), kept because a
   * stream read by an HTTP request surfaces only as a failed request.
   */
  get failure(): ToolInputError | undefined {
    return this.firstFailure;
  }

  /** The bytes from the first on; a failure errors the stream with a ToolInputError. */
  read(options: ReadOptions = {}): Readable {
    return Readable.from(this.chunks(options), { objectMode: false });
  }

  /**
   * The file as a multipart file part of exactly `bytes` bytes (as many as were
   * checked), streamed from this descriptor afresh on every send, so a retried
   * request re-reads it. undici's FormData keeps a File as given, sends its
   * `size` as Content-Length and streams its `stream()`, both replaced here;
   * fs.openAsBlob would open the file again by its name.
   */
  part(bytes: number, type: string): File {
    const part = new File([], this.name, { type });
    return Object.defineProperties(part, {
      size: { value: bytes },
      stream: { value: () => Readable.toWeb(this.read({ maxBytes: bytes, exact: true })) },
    });
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async *chunks({ maxBytes = Number.POSITIVE_INFINITY, exact = false }: ReadOptions): AsyncGenerator<Buffer> {
    let position = 0;
    for (;;) {
      // One byte past the limit tells a file at the limit from one over it.
      const want = Math.min(CHUNK_BYTES, maxBytes + 1 - position);
      const buffer = Buffer.allocUnsafe(want);
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(buffer, 0, want, position));
      } catch (err) {
        throw this.fail(`Could not read ${this.shown}: ${reason(err)}. Nothing was sent.`);
      }
      if (bytesRead === 0) break;
      position += bytesRead;
      if (position > maxBytes) {
        throw this.fail(
          exact
            ? changed(this.shown, maxBytes)
            : `${this.shown} is larger than ${sizeText(maxBytes)}. Nothing was sent.`,
        );
      }
      yield buffer.subarray(0, bytesRead);
    }
    if (exact && position !== maxBytes) throw this.fail(changed(this.shown, maxBytes));
  }

  private fail(message: string): ToolInputError {
    const err = new ToolInputError(message);
    this.firstFailure ??= err;
    return err;
  }
}

/**
 * Opens `real` (a resolved path inside the roots) and checks what the
 * descriptor holds: inside the roots by `isAllowed`, else `outside()` is
 * thrown; a regular file. `shown` is the caller's path, for messages.
 */
export async function openInside(
  real: string,
  shown: string,
  isAllowed: (path: string) => boolean,
  outside: () => Error,
): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(real, OPEN_FLAGS);
  } catch (err) {
    throw describeOpenError(shown, err);
  }
  try {
    const info = await handle.stat();
    const opened = await pathOf(handle, real, info);
    if (opened === undefined || !isAllowed(opened)) throw outside();
    if (!info.isFile()) throw new ToolInputError(`${shown} is not a regular file. Nothing was read or sent.`);
    return new OpenedFile(handle, shown, opened, info.size);
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Why a file could not be opened (or its path resolved), as a refusal. */
export function describeOpenError(shown: string, err: unknown): ToolInputError {
  const code = codeOf(err);
  if (code === "ENOENT" || code === "ENOTDIR")
    return new ToolInputError(`No file at ${shown}. Nothing was read or sent.`);
  if (code === "ELOOP") {
    return new ToolInputError(
      `Refused: ${shown} changed into a symlink while it was being opened. Nothing was read or sent.`,
    );
  }
  return new ToolInputError(`Could not open ${shown}: ${reason(err)}. Nothing was read or sent.`);
}

/**
 * The path of the file a descriptor holds. Linux names it in /proc; elsewhere
 * the path is resolved again and must lead to the same file (device and inode).
 */
async function pathOf(
  handle: FileHandle,
  real: string,
  info: { dev: number; ino: number },
): Promise<string | undefined> {
  const named = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
  if (named !== undefined) return named.replace(/ \(deleted\)$/, "");
  const now = await realpath(real).catch(() => undefined);
  const seen = now === undefined ? undefined : await stat(now).catch(() => undefined);
  return seen && seen.dev === info.dev && seen.ino === info.ino ? now : undefined;
}

function changed(shown: string, bytes: number): string {
  return `${shown} changed after it was checked (it had ${bytes} bytes); nothing more was sent. Call again to check and send it as it is now.`;
}

function codeOf(err: unknown): string {
  return err && typeof err === "object" && "code" in err && typeof err.code === "string" ? err.code : "";
}

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a folder",
  EIO: "input/output error",
  EMFILE: "too many open files, try again",
  ENFILE: "too many open files, try again",
};

function reason(err: unknown): string {
  const code = codeOf(err);
  return REASONS[code] ?? (code || "unknown error");
}

function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${bytes} bytes` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
