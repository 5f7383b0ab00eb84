// `npm run clients`: the MCP client libraries people build agents with, each
// against the built server with --sandbox and every tool served (--toolsets
// all). For each library and model provider API it checks what the provider
// would receive: every tool declared, none with an argument lost, nothing
// OpenAI strict mode or Gemini's `parameters` subset refuses; then that the
// library's own tool-calling path ran list_contacts, a tag_contacts dry run and
// create_contact_event and sent their results back to the model. No model API
// is reached: the providers are loopback stand-ins (models.ts).
// `--json` prints the table as JSON (npm run bench keeps it).

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { geminiAsSent, type Schema, strictAsSent } from "../test/helpers/schema-rules.js";
import { LIBRARIES, type Server } from "./libraries.js";
import { type Call, type Captured, declared, type Models, resultsOf, startModels } from "./models.js";
import type { Outcome } from "./outcome.js";

const ROOT = new URL("../", import.meta.url);
const CLI = new URL("dist/cli.js", ROOT).pathname;
const ANNA = "con_01HV8Y5R5RFMS0TFK6PKF9H2S8";

/** What the stand-in model asks for, and what each result must show once the library ran it. */
const SCRIPT: readonly (Call & { shows: RegExp })[] = [
  { tool: "list_contacts", args: { search: "Kowalska" }, shows: /Anna Kowalska/ },
  {
    tool: "tag_contacts",
    args: { tagId: "VIP", customFields: ["preferredStore=Krakow"], dryRun: true },
    shows: /"dryRun":true,.*"matched":[1-9]/,
  },
  {
    tool: "create_contact_event",
    args: {
      contactId: ANNA,
      name: "order.paid",
      payload: JSON.stringify({ orderId: "4827", total: 199.99 }),
      idempotencyKey: "order-4827-paid",
    },
    shows: /"id":"evt_\w+".*"eventTypeName":"order.paid"/,
  },
];

const SERVER_ARGS = [CLI, "--sandbox", "--toolsets", "all"];

const server: Server = {
  command: process.execPath,
  args: SERVER_ARGS,
  http: async () => {
    const child = spawn(process.execPath, [...SERVER_ARGS, "--http", "--port", "0"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = /listening on (\S+\/mcp)/.exec(stderr)?.[1];
        if (found) resolve(found);
      });
      child.once("exit", (code) => reject(new Error(`the HTTP server exited (${code}): ${stderr}`)));
    });
    return {
      url,
      stop: async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      },
    };
  },
};

/** Our own listing, as a plain MCP client sees it: what every library must declare. */
async function ourTools(): Promise<Map<string, Schema>> {
  const client = new Client({ name: "listing", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command: server.command, args: server.args }));
  try {
    const { tools } = await client.listTools();
    return new Map(tools.map((t) => [t.name, t.inputSchema as Schema]));
  } finally {
    await client.close();
  }
}

const ourName = (name: string, ours: ReadonlyMap<string, Schema>) =>
  ours.has(name) ? name : [...ours.keys()].find((n) => name.endsWith(`_${n}`));

/** A name that stands only in outputSchemas (get_conversation's contactPhone): seen in a request, they were sent. */
const OUTPUT_SCHEMA_TEXT = "contactPhone";

/** What a run sent the model, checked. */
function check(requests: readonly Captured[], ours: ReadonlyMap<string, Schema>) {
  const problems: string[] = [];
  const [first] = requests;
  if (!first) {
    return {
      problems: ["no request reached the model"],
      tools: "0",
      strict: 0,
      outputSchema: false,
      resultTokens: undefined,
    };
  }
  const tools = declared(first);
  const named = new Set(tools.map((t) => ourName(t.name, ours)));
  const missing = [...ours.keys()].filter((n) => !named.has(n));
  if (missing.length > 0) problems.push(`not given to the model: ${missing.join(", ")}`);
  for (const tool of tools) {
    const mine = ours.get(ourName(tool.name, ours) ?? "");
    if (!mine) {
      problems.push(`${tool.name}: not one of ours`);
      continue;
    }
    const kept = isSchema(tool.schema.properties) ? tool.schema.properties : {};
    const lost = Object.keys(isSchema(mine.properties) ? mine.properties : {}).filter((p) => !(p in kept));
    if (lost.length > 0) problems.push(`${tool.name}: arguments lost: ${lost.join(", ")}`);
    if (tool.strict) problems.push(...strictAsSent(tool.schema, tool.name).map((p) => `OpenAI strict refuses ${p}`));
    if (first.api === "gemini" && tool.field === "parameters") {
      problems.push(...geminiAsSent(tool.schema).map((p) => `Gemini refuses ${tool.name}${p}`));
    }
  }
  const results = requests.flatMap(resultsOf);
  let resultTokens: number | undefined;
  SCRIPT.forEach((call, i) => {
    const result = results.find((r) => r.id === `call_${i}` || ourName(r.id, ours) === call.tool);
    // Some libraries send the result as JSON text inside JSON: read it without the escapes.
    const plain = result?.output.replaceAll('\\"', '"');
    if (!plain) problems.push(`${call.tool}: no result came back to the model`);
    else if (!call.shows.test(plain))
      problems.push(`${call.tool}: the result does not show ${call.shows}: ${plain.slice(0, 200)}`);
    if (call.tool === "list_contacts" && result) resultTokens = encode(result.output).length;
  });
  return {
    problems,
    outputSchema: JSON.stringify(first.body).includes(OUTPUT_SCHEMA_TEXT),
    tools: `${named.size - (named.has(undefined) ? 1 : 0)}/${ours.size}`,
    strict: tools.filter((t) => t.strict).length,
    resultTokens,
  };
}

function isSchema(v: unknown): v is Schema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function versionOf(pkg: string, home = ""): string {
  const file = new URL(`${home}node_modules/${pkg}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

export async function runClients(): Promise<Outcome[]> {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: npm run build first");
  const ours = await ourTools();
  const outcomes: Outcome[] = [];
  for (const library of LIBRARIES) {
    for (const [api, run] of Object.entries(library.runs)) {
      let models: Models | undefined;
      const problems: string[] = [];
      try {
        models = await startModels(SCRIPT);
        await run(server, models);
      } catch (err) {
        problems.push(`failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 400));
      } finally {
        await models?.close();
      }
      const checked = check(models?.requests ?? [], ours);
      const known = library.known?.[api];
      const all = [...problems, ...checked.problems];
      const isKnown = (p: string) => known?.match.test(p) === true;
      outcomes.push({
        library: library.name,
        version: `${library.pkg}@${versionOf(library.pkg, library.home)}`,
        api,
        transport: library.transport,
        tools: checked.tools,
        strict: checked.strict,
        outputSchema: checked.outputSchema,
        resultTokens: checked.resultTokens,
        problems: all.filter((p) => !isKnown(p)),
        known: all.some(isKnown) && known ? [known.why] : [],
      });
    }
  }
  return outcomes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outcomes = await runClients();
  if (process.argv.includes("--json")) console.log(JSON.stringify(outcomes));
  else {
    console.table(
      outcomes.map(({ problems, known, ...o }) => ({
        ...o,
        ok: problems.length > 0 ? `${problems.length} problems` : known.length > 0 ? "yes, but see below" : "yes",
      })),
    );
    for (const o of outcomes) for (const p of o.problems) console.log(`${o.library} (${o.api}): ${p}`);
    for (const o of outcomes)
      for (const k of o.known) console.log(`${o.library} (${o.api}), known defect of the library: ${k}`);
  }
  process.exitCode = outcomes.every((o) => o.problems.length === 0) ? 0 : 1;
}
