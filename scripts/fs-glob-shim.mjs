// Preload (`node --import`) for the MCP conformance suite, which imports
// `globSync` from node:fs; Node 20 lacks it. A resolve hook hands modules under
// node_modules/@modelcontextprotocol/conformance a stand-in for "fs" that adds it.
import { register } from "node:module";

const hooks = `
const SHIM = ${JSON.stringify(new URL("./fs-glob.mjs", import.meta.url).href)};
export async function resolve(specifier, context, next) {
  if ((specifier === "fs" || specifier === "node:fs") && context.parentURL?.includes("/@modelcontextprotocol/conformance/")) {
    return { url: SHIM, shortCircuit: true };
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
