// One row of the catalogue-wide request table: representative arguments and
// exactly what the tool must send for them.

export interface RequestCase {
  tool: string;
  args: Record<string, unknown>;
  method: string;
  /** Decoded path below the base URL, e.g. /contacts/con_1/tags/tag_2 */
  path: string;
  /** Expected query; arrays mean repeated keys. Omit for none. */
  query?: Record<string, string | string[]>;
  /** Expected JSON body; omit when none is due. */
  body?: unknown;
  /** A multipart body instead: text each part must contain (filename, content type, content). */
  multipart?: readonly string[];
  /** What the API answers (default 200 {"ok":true}). */
  reply?: { status: number; body?: unknown };
}
