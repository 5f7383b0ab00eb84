// The job benchmark's API in a process of its own, as a real API is: its rate
// limit counts requests as they arrive, unaffected by pauses of the server's
// event loop. Prints its base URL, then serves until killed.
// Usage: node --import tsx bench/tag-api-process.ts <contacts> <latencyMs> <perSecond>

import { startTagApi } from "../test/helpers/tag-api.js";

const [contacts, latencyMs, perSecond] = process.argv.slice(2).map(Number);
const api = await startTagApi({ contacts: contacts ?? 10_000, latencyMs: latencyMs ?? 20, perSecond: perSecond ?? 50 });
process.stdout.write(`${JSON.stringify({ baseUrl: api.baseUrl, tagId: api.tagId })}\n`);
