// Public entry of the sandbox: what `flownally-mcp --sandbox`, the tests and the benchmarks use.

export { SANDBOX_API_KEY, type Sandbox, type SandboxOptions, startSandbox } from "./server.js";
export type { Store } from "./store.js";
