// Configuration from flags first, then the environment. Pure: no I/O, so it
// can be tested and reused by every transport.

import { delimiter, isAbsolute } from "node:path";
import { defaultJournalPath } from "./journal/path.js";
import { TOOLSETS, type Toolset } from "./tools/toolsets.js";
import { nearest } from "./workspace/similarity.js";

export const DEFAULT_BASE_URL = "https://api.flownally.com/v1";

/** How long a bulk change's call waits for its job before it returns a job id (FLOWNALLY_JOB_WAIT_MS). */
export const DEFAULT_JOB_WAIT_MS = 30_000;

/**
 * The toolsets served when none are chosen: the everyday CRM jobs in at most
 * 40 tools (some clients pass no more to the model) and 5,000 tokens. Field
 * values are set and filtered by contacts tools (field names resolve);
 * defining fields is setup work: add `custom_fields` for it.
 */
export const DEFAULT_TOOLSETS: readonly Toolset[] = ["contacts", "events", "messaging", "workflows"];
/**
 * With them: tags to list and create (delete_tag, rare and destructive, is left
 * out), and the two inbox reads that answering a conversation needs: the
 * sender, and templates for a closed window.
 */
export const DEFAULT_EXTRA_TOOLS: readonly string[] = [
  "list_tags",
  "create_tag",
  "list_inboxes",
  "list_whatsapp_templates",
];

/**
 * Left out of the default toolsets: defining event types is setup work, as
 * defining custom fields is (recording events needs only the reads), and
 * without them the profile has room for manage_job. A toolset named beside
 * `default` (`default,events`), or a tool named in --tools, brings them back.
 */
export const DEFAULT_LEFT_OUT: Readonly<Partial<Record<Toolset, readonly string[]>>> = {
  events: ["create_event_type", "update_event_type", "delete_event_type"],
};

/** Whether the default profile serves a tool. */
export function inDefaultProfile(tool: { name: string; toolset: Toolset }): boolean {
  return (
    (DEFAULT_TOOLSETS.includes(tool.toolset) && !DEFAULT_LEFT_OUT[tool.toolset]?.includes(tool.name)) ||
    DEFAULT_EXTRA_TOOLS.includes(tool.name)
  );
}

/** --confirm: when the user is asked before a change (README "Safety"). */
export const CONFIRM_MODES = ["auto", "always", "never"] as const;
export type ConfirmMode = (typeof CONFIRM_MODES)[number];

export interface ConfirmSettings {
  mode: ConfirmMode;
  /** Under auto, a bulk change of more contacts than this asks first. */
  bulkThreshold: number;
}

export const DEFAULT_CONFIRM: ConfirmSettings = { mode: "auto", bulkThreshold: 25 };

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
  confirm: ConfirmSettings;
  /** Where every write is journaled; undefined: off. */
  journal: string | undefined;
  /** How long a bulk change's call waits for its job before returning a handle (0: at once). */
  jobWaitMs: number;
  sandbox: boolean;
  http: { host: string; port: number; stateless: boolean } | undefined;
}

/** `--sandbox-api`: the sandbox's HTTP API alone, seeded with the demo workspace unless `--empty`. */
export interface SandboxApiOptions {
  host: string;
  port: number;
  seed: boolean;
}

export type CliCommand =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "serve"; config: Config }
  | { kind: "sandbox-api"; options: SandboxApiOptions };

const SANDBOX_API_PORT = 4010;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const USAGE = `Usage: flownally-mcp [options] [folder ...]
       flownally-mcp --sandbox-api [--host <host>] [--port <port>] [--empty]

Serves the Flownally API as MCP tools over stdio (or Streamable HTTP with --http).
Folders after the options are where files may be read from (as FLOWNALLY_FILE_ROOTS).

Options:
  --sandbox                 Run against a built-in demo workspace: no key, no network (env FLOWNALLY_SANDBOX=1)
  --toolsets <list|all|default>  Toolsets to serve, comma-separated (env FLOWNALLY_TOOLSETS); see Toolsets below
  --tools <names>           Also serve these tools, by name (env FLOWNALLY_TOOLS)
  --exclude-tools <names>   Never serve these tools (env FLOWNALLY_EXCLUDE_TOOLS)
  --read-only               Serve read-only tools only (env FLOWNALLY_READ_ONLY=1)
  --no-journal              Do not journal writes (env FLOWNALLY_JOURNAL=off)
  --tool-mode <mode>        operations (one tool per operation) or discovery: five tools that search,
                            describe and run the selected operations (all unless --toolsets) (env FLOWNALLY_TOOL_MODE)
  --max-result-tokens <n>   Cap on a result's size in tokens (env FLOWNALLY_MAX_RESULT_TOKENS; default 20000)
  --confirm <mode>          When the user is asked before a change (env FLOWNALLY_CONFIRM): auto (default:
                            hard-to-undo changes, bulk changes above the threshold, messages to new recipients),
                            always (every destructive, bulk or outbound change), never (unattended automations)
  --confirm-threshold <n>   Under auto, a bulk change of more contacts than this asks first
                            (env FLOWNALLY_CONFIRM_THRESHOLD; default ${DEFAULT_CONFIRM.bulkThreshold})
  --http                    Serve Streamable HTTP at /mcp instead of stdio (env FLOWNALLY_HTTP=1)
  --host <host>             HTTP bind address (env FLOWNALLY_HOST; default 127.0.0.1)
  --port <port>             HTTP port (env FLOWNALLY_PORT; default 3000)
  --stateless               HTTP without sessions, for replicas behind a load balancer (env FLOWNALLY_STATELESS=1)
  --sandbox-api             Serve only the sandbox's HTTP API (no MCP), a local stand-in for Flownally,
                            at --host (default 127.0.0.1) and --port (default ${SANDBOX_API_PORT})
  --empty                   With --sandbox-api: an empty workspace instead of the demo one
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
  FLOWNALLY_JOURNAL         Journal of every write, a JSON Lines file (default: flownally-mcp/journal.jsonl in the user's
                            state folder, e.g. ~/.local/state); off turns it off
  FLOWNALLY_JOB_WAIT_MS     How long a bulk change waits for its job before returning a job id (default ${DEFAULT_JOB_WAIT_MS})
  FLOWNALLY_MCP_TOKEN       HTTP: token clients must present when the server acts with its own FLOWNALLY_API_KEY
  FLOWNALLY_ALLOWED_HOSTS   HTTP: extra Host values to accept, comma-separated (name, or name:port)
  FLOWNALLY_ALLOWED_ORIGINS HTTP: extra Origin values to accept, comma-separated
  FLOWNALLY_SESSION_IDLE_MS HTTP: close a session idle this long (default 1800000)
  FLOWNALLY_MAX_SESSIONS    HTTP: sessions open at once (default 1000)

Toolsets:
${row("default", `When none are chosen: ${DEFAULT_TOOLSETS.join(",")} plus ${DEFAULT_EXTRA_TOOLS.join(", ")}, without ${Object.values(DEFAULT_LEFT_OUT).flat().join(", ")}; mix in others: default,custom_fields`)}
${row("all", "Every toolset")}
${row("<name>,...", `Any of ${TOOLSETS.join(", ")}`)}
`;

/** One help row: `term` in the first column, `text` after it, wrapped at 100 characters under itself. */
function row(term: string, text: string): string {
  const indent = " ".repeat(28);
  const lines: string[] = [];
  let line = `  ${term.padEnd(26)}`;
  for (const word of text.split(" ")) {
    if (line.length > indent.length && line.length + 1 + word.length > 100) {
      lines.push(line);
      line = indent + word;
    } else line = line.length > indent.length ? `${line} ${word}` : line + word;
  }
  return [...lines, line].join("\n");
}

type Env = Readonly<Record<string, string | undefined>>;

export function parseCli(argv: readonly string[], env: Env): CliCommand {
  const flags = new Map<string, string | true>();
  const valued = new Set([
    "--toolsets",
    "--tools",
    "--exclude-tools",
    "--tool-mode",
    "--max-result-tokens",
    "--confirm",
    "--confirm-threshold",
    "--host",
    "--port",
  ]);
  const switches = new Set([
    "--sandbox",
    "--sandbox-api",
    "--empty",
    "--read-only",
    "--http",
    "--stateless",
    "--no-journal",
    "--help",
    "-h",
    "--version",
    "-v",
  ]);
  const folders: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? "";
    // A folder, as a desktop bundle passes the ones its user picked.
    if (!raw.startsWith("-")) {
      folders.push(raw);
      continue;
    }
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

  // --sandbox-api serves no MCP, so only its own flags mean anything beside it; any other is refused.
  if (flags.has("--sandbox-api")) {
    const own = ["--sandbox-api", "--host", "--port", "--empty"];
    const others = [...[...flags.keys()].filter((flag) => !own.includes(flag)), ...folders];
    if (others.length > 0) {
      throw new ConfigError(`--sandbox-api takes only --host, --port and --empty, not ${others.join(", ")}`);
    }
    const host = flags.get("--host");
    const port = flags.get("--port");
    return {
      kind: "sandbox-api",
      options: {
        host: typeof host === "string" ? host : "127.0.0.1",
        port: int(typeof port === "string" ? port : undefined, "--port", SANDBOX_API_PORT, 0, 65_535),
        seed: !flags.has("--empty"),
      },
    };
  }
  if (flags.has("--empty")) throw new ConfigError("--empty goes with --sandbox-api");

  const toolMode = str("--tool-mode", "FLOWNALLY_TOOL_MODE") ?? "operations";
  const confirm = str("--confirm", "FLOWNALLY_CONFIRM") ?? DEFAULT_CONFIRM.mode;
  if (!isConfirmMode(confirm))
    throw new ConfigError(`--confirm must be ${CONFIRM_MODES.join(", ")} (FLOWNALLY_CONFIRM too), not "${confirm}"`);
  if (toolMode !== "operations" && toolMode !== "discovery")
    throw new ConfigError("--tool-mode must be operations or discovery");
  const baseUrl = env.FLOWNALLY_BASE_URL || DEFAULT_BASE_URL;
  if (!/^https?:\/\/[^/]/.test(baseUrl)) throw new ConfigError("FLOWNALLY_BASE_URL must be an http(s) URL");
  const apiKey = env.FLOWNALLY_API_KEY?.trim();
  // Set but blank is a mistake (a template left unfilled), not "no key": every request would be refused.
  if (env.FLOWNALLY_API_KEY && !apiKey)
    throw new ConfigError("FLOWNALLY_API_KEY is blank (only whitespace); set it to a Flownally API key, or unset it.");

  // Discovery lists five tools whatever is selected, so it searches everything unless told otherwise.
  const toolsetsArg = str("--toolsets", "FLOWNALLY_TOOLSETS");
  const toolsets =
    toolMode === "discovery" && toolsetsArg === undefined
      ? { sets: "all" as const, withDefault: false, leftOut: [] }
      : parseToolsets(toolsetsArg, flags.has("--toolsets") ? "--toolsets" : "FLOWNALLY_TOOLSETS");
  const tools = commaList(str("--tools", "FLOWNALLY_TOOLS"));
  const excludeTools = [
    ...toolsets.leftOut.filter((name) => !tools?.includes(name)),
    ...(commaList(str("--exclude-tools", "FLOWNALLY_EXCLUDE_TOOLS")) ?? []),
  ];
  return {
    kind: "serve",
    config: {
      apiKey: apiKey || undefined,
      baseUrl,
      timeoutMs: int(env.FLOWNALLY_TIMEOUT_MS, "FLOWNALLY_TIMEOUT_MS", 30_000, 100, 600_000),
      maxRetries: int(env.FLOWNALLY_MAX_RETRIES, "FLOWNALLY_MAX_RETRIES", 2, 0, 10),
      retryDeadlineMs: int(env.FLOWNALLY_RETRY_DEADLINE_MS, "FLOWNALLY_RETRY_DEADLINE_MS", 60_000, 0, 3_600_000),
      maxConcurrency: int(env.FLOWNALLY_MAX_CONCURRENCY, "FLOWNALLY_MAX_CONCURRENCY", 16, 1, 256),
      toolsets: toolsets.sets,
      tools: toolsets.withDefault ? [...DEFAULT_EXTRA_TOOLS, ...(tools ?? [])] : tools,
      excludeTools: excludeTools.length > 0 ? excludeTools : undefined,
      readOnly: bool("--read-only", "FLOWNALLY_READ_ONLY"),
      toolMode,
      maxResultTokens: int(
        str("--max-result-tokens", "FLOWNALLY_MAX_RESULT_TOKENS"),
        "--max-result-tokens",
        20_000,
        500,
        1_000_000,
      ),
      fileRoots:
        folders.length > 0
          ? fileRoots(folders, "folders after the options")
          : fileRoots(env.FLOWNALLY_FILE_ROOTS?.split(delimiter), "FLOWNALLY_FILE_ROOTS"),
      confirm: {
        mode: confirm,
        bulkThreshold: int(
          str("--confirm-threshold", "FLOWNALLY_CONFIRM_THRESHOLD"),
          "--confirm-threshold",
          DEFAULT_CONFIRM.bulkThreshold,
          0,
          1_000_000,
        ),
      },
      journal: journalPath(flags.has("--no-journal"), env),
      jobWaitMs: int(env.FLOWNALLY_JOB_WAIT_MS, "FLOWNALLY_JOB_WAIT_MS", DEFAULT_JOB_WAIT_MS, 0, 3_600_000),
      sandbox: bool("--sandbox", "FLOWNALLY_SANDBOX"),
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

function isConfirmMode(value: string): value is ConfirmMode {
  return (CONFIRM_MODES as readonly string[]).includes(value);
}

/**
 * The journal's file: FLOWNALLY_JOURNAL (absolute, for the same reason as the
 * file roots), else the user's state folder; none with --no-journal or
 * FLOWNALLY_JOURNAL=off, or when the environment names no home.
 */
function journalPath(off: boolean, env: Env): string | undefined {
  const given = env.FLOWNALLY_JOURNAL?.trim();
  if (off || (given !== undefined && /^(0|false|no|off)$/i.test(given))) return undefined;
  if (!given) return defaultJournalPath(env);
  if (!isAbsolute(given))
    throw new ConfigError(`FLOWNALLY_JOURNAL: "${given}" is a relative path; give an absolute one, or off`);
  return given;
}

/** The names of a comma-separated list, blanks dropped; undefined when the option was not given. */
function commaList(value: string | undefined): string[] | undefined {
  return value
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Every name is checked, `all` or not: a typo beside `all` is as much a mistake as one beside `default`. */
function parseToolsets(
  value: string | undefined,
  source: string,
): { sets: readonly Toolset[] | "all"; withDefault: boolean; leftOut: readonly string[] } {
  const names = commaList(value) ?? [];
  if (names.length === 0) names.push("default");
  const known: readonly string[] = [...TOOLSETS, "all", "default"];
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    const which = unknown.map((name) => {
      const close = nearest(name, known);
      return `${name}${close.length ? ` (did you mean ${close.join(", ")}?)` : ""}`;
    });
    throw new ConfigError(`${source}: unknown toolset ${which.join(", ")}; choose from ${known.join(", ")}`);
  }
  if (names.includes("all")) return { sets: "all", withDefault: false, leftOut: [] };
  const out = new Set<Toolset>();
  for (const name of names) {
    if (name === "default") for (const t of DEFAULT_TOOLSETS) out.add(t);
    else out.add(name as Toolset);
  }
  const withDefault = names.includes("default");
  const leftOut = Object.entries(DEFAULT_LEFT_OUT)
    .filter(([toolset]) => withDefault && !names.includes(toolset))
    .flatMap(([, tools]) => tools);
  return { sets: [...out], withDefault, leftOut };
}

/**
 * FLOWNALLY_FILE_ROOTS as a list. A relative entry is refused: it would mean a folder under whatever working
 * directory the MCP client starts the server in (often / for a desktop app), so it could grant another, wider
 * folder than meant, while an absolute path costs nothing to write.
 */
/** Folders files may be read from, from the environment or the command line: absolute paths only. */
function fileRoots(given: readonly string[] | undefined, source: string): string[] | undefined {
  const roots = given?.filter(Boolean);
  if (!roots?.length) return undefined;
  const relative = roots.find((root) => !isAbsolute(root));
  if (relative !== undefined) {
    const hint = relative.startsWith("~") ? " (~ is not expanded)" : "";
    throw new ConfigError(`${source}: "${relative}" is a relative path${hint}; give each folder as an absolute path`);
  }
  return roots;
}
