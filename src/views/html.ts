// Each view's HTML, read from disk on its first read and kept: a server whose
// client never shows a view never reads one.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ViewId } from "./catalog.js";
import { VIEWS_DIR } from "./location.js";

const loaded = new Map<ViewId, Promise<string>>();

export function viewHtml(id: ViewId): Promise<string> {
  let html = loaded.get(id);
  if (!html) {
    html = readFile(join(VIEWS_DIR, `${id}.html`), "utf8").catch(() => {
      loaded.delete(id);
      throw new Error(`The ${id} view is not built (${VIEWS_DIR}); run npm run build.`);
    });
    loaded.set(id, html);
  }
  return html;
}
