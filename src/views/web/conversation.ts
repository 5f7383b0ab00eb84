// The conversation thread: messages as a chat with their delivery states,
// whether the reply window is open, and a reply box (text while it is open,
// an approved WhatsApp template once it has closed) that sends through the
// server's send_conversation_message.

import type { Template, Thread, ThreadMessage } from "../shapes.js";
import type { Bridge } from "./lib/bridge.js";
import {
  banner,
  call,
  chip,
  errorText,
  h,
  header,
  recordsOf,
  show,
  startView,
  stringOf,
  structured,
  when,
} from "./lib/ui.js";

/** How an outbound message's delivery state reads. */
const STATES: Record<string, string> = {
  accepted: "◷ accepted",
  sent: "✓ sent",
  delivered: "✓✓ delivered",
  read: "✓✓ read",
  failed: "⚠ failed",
};

startView("flownally-conversation", (bridge) => {
  const root = document.body.appendChild(h("main"));
  let id: string | undefined;
  let thread: Thread | undefined;
  let message: HTMLElement | undefined;
  let sending = false;
  const render = () => show(root, ...(thread ? view(bridge, thread, sending, actions) : []), message ?? null);

  const load = async (older?: string) => {
    if (!id) return;
    try {
      const page = await call<Thread>(bridge, "view_conversation", { id, ...(older && { pageToken: older }) });
      thread = older && thread ? { ...page, messages: [...page.messages, ...thread.messages] } : page;
      message = undefined;
    } catch (err) {
      message = banner("error", err instanceof Error ? err.message : String(err));
    }
    render();
  };

  const actions: Actions = {
    older: () => void load(thread?.olderPageToken),
    send: async (content, said) => {
      if (!id) return;
      sending = true;
      render();
      const result = await bridge.callServerTool("send_conversation_message", { id, content });
      sending = false;
      if (result.isError) {
        message = banner("error", errorText(result));
        render();
        return;
      }
      await bridge
        .updateModelContext(`In the conversation view the user sent ${said} in conversation ${id}.`, {
          tool: "send_conversation_message",
          conversationId: id,
          content,
        })
        .catch(() => {});
      await load();
    },
  };

  return {
    toolInput: (args) => {
      id = stringOf(args.id);
    },
    toolResult: (result) => {
      if (result.isError) {
        message = banner("error", errorText(result));
        render();
        return;
      }
      thread = fromResult(structured(result), id);
      id = thread?.conversation.id ?? id;
      render();
      void load();
    },
    hostContext: render,
  };
});

interface Actions {
  older(): void;
  send(content: Record<string, unknown>, said: string): Promise<void>;
}

function view(bridge: Bridge, thread: Thread, sending: boolean, actions: Actions) {
  const { contact, inbox, conversation, window } = thread;
  return [
    header(bridge, contact ? contact.name : conversation.id, [
      [contact?.phone, inbox ? `${inbox.name} (${inbox.channel})` : conversation.channel].filter(Boolean).join(" · "),
      " ",
      chip(conversation.status),
    ]),
    window.canSend
      ? banner("ok", window.expiresAt ? `Reply window open until ${when(bridge, window.expiresAt)}.` : "You can reply.")
      : banner("warn", window.reason ?? "The reply window is closed."),
    h(
      "div",
      { class: "thread scroll", role: "log" },
      thread.olderPageToken ? h("button", { class: "ghost", onclick: actions.older }, "Load older messages") : null,
      thread.messages.length === 0 ? h("p", { class: "muted" }, "No messages yet.") : null,
      thread.messages.map((m) => bubble(bridge, m)),
    ),
    thread.canReply ? replyBox(thread, sending, actions) : null,
  ];
}

function bubble(bridge: Bridge, m: ThreadMessage) {
  const state = m.direction === "outbound" ? (STATES[m.status] ?? m.status) : "";
  return h(
    "div",
    { class: `bubble ${m.direction === "inbound" ? "in" : "out"}`, "data-id": m.id },
    h("div", { class: m.kind === "text" ? "" : "muted" }, m.text || `[${m.kind}]`),
    h(
      "div",
      { class: "meta" },
      when(bridge, m.at),
      state ? h("span", { class: `state ${m.status}` }, ` · ${state}`) : null,
    ),
  );
}

function replyBox(thread: Thread, sending: boolean, actions: Actions) {
  if (thread.window.canSend) {
    const text = h("textarea", { rows: 2, placeholder: "Write a reply…", "aria-label": "Reply" });
    const send = () => {
      const body = text.value.trim();
      if (body) void actions.send({ type: "text", text: body }, `the reply "${body}"`);
    };
    return h(
      "div",
      { class: "reply" },
      text,
      h("button", { class: "primary", disabled: sending, onclick: send }, sending ? "Sending…" : "Send"),
    );
  }
  if (thread.templates.length === 0) {
    return h("p", { class: "muted" }, "No approved template to send while the window is closed.");
  }
  const select = h(
    "select",
    { "aria-label": "Template" },
    thread.templates.map((t, i) => h("option", { value: String(i) }, `${t.name} (${t.language})`)),
  );
  const preview = h("p", { class: "muted preview" });
  const inputs = h("div", { class: "bar" });
  const pick = () => {
    const body = chosen(thread.templates, select.value)?.body ?? "";
    show(preview, body);
    show(
      inputs,
      placeholders(body).map((n) => h("input", { "aria-label": `Parameter ${n}`, placeholder: `{{${n}}}` })),
    );
  };
  select.addEventListener("change", pick);
  pick();
  const send = () => {
    const template = chosen(thread.templates, select.value);
    if (!template) return;
    const values = [...inputs.querySelectorAll("input")].map((i) => ({ type: "text", text: i.value }));
    const components = values.length ? [{ type: "body", parameters: values }] : undefined;
    void actions.send(
      {
        type: "template",
        template: { name: template.name, language: template.language, ...(components && { components }) },
      },
      `the template ${template.name}`,
    );
  };
  return h(
    "div",
    { class: "reply" },
    h("div", {}, select, preview, inputs),
    h("button", { class: "primary", disabled: sending, onclick: send }, sending ? "Sending…" : "Send template"),
  );
}

/** The numbered parameters a template body has ({{1}}, {{2}}…), in order. */
function placeholders(body: string): number[] {
  return [...new Set([...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

function chosen(templates: readonly Template[], index: string): Template | undefined {
  return templates[Number(index)];
}

/** What a get_conversation or list_conversation_messages result shows before the thread comes. */
function fromResult(data: Record<string, unknown>, given: string | undefined): Thread | undefined {
  const id = stringOf(data.id) ?? given;
  if (!id) return undefined;
  const listed = recordsOf(data.messages);
  const last = recordsOf([data.lastMessage]);
  const window = recordsOf([data.window])[0];
  const reason = stringOf(window?.reason);
  return {
    conversation: { id, status: stringOf(data.status) ?? "", channel: stringOf(data.channel) ?? "" },
    window: { canSend: window?.canSend !== false, ...(reason && { reason }) },
    messages: (listed.length ? [...listed].reverse() : last).flatMap((m) => {
      const mid = stringOf(m.id);
      const content = recordsOf([m.content])[0] ?? {};
      const kind = stringOf(content.type) ?? "text";
      return mid
        ? [
            {
              id: mid,
              direction: m.direction === "outbound" ? "outbound" : "inbound",
              kind,
              text: stringOf(content.text) ?? "",
              status: stringOf(m.status) ?? "",
              at: stringOf(m.createdAt) ?? "",
            } satisfies ThreadMessage,
          ]
        : [];
    }),
    templates: [],
    canReply: false,
  };
}
