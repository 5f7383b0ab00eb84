// Configuration from flags first, then the environment. Pure: no I/O, so it
// can be tested and reused by every transport.

import { delimiter } from "node:path";
import { TOOLSETS, type Toolset } from "./tools/types.js";

export const DEFAULT_BASE_URL = "https://api.flownally.com/v1";

/**
 * The toolsets served when none are chosen: the everyday CRM jobs within 5,000
 * tokens. Field values are set and filtered by contacts tools (field names
 * resolve); defining fields is setup work: add `custom_fields` for it.
 */
export const DEFAULT_TOOLSETS: readonly Toolset[] = ["contacts", "tags", "events", "messaging", "workflows"];
/** With them, the two inbox reads that answering a conversation needs: the sender, and templates for a closed window. */
export const DEFAULT_EXTRA_TOOLS: readonly string[] = ["list_inboxes", "list_whatsapp_templates"];

/** Whether the default profile serves a tool. */
export function inDefaultProfile(tool: { name: string; toolset: Toolset }): boolean {
  return DEFAULT_TOOLSETS.includes(tool.toolset) || DEFAULT_EXTRA_TOOLS.includes(tool.name);
}

export interface Config {
  apiKey: string | undefined;
  baseUrl: string;
  timeoutMs: number;
  /** Attempts after the first for what is safe to retry. */
  maxRetries: number;
  retryDeadlineMs: number;
  maxConcurrency: number;
  toolsets: readonly Toolset[] | "all";
  tools: readonly string[] | undefined;
  excludeTools: readonly string[] | undefined;
  readOnly: boolean;
  toolMode: "operations" | "discovery";
  maxResultTokens: number;
  fileRoots: readonly string[] | undefined;
  sandbox: boolean;
  http: { host: string; port: number; stateless: boolean } | undefined;
}

export type CliCommand = { kind: "help" } | { kind: "version" } | { kind: "serve"; config: Config };

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const USAGE = `Usage: flownally-mcp [options]

Serves the Flownally API as MCP tools over stdio (or Streamable HTTP with --http).

Options:
  --sandbox                 Run against a built-in demo workspace: no key, no network
  --toolsets <list|all|default>  Toolsets to serve (env FLOWNALLY_TOOLSETS); default: ${DEFAULT_TOOLSETS.join(",")}
  --tools <names>           Also serve these tools, by name (env FLOWNALLY_TOOLS)
  --exclude-tools <names>   Never serve these tools (env FLOWNALLY_EXCLUDE_TOOLS)
  --read-only               Serve read-only tools only (env FLOWNALLY_READ_ONLY=1)
  --tool-mode <mode>        operations (one tool per operation) or discovery: five tools that search,
                            describe and run the selected operations (all unless --toolsets) (env FLOWNALLY_TOOL_MODE)
  --max-result-tokens <n>   Cap on a result's size in tokens (env FLOWNALLY_MAX_RESULT_TOKENS; default 20000)
  --http                    Serve Streamable HTTP at /mcp instead of stdio (env FLOWNALLY_HTTP=1)
  --host <host>             HTTP bind address (env FLOWNALLY_HOST; default 127.0.0.1)
  --port <port>             HTTP port (env FLOWNALLY_PORT; default 3000)
  --stateless               HTTP without sessions, for replicas behind a load balancer (env FLOWNALLY_STATELESS=1)
  -h, --help                Show this help
  -v, --version             Show the version

Environment:
  FLOWNALLY_API_KEY         Service-account API key (required unless --sandbox)
  FLOWNALLY_BASE_URL        API base URL (default ${DEFAULT_BASE_URL})
  FLOWNALLY_TIMEOUT_MS      Timeout of each attempt in ms (default 30000)
  FLOWNALLY_MAX_RETRIES     Retries after the first attempt, for reads and idempotent writes (default 2)
  FLOWNALLY_RETRY_DEADLINE_MS  No retry past this many ms from the first attempt (default 60000)
  FLOWNALLY_MAX_CONCURRENCY Requests in flight to the API at once (default 16)
  FLOWNALLY_FILE_ROOTS      Folders files may be read from, separated by "${delimiter}" (default: the client's roots, else the working directory unless it is / or a home folder; over HTTP none)
  FLOWNALLY_MCP_TOKEN       HTTP: token clients must present when the server acts with its own FLOWNALLY_API_KEY
  FLOWNALLY_ALLOWED_HOSTS   HTTP: extra Host values to accept, comma-separated (name, or name:port)
  FLOWNALLY_ALLOWED_ORIGINS HTTP: extra Origin values to accept, comma-separated
  FLOWNALLY_SESSION_IDLE_MS HTTP: close a session idle this long (default 1800000)
  FLOWNALLY_MAX_SESSIONS    HTTP: sessions open at once (default 1000)
`;

type Env = Readonly<Record<string, string | undefined>>;

export function parseCli(argv: readonly string[], env: Env): CliCommand {
  const flags = new Map<string, string | true>();
  const valued = new Set([
    "--toolsets",
    "--tools",
    "--exclude-tools",
    "--tool-mode",
    "--max-result-tokens",
    "--host",
    "--port",
  ]);
  const switches = new Set(["--sandbox", "--read-only", "--http", "--stateless", "--help", "-h", "--version", "-v"]);
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? "";
    const [name, inline] = raw.includes("=")
      ? [raw.slice(0, raw.indexOf("=")), raw.slice(raw.indexOf("=") + 1)]
      : [raw, undefined];
    if (switches.has(name)) flags.set(name, true);
    else if (valued.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith("--")) throw new ConfigError(`${name} needs a value`);
      flags.set(name, value);
    } else throw new ConfigError(`unknown option ${raw} (see --help)`);
  }
  if (flags.has("--help") || flags.has("-h")) return { kind: "help" };
  if (flags.has("--version") || flags.has("-v")) return { kind: "version" };

  const str = (flag: string, envName: string): string | undefined => {
    const v = flags.get(flag);
    return typeof v === "string" ? v : env[envName] || undefined;
  };
  // A switch that a typo would silently turn off (FLOWNALLY_READ_ONLY=on) is refused instead.
  const bool = (flag: string, envName: string): boolean => {
    if (flags.has(flag)) return true;
    const value = (env[envName] ?? "").trim();
    if (/^(1|true|yes|on)$/i.test(value)) return true;
    if (/^(0|false|no|off|)$/i.test(value)) return false;
    throw new ConfigError(`${envName} must be 1/true/yes/on or 0/false/no/off, not "${value}"`);
  };
  const int = (value: string | undefined, name: string, fallback: number, min: number, max: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };

  const toolMode = str("--tool-mode", "FLOWNALLY_TOOL_MODE") ?? "operations";
  if (toolMode !== "operations" && toolMode !== "discovery")
    throw new ConfigError("--tool-mode must be operations or discovery");
  const baseUrl = env.FLOWNALLY_BASE_URL || DEFAULT_BASE_URL;
  if (!/^https?:\/\/[^/]/.test(baseUrl)) throw new ConfigError("FLOWNALLY_BASE_URL must be an http(s) URL");
  const roots = env.FLOWNALLY_FILE_ROOTS;

  // Discovery lists five tools whatever is selected, so it searches everything unless told otherwise.
  const toolsetsArg = str("--toolsets", "FLOWNALLY_TOOLSETS");
  const toolsets =
    toolMode === "discovery" && toolsetsArg === undefined
      ? { sets: "all" as const, withDefault: false }
      : parseToolsets(toolsetsArg);
  const tools = commaList(str("--tools", "FLOWNALLY_TOOLS"));
  return {
    kind: "serve",
    config: {
      apiKey: env.FLOWNALLY_API_KEY || undefined,
      baseUrl,
      timeoutMs: int(env.FLOWNALLY_TIMEOUT_MS, "FLOWNALLY_TIMEOUT_MS", 30_000, 100, 600_000),
      maxRetries: int(env.FLOWNALLY_MAX_RETRIES, "FLOWNALLY_MAX_RETRIES", 2, 0, 10),
      retryDeadlineMs: int(env.FLOWNALLY_RETRY_DEADLINE_MS, "FLOWNALLY_RETRY_DEADLINE_MS", 60_000, 0, 3_600_000),
      maxConcurrency: int(env.FLOWNALLY_MAX_CONCURRENCY, "FLOWNALLY_MAX_CONCURRENCY", 16, 1, 256),
      toolsets: toolsets.sets,
      tools: toolsets.withDefault ? [...DEFAULT_EXTRA_TOOLS, ...(tools ?? [])] : tools,
      excludeTools: commaList(str("--exclude-tools", "FLOWNALLY_EXCLUDE_TOOLS")),
      readOnly: bool("--read-only", "FLOWNALLY_READ_ONLY"),
      toolMode,
      maxResultTokens: int(
        str("--max-result-tokens", "FLOWNALLY_MAX_RESULT_TOKENS"),
        "--max-result-tokens",
        20_000,
        500,
        1_000_000,
      ),
      fileRoots: roots ? roots.split(delimiter).filter(Boolean) : undefined,
      sandbox: flags.has("--sandbox"),
      http: bool("--http", "FLOWNALLY_HTTP")
        ? {
            host: str("--host", "FLOWNALLY_HOST") ?? "127.0.0.1",
            port: int(str("--port", "FLOWNALLY_PORT"), "--port", 3000, 0, 65_535),
            stateless: bool("--stateless", "FLOWNALLY_STATELESS"),
          }
        : undefined,
    },
  };
}

/** The names of a comma-separated list, blanks dropped; undefined when the option was not given. */
function commaList(value: string | undefined): string[] | undefined {
  return value
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseToolsets(value: string | undefined): { sets: readonly Toolset[] | "all"; withDefault: boolean } {
  const names = commaList(value) ?? [];
  if (names.length === 0) names.push("default");
  if (names.includes("all")) return { sets: "all", withDefault: false };
  const out = new Set<Toolset>();
  for (const name of names) {
    if (name === "default") for (const t of DEFAULT_TOOLSETS) out.add(t);
    else if ((TOOLSETS as readonly string[]).includes(name)) out.add(name as Toolset);
    else throw new ConfigError(`unknown toolset ${name}; choose from ${TOOLSETS.join(", ")}, all, default`);
  }
  return { sets: [...out], withDefault: names.includes("default") };
}
