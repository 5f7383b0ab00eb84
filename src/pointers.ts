// Texts that name tools (descriptions, error summaries) are written once and
// rendered for what a server serves: a tool is named only where it is served;
// elsewhere the text says what is (a resource) or what to do instead.

/** What a server serves, as the texts that point at tools see it. */
export interface Profile {
  serves(tool: string): boolean;
  /** The served tool that is the API operation `METHOD /path` (concrete ids allowed), if any. */
  operation(method: string, path: string): string | undefined;
}

/** A phrase naming `tool`: shown where it is served, `otherwise` (or nothing) elsewhere. */
export interface Pointer {
  readonly tool: string;
  readonly text: Text;
  readonly otherwise?: Text;
}

/** Plain text, a pointer, or parts rendered one after the other. Plain data, so a build can bake it in. */
export type Text = string | Pointer | readonly Text[];

export function point(tool: string, text: Text, otherwise?: Text): Pointer {
  return otherwise === undefined ? { tool, text } : { tool, text, otherwise };
}

export function render(text: Text, profile: Profile): string {
  if (typeof text === "string") return text;
  if (isPointer(text)) {
    const shown = profile.serves(text.tool) ? text.text : text.otherwise;
    return shown === undefined ? "" : render(shown, profile);
  }
  return text.map((part) => render(part, profile)).join("");
}

/** Whether rendering depends on the profile at all. */
export function pointsAtTools(text: Text): boolean {
  if (typeof text === "string") return false;
  return isPointer(text) || text.some(pointsAtTools);
}

function isPointer(text: Text): text is Pointer {
  return typeof text === "object" && "tool" in text;
}

/** A served operation, as a profile matches API paths against it. */
export interface Operation {
  name: string;
  method?: string | undefined;
  path?: string | undefined;
}

/** The profile of a server that serves exactly `tools`. */
export function profileOf(tools: readonly Operation[]): Profile {
  const names = new Set(tools.map((t) => t.name));
  const paths = tools.flatMap((t) => (t.method && t.path ? [{ name: t.name, method: t.method, path: t.path }] : []));
  return {
    serves: (tool) => names.has(tool),
    operation: (method, path) => {
      const same = paths.filter((p) => p.method === method);
      return (same.find((p) => p.path === path) ?? same.find((p) => templateMatches(p.path, path)))?.name;
    },
  };
}

/** Every tool served: how texts read outside any one server (logs, the catalogue's own listing). */
export const EVERY_TOOL: Profile = { serves: () => true, operation: () => undefined };

// `/inboxes/{id}/whatsapp/templates` matches `/inboxes/inb_1/whatsapp/templates` and the template itself.
function templateMatches(template: string, path: string): boolean {
  const a = template.split("/");
  const b = path.split("/");
  return a.length === b.length && a.every((seg, i) => seg === b[i] || (/^\{\w+\}$/.test(seg) && b[i] !== ""));
}
