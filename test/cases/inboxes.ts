// Request cases for the inboxes toolset (see types.ts), collected in index.ts.

import type { RequestCase } from "./types.js";

export const inboxCases: RequestCase[] = [
  { tool: "list_inboxes", args: {}, method: "GET", path: "/inboxes" },
  {
    tool: "create_inbox",
    args: { channel: "whatsapp", wabaId: "waba_1", phoneNumberId: "pn_1" },
    method: "POST",
    path: "/inboxes",
    body: { channel: "whatsapp", wabaId: "waba_1", phoneNumberId: "pn_1" },
  },
  { tool: "delete_inbox", args: { id: "inb_1" }, method: "DELETE", path: "/inboxes/inb_1", reply: { status: 204 } },
  {
    tool: "set_inbox_team",
    args: { id: "inb_1", teamId: "team_1" },
    method: "PUT",
    path: "/inboxes/inb_1/team",
    body: { teamId: "team_1" },
  },
  { tool: "clear_inbox_team", args: { id: "inb_1" }, method: "DELETE", path: "/inboxes/inb_1/team" },
  { tool: "list_whatsapp_templates", args: { id: "inb_1" }, method: "GET", path: "/inboxes/inb_1/whatsapp/templates" },
  {
    tool: "list_waba_phone_numbers",
    args: { wabaId: "waba_1" },
    method: "GET",
    path: "/whatsapp/waba_1/phone-numbers",
  },
];
