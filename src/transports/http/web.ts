// Between node:http and the SDK's web-standard entries: a Request from what
// node:http received, and a Response written back, streamed as it comes (SSE
// included).

import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The Request the SDK's handler reads headers, URL and signal from. Without the
 * body: the caller has read, size-checked and parsed it, and hands the SDK the
 * parsed value (`parsedBody`), so nothing reads it again; a body stream per
 * request would only be built and dropped.
 */
export function toWebRequest(req: IncomingMessage, url: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return new Request(url, { method: req.method ?? "GET", headers, signal });
}

/**
 * Writes `response` to `res`, each chunk as it arrives. Resolves when the body
 * ends or the client goes away (the caller's abort signal then stops the exchange).
 */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const closed = new Promise<void>((resolve) => res.once("close", resolve));
  const gone = closed.then(() => undefined);
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), gone]);
      if (!next || next.done) break;
      if (!res.write(next.value)) await Promise.race([new Promise((r) => res.once("drain", r)), closed]);
    }
  } catch {
    // The stream failed or was cancelled: what was written stands, the connection ends.
  } finally {
    reader.cancel().catch(() => undefined);
    res.end();
  }
}
