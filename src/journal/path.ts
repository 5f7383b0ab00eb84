// Where the journal is written when FLOWNALLY_JOURNAL does not say: the user's
// state folder, as each platform names it. Pure: reads only the environment given.

import { posix, win32 } from "node:path";

type Env = Readonly<Record<string, string | undefined>>;

const FILE = ["flownally-mcp", "journal.jsonl"] as const;

/** `$XDG_STATE_HOME` or `~/.local/state` (Linux and others), `~/Library/Application Support` (macOS), `%LOCALAPPDATA%` (Windows); undefined when the environment names no home. */
export function defaultJournalPath(env: Env, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === "win32") return env.LOCALAPPDATA ? win32.join(env.LOCALAPPDATA, ...FILE) : undefined;
  if (platform === "darwin")
    return env.HOME ? posix.join(env.HOME, "Library", "Application Support", ...FILE) : undefined;
  // The XDG spec: a relative value is to be ignored.
  const xdg = env.XDG_STATE_HOME && posix.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : undefined;
  const state = xdg ?? (env.HOME ? posix.join(env.HOME, ".local", "state") : undefined);
  return state && posix.join(state, ...FILE);
}
