// upload_media: sends a local file or inline base64 as multipart to
// POST /media/uploads under one Idempotency-Key, so the client's retries of
// the same upload never store it twice.

import { extname } from "node:path";
import * as z from "zod";
import { newIdempotencyKey } from "../../client/http.js";
import { ToolInputError } from "../../refusal.js";
import { CREATE, defineTool } from "../types.js";

export const MAX_MEDIA_BYTES = 16 * 1024 * 1024;
/**
 * Inline content is the whole file inside one JSON-RPC message: 2 MB is 2.7 MB
 * of base64, inside the HTTP transport's 4 MiB body limit and far from stdio's
 * 10 MB line limit. Larger files go by filePath.
 */
export const MAX_INLINE_BYTES = 2 * 1024 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

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
    base64: z.string().min(1).optional().describe("Inline, ≤2 MB (else filePath); needs filename"),
    filename: z.string().min(1).optional().describe("Default: the file's name"),
    mimeType: z.string().min(1).optional().describe("Default: by extension"),
  },
  hints: CREATE,
  run: async (args, ctx) => {
    if ((args.filePath === undefined) === (args.base64 === undefined)) {
      throw new ToolInputError("Give exactly one of filePath or base64 (with filename). Nothing was sent.");
    }
    let bytes: Buffer;
    let filename: string;
    if (args.filePath !== undefined) {
      const file = await ctx.readableFile(args.filePath);
      try {
        // The size when opened refuses a large file without reading it; the count of bytes read is what holds.
        if (file.size > MAX_MEDIA_BYTES) throw tooLarge(file.size, MAX_MEDIA_BYTES);
        bytes = Buffer.concat(await file.read({ maxBytes: MAX_MEDIA_BYTES }).toArray());
        filename = args.filename ?? file.name;
      } finally {
        await file.close();
      }
      if (bytes.length === 0) throw new ToolInputError(`${args.filePath} is empty. Nothing was sent.`);
    } else {
      if (args.filename === undefined) throw new ToolInputError("base64 needs a filename. Nothing was sent.");
      const b64 = args.base64 ?? "";
      // Checked here, not as a schema format, which would cost every tools/list a dozen tokens.
      if (!BASE64.test(b64)) {
        throw new ToolInputError(
          "base64 is not valid base64 (A-Z, a-z, 0-9, + and / in groups of four, = padding; no data: prefix or line breaks). Nothing was sent.",
        );
      }
      // Four characters for every three bytes, less the padding.
      const decoded = (b64.length / 4) * 3 - (b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0);
      if (decoded > MAX_INLINE_BYTES)
        throw tooLarge(decoded, MAX_INLINE_BYTES, " inline; send a larger file by filePath");
      bytes = Buffer.from(b64, "base64");
      filename = args.filename;
    }
    const blob = new Blob([bytes], { type: args.mimeType ?? mimeOf(filename) });
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

function tooLarge(size: number, max: number, how = ""): ToolInputError {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  return new ToolInputError(
    `File is ${mb(size)} MB; upload_media takes at most ${mb(max)} MB${how}. Nothing was sent.`,
  );
}
