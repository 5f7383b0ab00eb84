import { createServer } from "node:http";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

let posts = 0;
const api = createServer(async (req, res) => {
  for await (const _ of req);
  if (req.url.endsWith("/users/me")) {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end('{"id":"u"}');
  }
  if (req.url.includes("/tags") && req.method === "GET") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end('{"tags":[{"id":"tag_1","name":"VIP"}]}');
  }
  if (req.method === "POST") posts++;
  await new Promise((r) => setTimeout(r, 50));
  res.writeHead(204);
  res.end();
});
await new Promise((r) => api.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${api.address().port}/v1`;
const b = new Client({ name: "v2", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
await b.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: ["dist/cli.js", "--toolsets", "all"],
    env: { PATH: process.env.PATH, FLOWNALLY_API_KEY: "k", FLOWNALLY_BASE_URL: base },
    stderr: "inherit",
  }),
);
const contactIds = Array.from({ length: 40 }, (_, i) => `con_${i}`);
const t = setInterval(() => console.log("posts", posts), 200);
const r = await b.callTool(
  { name: "tag_contacts", arguments: { tagId: "tag_1", contactIds, concurrency: 2 } },
  { onprogress: (p) => {} },
);
console.log(r.content[0].text.slice(0, 200));
clearInterval(t);
await b.close();
api.close();
