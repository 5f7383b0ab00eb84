// The key never reaches what the model reads or what is logged, however the API
// echoes it: raw, \u-escaped, with \/ escapes, as JSON inside a JSON string,
// percent- or form-encoded, in base64, split over neighbouring fields, as an
// object key, in a header; in error and success answers alike; at every length
// (short keys too, without eating ordinary words). Checked as a property over
// echo forms × keys, through a real MCP client against a loopback API.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clientFromConfig } from "../src/client/config.js";
import { heldSecretCount, holdSecret, log } from "../src/log.js";
import { compileSecret, redactValue } from "../src/redact.js";
import { startHttpServer } from "../src/transports/http/index.js";
import { json, type Loopback, startLoopback } from "./helpers/loopback.js";
import { connect, testConfig, textOf } from "./helpers/mcp.js";

let api: Loopback;
let stderr: string[] = [];
const realWrite = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  api = await startLoopback();
});
afterAll(() => api.close());
beforeEach(() => {
  stderr = [];
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return realWrite(chunk, ...(rest as []));
  }) as typeof process.stderr.write;
});
afterEach(() => {
  process.stderr.write = realWrite;
});

/** One level of JSON string escaping. */
const esc = (s: string): string => JSON.stringify(s).slice(1, -1);
/** Every UTF-16 unit as \uXXXX, as some serialisers write non-ASCII (and a paranoid one everything). */
const escapeAll = (s: string): string =>
  Array.from({ length: s.length }, (_, i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, "0")}`).join("");

/** The secret between markers that are not word characters, so a short key stands as a word as an echo would. */
const marked = (key: string): string => `<<${key}>>`;

interface Echo {
  name: string;
  /** The answer's JSON text, with the key somewhere in it. */
  body(key: string): string;
  /** What a string the model reads would contain if the key got through. */
  needles(key: string): string[];
  /** The key is inside base64 text: decoded, it must not be there either. */
  base64?: boolean;
  /** Only for keys long enough to be told from ordinary text. */
  minLength?: number;
}

/** Whether some base64-looking run of `text` decodes to something holding `key`. */
function inBase64(text: string, key: string): boolean {
  return (text.match(/[A-Za-z0-9+/=]{8,}/g) ?? []).some((run) => Buffer.from(run, "base64").toString().includes(key));
}

const ECHOES: Echo[] = [
  { name: "raw", body: (k) => JSON.stringify({ detail: marked(k) }), needles: (k) => [marked(k)] },
  {
    name: "\\u-escaped",
    body: (k) => `{"detail":"${escapeAll(marked(k))}"}`,
    needles: (k) => [marked(k)],
  },
  {
    name: "\\/-escaped",
    body: (k) => JSON.stringify({ detail: `/x/${marked(k)}/y` }).replaceAll("/", "\\/"),
    needles: (k) => [marked(k)],
  },
  {
    name: "JSON inside a JSON string",
    body: (k) => JSON.stringify({ detail: JSON.stringify({ token: marked(k) }) }),
    needles: (k) => [esc(marked(k))],
  },
  {
    name: "\\u-escaped JSON inside a JSON string",
    body: (k) => JSON.stringify({ detail: `{"token":"${escapeAll(marked(k))}"}` }),
    needles: (k) => [escapeAll(marked(k))],
  },
  {
    name: "JSON inside JSON inside a JSON string",
    body: (k) => JSON.stringify({ detail: JSON.stringify(JSON.stringify({ token: marked(k) })) }),
    needles: (k) => [esc(esc(marked(k)))],
  },
  {
    name: "percent-encoded",
    body: (k) => JSON.stringify({ detail: `GET /v1/x?key=${encodeURIComponent(marked(k))}` }),
    needles: (k) => [encodeURIComponent(marked(k))],
  },
  {
    name: "form-encoded",
    body: (k) => JSON.stringify({ detail: new URLSearchParams({ key: marked(k) }).toString() }),
    needles: (k) => [new URLSearchParams({ key: marked(k) }).toString().slice(4)],
  },
  {
    name: "base64 in a Basic header",
    body: (k) => JSON.stringify({ detail: `Basic ${Buffer.from(`user:${k}`).toString("base64")}` }),
    needles: () => [],
    base64: true,
    minLength: 11,
  },
];

/** Every string the model can read in a result: the text, and structured values and keys. */
function visibleStrings(result: CallToolResult): string[] {
  const out = [textOf(result)];
  const walk = (value: unknown): void => {
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) {
        out.push(k);
        walk(v);
      }
  };
  walk(result.structuredContent);
  return out;
}

/** Whether the key shows anywhere the model reads, in the echo's spelling, JSON-escaped in text, or base64. */
function leaks(result: CallToolResult, key: string, echo: Echo): string | undefined {
  for (const seen of visibleStrings(result)) {
    for (const needle of echo.needles(key)) {
      if (seen.includes(needle) || seen.includes(esc(needle))) return `${echo.name}: ${JSON.stringify(seen)}`;
    }
    if (echo.base64 && inBase64(seen, key)) return `base64: ${JSON.stringify(seen)}`;
  }
  return undefined;
}

/** Whether `key` stands in `text` as the redaction rule sees it: anywhere when long, as a whole word when short. */
function standsIn(text: string, key: string): boolean {
  if (key.length >= 8) return text.includes(key);
  for (let i = text.indexOf(key); i >= 0; i = text.indexOf(key, i + 1)) {
    const before = text[i - 1];
    const after = text[i + key.length];
    const word = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
    if (!word(before) && !word(after)) return true;
  }
  return false;
}

// Keys as a header carries them: printable ASCII, any length from 1.
const keyArb = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 40,
});
const ORDINARY = "Anna from Krakow paid order 4827; table 5, a VIP";

describe("through a real client: every echo form × key lengths", () => {
  it("an error answer never shows the key, and says [redacted] where it stood", async () => {
    await fc.assert(
      fc.asyncProperty(
        keyArb,
        fc.constantFrom(...ECHOES),
        fc.constantFrom(400, 401, 404, 422, 500),
        async (key, echo, status) => {
          fc.pre(key.length >= (echo.minLength ?? 1));
          api.respond((_req, res) => {
            res.writeHead(status, { "content-type": "application/problem+json" });
            // The raw body keeps the echo's own escaping; only `status` and `code` are added around it.
            res.end(echo.body(key).replace(/^\{/, `{"status":${status},"code":"bad_key",`));
          });
          const mcp = await connect(testConfig({ baseUrl: api.baseUrl, apiKey: key, maxRetries: 0 }));
          try {
            const result = await mcp.call("get_contact", { id: "con_1" });
            expect(result.isError).toBe(true);
            expect(leaks(result, key, echo)).toBeUndefined();
            expect(textOf(result)).toContain("[redacted]");
          } finally {
            await mcp.close();
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 12) * 10 },
    );
  }, 120_000);

  it("a success answer never shows the key, and ordinary text beside it is left alone", async () => {
    await fc.assert(
      fc.asyncProperty(keyArb, fc.constantFrom(...ECHOES), async (key, echo) => {
        fc.pre(key.length >= (echo.minLength ?? 1));
        api.respond((_req, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(echo.body(key).replace(/^\{/, `{"id":"con_1","note":${JSON.stringify(ORDINARY)},`));
        });
        const mcp = await connect(testConfig({ baseUrl: api.baseUrl, apiKey: key, maxRetries: 0 }));
        try {
          const result = await mcp.call("get_contact", { id: "con_1" });
          expect(result.isError, textOf(result)).toBeFalsy();
          expect(leaks(result, key, echo)).toBeUndefined();
          expect(JSON.stringify(result.structuredContent)).toContain("[redacted]");
          const note = (result.structuredContent as { note: string }).note;
          if (!standsIn(ORDINARY, key)) expect(note).toBe(ORDINARY);
        } finally {
          await mcp.close();
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 12) * 10 },
    );
  }, 120_000);

  it("a key split over neighbouring fields, or standing as an object key, is cut from both", async () => {
    await fc.assert(
      fc.asyncProperty(
        keyArb.filter((k) => k.length >= 8),
        fc.nat(),
        async (key, at) => {
          const cut = 1 + (at % (key.length - 1));
          api.respond((req, res) =>
            req.path === "/contacts/con_1"
              ? json(res, 200, { id: "con_1", first: key.slice(0, cut), rest: key.slice(cut), [marked(key)]: 1 })
              : json(res, 422, { status: 422, errors: [{ field: key.slice(0, cut), message: key.slice(cut) }] }),
          );
          const mcp = await connect(testConfig({ baseUrl: api.baseUrl, apiKey: key, maxRetries: 0 }));
          try {
            const ok = await mcp.call("get_contact", { id: "con_1" });
            const values = visibleStrings(ok).slice(1).join("");
            expect(values).not.toContain(key);
            expect(Object.keys(ok.structuredContent ?? {}).join()).not.toContain(key);
            const failed = await mcp.call("get_contact", { id: "con_2" });
            // The summary joins a violation as "field: message".
            expect(textOf(failed).replaceAll(": ", "")).not.toContain(key);
          } finally {
            await mcp.close();
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 12) * 3 },
    );
  }, 120_000);

  it("headers echoed in summaries are redacted too: the request id of a 5xx, a content type", async () => {
    const key = "hdr-key-0123456789";
    const mcp = await connect(testConfig({ baseUrl: api.baseUrl, apiKey: key, maxRetries: 0 }));
    try {
      api.respond((_req, res) => json(res, 503, { status: 503, code: "unavailable" }, { "x-request-id": `r-${key}` }));
      const failed = textOf(await mcp.call("get_contact", { id: "con_1" }));
      expect(failed).toMatch(/request id r-\[redacted\]/);
      api.respond((_req, res) => {
        res.writeHead(200, { "content-type": `application/x-${key}` }).end("{}");
      });
      const odd = textOf(await mcp.call("get_contact", { id: "con_1" }));
      expect(odd).toMatch(/^Bad response/);
      expect(odd).not.toContain(key);
    } finally {
      await mcp.close();
    }
  });

  it("a short key is cut where it stands as a word, and nowhere inside other words", async () => {
    const mcp = await connect(testConfig({ baseUrl: api.baseUrl, apiKey: "abc", maxRetries: 0 }));
    try {
      api.respond((_req, res) =>
        json(res, 200, { id: "con_1", token: "abc", said: "key abc rejected", word: "abcdef" }),
      );
      const data = (await mcp.call("get_contact", { id: "con_1" })).structuredContent;
      expect(data).toEqual({ id: "con_1", token: "[redacted]", said: "key [redacted] rejected", word: "abcdef" });
    } finally {
      await mcp.close();
    }
  });
});

describe("over Streamable HTTP", () => {
  it("a caller's own bearer token is redacted from its results and from the log while the server holds it", async () => {
    const token = "per-user/token+0123456789";
    api.respond((req, res) => {
      // The key proves itself before the server keeps anything for it.
      if (req.path === "/users/me") return json(res, 200, { id: "usr_1" });
      return req.path === "/contacts/con_1"
        ? json(res, 200, { id: "con_1", seenWith: `{"auth":"${escapeAll(`Bearer ${token}`)}"}` })
        : json(res, 401, { status: 401, code: "unauthorized", detail: `bad token ${encodeURIComponent(token)}` });
    });
    const before = heldSecretCount();
    const config = testConfig({
      apiKey: undefined,
      baseUrl: api.baseUrl,
      http: { host: "127.0.0.1", port: 0, stateless: false },
    });
    const server = await startHttpServer(config);
    const client = new Client({ name: "redaction", version: "1.0.0" });
    try {
      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      const ok = (await client.callTool({ name: "get_contact", arguments: { id: "con_1" } })) as CallToolResult;
      const failed = (await client.callTool({ name: "get_contact", arguments: { id: "con_2" } })) as CallToolResult;
      expect(heldSecretCount()).toBe(before + 1);
      log(`session error: ${encodeURIComponent(token)}`);
      for (const result of [ok, failed]) {
        const seen = JSON.stringify(result);
        expect(seen).toContain("[redacted]");
        for (const spelling of [token, escapeAll(token), esc(escapeAll(token)), encodeURIComponent(token)])
          expect(seen).not.toContain(spelling);
      }
      expect(stderr.join("")).not.toContain(encodeURIComponent(token));
    } finally {
      await client.close();
      await server.close();
    }
    // The server closed, the token is no longer held.
    expect(heldSecretCount()).toBe(before);
  }, 30_000);
});

describe("the redaction itself, on any text", () => {
  it("finds every echo form of any secret, Unicode and JSON metacharacters included", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
        fc.constantFrom(...ECHOES),
        (key, echo) => {
          fc.pre(key.length >= (echo.minLength ?? 1));
          fc.pre(!/\p{Surrogate}/u.test(key));
          const parsed: unknown = JSON.parse(echo.body(key));
          const redacted = redactValue(parsed, [compileSecret(key)]);
          const detail = (redacted as { detail: string }).detail;
          for (const needle of echo.needles(key)) expect(detail).not.toContain(needle);
          if (echo.base64) expect(inBase64(detail, key)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  }, 60_000);
});

describe("log lines", () => {
  it("never show a held secret in any spelling, and forget it once released", () => {
    const key = 'log"key/é 5ecret';
    const before = heldSecretCount();
    const release = holdSecret(key);
    for (const echo of ECHOES) log(`upstream said ${echo.body(key)}`);
    release();
    expect(heldSecretCount()).toBe(before);
    const written = stderr.join("");
    for (const echo of ECHOES) for (const needle of echo.needles(key)) expect(written).not.toContain(needle);
    expect(written).toContain("[redacted]");
  });

  it("holds a client's key while it lives, so per-caller keys do not pile up", async () => {
    const before = heldSecretCount();
    const clients = Array.from({ length: 50 }, (_, i) =>
      clientFromConfig(testConfig({ baseUrl: api.baseUrl, apiKey: `per-user-token-${i}` })),
    );
    expect(heldSecretCount()).toBe(before + 50);
    log("caller per-user-token-7 failed");
    expect(stderr.join("")).not.toContain("per-user-token-7");
    await Promise.all(clients.map((c) => c.close()));
    expect(heldSecretCount()).toBe(before);
  });

  it("a request's own secrets are held for that request only and cut from its answer", async () => {
    const mcp = clientFromConfig(testConfig({ baseUrl: api.baseUrl, apiKey: "client-key-0001", maxRetries: 0 }));
    try {
      api.respond((_req, res) => json(res, 200, { echoed: "webhook secret whsec_0123456789" }));
      const before = heldSecretCount();
      const res = await mcp.request({ method: "GET", path: "/x", secrets: ["whsec_0123456789"] });
      expect(res.data).toEqual({ echoed: "webhook secret [redacted]" });
      expect(heldSecretCount()).toBe(before);
    } finally {
      await mcp.close();
    }
  });
});
