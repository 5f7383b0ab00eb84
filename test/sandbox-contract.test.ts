// The sandbox against the API reference's own examples. Every operation of the
// Contacts and Events pages (spec/reference/000_… and 004_…, the web-page text; 001_…
// is the same Contacts page as plain text) is read from the file: its request (path,
// JSON or multipart body), the documented response statuses, and the example response.
// Each example is replayed against a fresh sandbox, which must answer with the same
// status and the same attribute sets, at every depth; each documented error status is
// provoked and must come back as ProblemDetails. A new example in the reference, or an
// attribute the sandbox invents, fails here.

import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { type Answer, call } from "./helpers/sandbox-http.js";

const REFERENCE = new URL("../spec/reference/", import.meta.url);
const PAGES = ["000_014e68ab0c81dc02.txt", "004_34b33b5e95fe0612.txt"];

// ---- Reading the reference ----

interface Example {
  method: string;
  /** Path template as the reference writes it, e.g. `/contacts/{id}`. */
  path: string;
  title: string;
  /** The numeric statuses under Responses (not `default`). */
  documented: number[];
  /** The JSON body of the example request, if it has one. */
  body?: unknown;
  /** The example request uploads a file as multipart `file`. */
  multipart: boolean;
  status: number;
  /** The example response's JSON; undefined for 204. */
  response?: unknown;
}

function readExamples(file: string): Example[] {
  const lines = readFileSync(new URL(file, REFERENCE), "utf8").split("\n");
  const starts = lines.flatMap((line, i) => (/^(get|post|put|patch|delete)\/\S*$/.test(line) ? [i] : []));
  return starts.map((start, n) => readOperation(lines.slice(start, starts[n + 1] ?? lines.length)));
}

/** One operation's block, from its `get/contacts/{id}` line to the next. */
function readOperation(block: readonly string[]): Example {
  const [, method = "", path = ""] = /^([a-z]+)(\/\S*)$/.exec(block[0] ?? "") ?? [];
  const title = block.find((line) => line.endsWith("#"))?.slice(0, -1) ?? "";
  const responses = block.slice(block.indexOf("Responses"), block.indexOf("Related schemas"));
  const documented = responses.flatMap((line, i) =>
    line.trim() === "• Name" && /^\s*\d{3}$/.test(responses[i + 1] ?? "") ? [Number(responses[i + 1])] : [],
  );
  const bodyStart = block.findIndex((line) => line.startsWith("  -d '"));
  const bodyEnd = block.findIndex((line, i) => i > bodyStart && line.endsWith("'"));
  const body =
    bodyStart < 0
      ? undefined
      : (JSON.parse(
          block
            .slice(bodyStart, bodyEnd + 1)
            .join("\n")
            .slice(6, -1),
        ) as unknown);
  const answer = block.slice(block.lastIndexOf("Response") + 1).filter((line) => line !== "");
  const status = Number(/^\d{3}/.exec(answer[0] ?? "")?.[0]);
  const json = answer.slice(1, answer.indexOf("}") + 1);
  return {
    method: method.toUpperCase(),
    path,
    title,
    documented,
    ...(body === undefined ? {} : { body }),
    multipart: block.some((line) => line.includes('-F "file=@')),
    status,
    ...(json[0] === "{" ? { response: JSON.parse(json.join("\n")) as unknown } : {}),
  };
}

const EXAMPLES = PAGES.flatMap(readExamples);
const operation = (e: Pick<Example, "method" | "path">) => `${e.method} ${e.path}`;

// ---- Replaying them ----

const ANNA = "con_01HV8Y5R5RFMS0TFK6PKF9H2S8";
const VIP = "tag_01HV8Y9R3Q4J6A7M8N9P0Q2S4";
const ORDER_PAID = "evt-type_01HV8ZA9Q4C2B5P6N7R8S9T0V1";
const ANNA_ORDER_4819 = "evt_01HV8ZB8C3V5N6M7P8Q9R0S1T2";

type Params = Record<string, string>;

interface Replay {
  /** The demo workspace already holds what this create example creates, so it runs on an empty one. */
  empty?: true;
  /** Path parameters; `setup` may make the record first and return them. */
  params?: Params;
  setup?: (sandbox: Sandbox) => Promise<Params | undefined>;
  /**
   * A query for list examples, whose curl shows only placeholders: a page size small enough that the
   * answer has a next page, as the example's does (on the last page the sandbox leaves nextPageToken out).
   */
  query?: string;
  /** How each documented error status is provoked, instead of the example's setup: parameters and/or a setup. */
  errors?: Record<number, { params?: Params; setup?: (sandbox: Sandbox) => Promise<unknown> }>;
}

const CONTACT_404 = { 404: { params: { id: "con_unknown" } } };
const archiveAnna = (sandbox: Sandbox) => call(sandbox, "POST", `/contacts/${ANNA}/archive`);
const replayOnce = (path: string, body: unknown) => (sandbox: Sandbox) => call(sandbox, "POST", path, body);

/** Every example of the two pages, keyed `METHOD /path`: the test fails when the reference gains or loses one. */
const REPLAYS: Record<string, Replay> = {
  "GET /contacts": { query: "pageSize=1" },
  "POST /contacts": {},
  "GET /contacts/count": {},
  "GET /contacts/{id}": { params: { id: ANNA }, errors: CONTACT_404 },
  "PATCH /contacts/{id}": { params: { id: ANNA }, errors: CONTACT_404 },
  "DELETE /contacts/{id}": { params: { id: ANNA }, errors: CONTACT_404 },
  "POST /contacts/import": {},
  "GET /contacts/imports/{id}": { setup: async (sandbox) => ({ id: await finishedImport(sandbox) }) },
  "POST /contacts/{id}/archive": {
    params: { id: ANNA },
    errors: { ...CONTACT_404, 409: { setup: archiveAnna } },
  },
  "POST /contacts/{id}/unarchive": {
    params: { id: ANNA },
    setup: async (sandbox) => void (await archiveAnna(sandbox)),
    errors: { ...CONTACT_404, 409: {} },
  },
  "PUT /contacts/{contactId}/custom-fields/{customFieldId}": {
    params: { contactId: ANNA, customFieldId: "cf_preferred_store" },
  },
  "POST /contacts/{contactId}/tags/{tagId}": { params: { contactId: ANNA, tagId: VIP } },
  "DELETE /contacts/{contactId}/tags/{tagId}": { params: { contactId: ANNA, tagId: VIP } },
  "GET /tags": {},
  "POST /tags": { empty: true },
  "DELETE /tags/{id}": { params: { id: VIP } },
  "GET /contacts/custom-fields": {},
  "POST /contacts/custom-fields": { empty: true },
  "PATCH /contacts/custom-fields/{id}": { params: { id: "cf_lifecycle_stage" } },
  "DELETE /contacts/custom-fields/{id}": { params: { id: "cf_lifecycle_stage" } },
  "GET /properties/custom-fields": {},
  "POST /properties/custom-fields": { empty: true },
  "PATCH /properties/custom-fields/{id}": { params: { id: "cf_region" } },
  "DELETE /properties/custom-fields/{id}": { params: { id: "cf_region" } },
  "GET /event-types": { query: "pageSize=1" },
  "POST /event-types": { empty: true },
  "GET /event-types/{id}": { params: { id: ORDER_PAID } },
  "PATCH /event-types/{id}": { params: { id: ORDER_PAID } },
  "DELETE /event-types/{id}": {
    // Every demo type has recorded events (or is predefined), which the reference says blocks a delete.
    setup: async (sandbox) => {
      const created = await call(sandbox, "POST", "/event-types", { name: "plan.changed" });
      return { id: (created.json as { id: string }).id };
    },
  },
  "GET /events": { query: "pageSize=1" },
  "POST /events": {
    errors: { 409: { setup: replayOnce("/events", exampleBody("POST /events")) } },
  },
  "GET /events/{id}": { params: { id: ANNA_ORDER_4819 } },
  "GET /contacts/{contactId}/events": { params: { contactId: ANNA }, query: "pageSize=1" },
  "POST /contacts/{contactId}/events": {
    params: { contactId: ANNA },
    errors: {
      409: { setup: replayOnce(`/contacts/${ANNA}/events`, exampleBody("POST /contacts/{contactId}/events")) },
    },
  },
};

function exampleBody(key: string): unknown {
  return EXAMPLES.find((e) => operation(e) === key)?.body;
}

const CSV = "name,phone,Preferred store\nOla Nowak,+48600000001,Krakow\nBad Phone,12345,Gdansk\n";

function csvForm(): FormData {
  const form = new FormData();
  form.append("file", new Blob([CSV], { type: "text/csv" }), "contacts.csv");
  return form;
}

/** Uploads CSV with one bad row and polls until the import completes, so its status shows a row error. */
async function finishedImport(sandbox: Sandbox): Promise<string> {
  const { importId } = (await call(sandbox, "POST", "/contacts/import", csvForm())).json as { importId: string };
  // Each poll is a real request; the import advances on its own timers in between.
  for (let polls = 0; polls < 10_000; polls += 1) {
    const status = (await call(sandbox, "GET", `/contacts/imports/${importId}`)).json as { status: string };
    if (status.status === "completed") return importId;
  }
  throw new Error(`import ${importId} did not complete`);
}

function fill(path: string, params: Params): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(value);
  });
}

function send(sandbox: Sandbox, example: Example, params: Params, query = ""): Promise<Answer> {
  const body = example.multipart ? csvForm() : example.body;
  return call(sandbox, example.method, `${fill(example.path, params)}${query && `?${query}`}`, body);
}

// ---- Comparing shapes ----

/**
 * Objects whose keys are the workspace's data rather than API attributes: a contact's field values,
 * an event's payload, an event type's JSON Schema, and an identity's channel-specific metadata.
 */
const OPEN = new Set(["customFields", "payload", "payloadSchema", "metadata"]);

const kind = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

/**
 * Where `actual` differs in shape from the reference's `example`: attributes missing or added, or a
 * value of another JSON type. `null` on either side means "not set" and matches any type; each item
 * of an array is held to the example's first item.
 */
function shapeDiff(example: unknown, actual: unknown, at = "$", attribute = ""): string[] {
  if (example === null || actual === null) return [];
  if (kind(example) !== kind(actual)) return [`${at}: ${kind(actual)}, the reference shows ${kind(example)}`];
  if (Array.isArray(example) && Array.isArray(actual)) {
    return example.length === 0 ? [] : actual.flatMap((item, i) => shapeDiff(example[0], item, `${at}[${i}]`));
  }
  if (kind(example) !== "object" || OPEN.has(attribute)) return [];
  const shown = example as Record<string, unknown>;
  const given = actual as Record<string, unknown>;
  return [
    ...Object.keys(shown)
      .filter((key) => !(key in given))
      .map((key) => `${at}.${key}: missing`),
    ...Object.keys(given)
      .filter((key) => !(key in shown))
      .map((key) => `${at}.${key}: not in the reference`),
    ...Object.keys(shown)
      .filter((key) => key in given)
      .flatMap((key) => shapeDiff(shown[key], given[key], `${at}.${key}`, key)),
  ];
}

// ---- The tests ----

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function fresh(replay: Replay): Promise<Sandbox> {
  sandbox = await startSandbox({ seed: replay.empty !== true });
  return sandbox;
}

describe("the reference's examples", () => {
  it("are all read, and each has a replay", () => {
    expect(EXAMPLES).toHaveLength(34);
    expect(EXAMPLES.map(operation).sort()).toEqual(Object.keys(REPLAYS).sort());
    for (const example of EXAMPLES) {
      expect(example.status, operation(example)).toBeGreaterThanOrEqual(200);
      expect(example.response === undefined, operation(example)).toBe(example.status === 204);
    }
    // The plain-text copy of the Contacts page names the same operations.
    const plain = readFileSync(new URL("001_67c10c22ba270507.txt", REFERENCE), "utf8");
    const contacts = readExamples(PAGES[0] ?? "");
    expect(contacts.filter((e) => !plain.includes(`${e.path}${e.title}#`)).map(operation)).toEqual([]);
  });

  it.each(EXAMPLES.map((example) => ({ key: operation(example), example })))(
    "$key answers with the example's status and attributes",
    async ({ key, example }) => {
      const replay = REPLAYS[key] ?? {};
      const started = await fresh(replay);
      const params = { ...replay.params, ...(await replay.setup?.(started)) };
      const answer = await send(started, example, params, replay.query);
      expect(answer.status, answer.text).toBe(example.status);
      expect(shapeDiff(example.response, answer.json)).toEqual([]);
    },
  );

  const documentedErrors = EXAMPLES.flatMap((example) =>
    example.documented
      .filter((status) => status >= 400)
      .map((status) => ({ key: `${operation(example)} ${status}`, example, status })),
  );

  it("document error statuses that are all provoked below", () => {
    expect(documentedErrors.length).toBeGreaterThan(0);
    const missing = documentedErrors.filter(
      ({ example, status }) => REPLAYS[operation(example)]?.errors?.[status] === undefined,
    );
    expect(missing.map((e) => e.key)).toEqual([]);
  });

  it.each(documentedErrors)("$key comes back as ProblemDetails", async ({ example, status }) => {
    const replay = REPLAYS[operation(example)] ?? {};
    const provoke = replay.errors?.[status] ?? {};
    const started = await fresh(replay);
    await provoke.setup?.(started);
    const answer = await send(started, example, { ...replay.params, ...provoke.params });
    expect(answer.status, answer.text).toBe(status);
    expect(answer.headers.get("content-type")).toContain("application/problem+json");
    expect(answer.json).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      instance: expect.any(String),
      code: expect.any(String),
    });
  });
});
