// "Did you mean": the existing names nearest to a misspelt one, by edit
// distance on lower-cased text, with substrings counted as near.

/** Levenshtein distance, two rows of memory. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Up to `max` names close enough to `wanted` to be what was meant, nearest first. */
export function nearest(wanted: string, names: readonly string[], max = 3): string[] {
  const target = wanted.trim().toLowerCase();
  const scored = names.map((name) => {
    const lower = name.toLowerCase();
    const distance = lower.includes(target) || target.includes(lower) ? 1 : editDistance(target, lower);
    return { name, score: distance / Math.max(target.length, lower.length, 1), distance };
  });
  return scored
    .filter((s) => s.distance <= 2 || s.score <= 0.5)
    .sort((x, y) => x.score - y.score || x.name.localeCompare(y.name))
    .slice(0, max)
    .map((s) => s.name);
}
