// Builds API paths. Every id goes into its own encoded segment; ids that could
// climb out of it (empty, ".", "..") or cannot be encoded (a lone UTF-16
// surrogate, which is no text at all) are refused before any request is made.

export class PathError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = "PathError";
  }
}

export function encodeSegment(value: string, param = "id"): string {
  if (value === "" || value.trim() === "") throw new PathError(param, `${param} must not be empty`);
  if (value === "." || value === "..") throw new PathError(param, `${param} must be an id, not "${value}"`);
  // encodeURIComponent would throw a bare URIError on one.
  if (/\p{Surrogate}/u.test(value))
    throw new PathError(param, `${param} is not valid text: it holds half of a surrogate pair (a broken character)`);
  return encodeURIComponent(value);
}

/** Fills `/contacts/{contactId}/tags/{tagId}` from named values, one encoded segment each. */
export function fillPath(template: string, values: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (typeof value !== "string" && typeof value !== "number") throw new PathError(name, `${name} is required`);
    return encodeSegment(String(value), name);
  });
}

/** The names of the `{placeholders}` of a path template, in order. */
export function pathParams(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");
}

/** Tagged template: apiPath`/contacts/${id}/events` encodes each interpolated value as one segment. */
export function apiPath(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((out, part, i) => out + part + (i < values.length ? encodeSegment(values[i] ?? "") : ""), "");
}
