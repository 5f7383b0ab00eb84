// Process-wide zod settings, imported first by the entry point so they hold
// before any schema exists (the SDK builds its message schemas as it loads).
//
// jitless: zod compiles a fast parser for each object schema with new Function
// on its first parse. Start-up parses a dozen SDK schemas once each, and every
// tool call checks its arguments against a fresh z.object, so that compilation
// is paid and never repaid: without it cold start to tools/list is ~15 ms
// faster and a tool call no slower (README, Performance).

import * as z from "zod";

z.config({ jitless: true });
