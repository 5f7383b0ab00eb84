// Short texts for a model are made of whole parts: what does not fit is left
// out and counted, never cut mid-word.

/**
 * The leading `parts` joined by `separator` within `room` characters; "(and N
 * more)" says how many were left out, unless `quietly` (sentences of prose).
 */
export function fitting(parts: readonly string[], room: number, separator = "; ", quietly = false): string {
  const shown: string[] = [];
  let used = 0;
  for (const [i, part] of parts.entries()) {
    const more = parts.length - i - 1;
    const tail = more > 0 && !quietly ? ` (and ${more} more)`.length : 0;
    const cost = (shown.length > 0 ? separator.length : 0) + part.length;
    if (used + cost + tail > room) break;
    shown.push(part);
    used += cost;
  }
  const left = parts.length - shown.length;
  if (shown.length === 0) return "";
  return left > 0 && !quietly ? `${shown.join(separator)} (and ${left} more)` : shown.join(separator);
}

/** A text's sentences, each with its closing punctuation. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
