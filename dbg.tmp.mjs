import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

const b = new Client({ name: "v2", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
await b.connect(
  new StdioClientTransport({ command: process.execPath, args: ["dist/cli.js", "--sandbox"], stderr: "inherit" }),
);
const progress = [];
const r = await b.callTool(
  { name: "tag_contacts", arguments: { tagId: "VIP", contactIds: ["con_01HV8Y3K2R6G7K3F5B9N8M1Q0", "con_x"] } },
  { onprogress: (p) => progress.push(p) },
);
console.log(r.content[0].text.slice(0, 200), progress);
try {
  const r2 = await b.callTool({
    name: "get_contact",
    arguments: { id: "con_x" },
    _meta: { "io.modelcontextprotocol/logLevel": "warning" },
  });
} catch (e) {
  console.log("err", e.message);
}
b.setNotificationHandler("notifications/message", (n) => console.log("LOG", n.params));
const r3 = await b.callTool({
  name: "get_contact",
  arguments: { id: "con_x" },
  _meta: { "io.modelcontextprotocol/logLevel": "warning" },
});
console.log(r3.content[0].text);
await new Promise((r) => setTimeout(r, 200));
await b.close();
