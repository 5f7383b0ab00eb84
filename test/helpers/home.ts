// A home folder of the test run's own: the built servers the tests start
// journal writes by default under $HOME (or $XDG_STATE_HOME), and the SDK's
// stdio client passes HOME on to them. Set before the test workers start, so
// they and everything they spawn inherit it; removed when the run ends.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const home = mkdtempSync(join(tmpdir(), "flownally-test-home-"));
  process.env.HOME = home;
  process.env.XDG_STATE_HOME = join(home, ".local", "state");
  return () => rmSync(home, { recursive: true, force: true });
}
