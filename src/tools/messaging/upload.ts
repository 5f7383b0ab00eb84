// upload_media: sends a local file or inline base64 as multipart to
// POST /media/uploads under one Idempotency-Key, so the client's retries of
// the same upload never store it twice.

import { openAsBlob } from "node:fs";
import { basename, extname } from "node:path";
import * as z from "zod";
import { newIdempotencyKey } from "../../client/http.js";
import { ToolInputError } from "../../refusal.js";
import { CREATE, defineTool } from "../types.js";

export const MAX_MEDIA_BYTES = 16 * 1024 * 1024;

const MIME_TYPES: Record<string, string> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".pdf": "application/pdf",
  ".mp4": "video/mp4",
  ".3gp": "video/3gpp",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".aac": "audio/aac",
  ".amr": "audio/amr",
  ".txt": "text/plain",
  ".csv": "text/csv",
  ".doc": "application/msword",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".xls": "application/vnd.ms-excel",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export const uploadMedia = defineTool({
  name: "upload_media",
  toolset: "messaging",
  title: "Upload media",
  description: "Upload a file (≤16 MB); returns a mediaId for media content.",
  scopes: ["message:create"],
  method: "POST",
  path: "/media/uploads",
  input: {
    filePath: z.string().min(1).optional().describe("Path under the allowed roots"),
    base64: z.string().min(1).optional().describe("Inline content; needs filename"),
    filename: z.string().min(1).optional().describe("Default: the file's name"),
    mimeType: z.string().min(1).optional().describe("Default: by extension"),
  },
  hints: CREATE,
  run: async (args, ctx) => {
    if ((args.filePath === undefined) === (args.base64 === undefined)) {
      throw new ToolInputError("Give exactly one of filePath or base64 (with filename). Nothing was sent.");
    }
    let blob: Blob;
    let filename: string;
    if (args.filePath !== undefined) {
      const file = await ctx.readableFile(args.filePath);
      if (file.size > MAX_MEDIA_BYTES) throw tooLarge(file.size);
      if (file.size === 0) throw new ToolInputError(`${args.filePath} is empty. Nothing was sent.`);
      filename = args.filename ?? basename(file.path);
      blob = await openAsBlob(file.path, { type: args.mimeType ?? mimeOf(filename) });
    } else {
      if (args.filename === undefined) throw new ToolInputError("base64 needs a filename. Nothing was sent.");
      const b64 = args.base64 ?? "";
      // Refuse by the encoded length before decoding anything.
      if (Math.floor((b64.length * 3) / 4) > MAX_MEDIA_BYTES + 2) throw tooLarge(Math.floor((b64.length * 3) / 4));
      const bytes = Buffer.from(b64, "base64");
      if (bytes.length === 0) throw new ToolInputError("base64 decodes to nothing. Nothing was sent.");
      if (bytes.length > MAX_MEDIA_BYTES) throw tooLarge(bytes.length);
      filename = args.filename;
      blob = new Blob([bytes], { type: args.mimeType ?? mimeOf(filename) });
    }
    const res = await ctx.client.request({
      method: "POST",
      path: "/media/uploads",
      multipart: [{ name: "file", value: blob, filename }],
      idempotencyKey: newIdempotencyKey(),
      signal: ctx.signal,
    });
    return { data: res.data };
  },
});

function mimeOf(filename: string): string {
  return MIME_TYPES[extname(filename).toLowerCase()] ?? "application/octet-stream";
}

function tooLarge(size: number): ToolInputError {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  return new ToolInputError(
    `File is ${mb(size)} MB; upload_media takes at most ${mb(MAX_MEDIA_BYTES)} MB. Nothing was sent.`,
  );
}
