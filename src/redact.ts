// Keeps secrets (API keys, bearer tokens) out of what the server shows or logs.
// An API may echo a secret in many spellings: raw, JSON-escaped (\u0061, \/),
// as JSON inside a JSON string, percent-encoded, base64 (a Basic header), or
// split over neighbouring fields. The search runs over decoded views of the
// text, so one needle finds every escaped spelling, and the match is cut from
// the original text; parsed JSON is searched value by value (redactValue).

export const REDACTED = "[redacted]";

/**
 * From this length on, any occurrence is the secret, inside a word or across
 * fields. A shorter one counts only as a whole word within one value: a key
 * "ab" is cut from "token ab" but "table" keeps its letters.
 */
const DISTINCT_LENGTH = 8;
/** A base64 run shorter than this is too likely to occur by chance to cut. */
const MIN_BASE64_RUN = 12;
/** Layers of escaping looked through, e.g. a URL in a JSON string inside a JSON string. */
const MAX_DEPTH = 4;

export interface Secret {
  readonly value: string;
  /** Long enough that any occurrence is the secret, not a word that happens to match. */
  readonly distinct: boolean;
  /** What is searched for in every decoded view. */
  readonly needles: readonly string[];
}

export function compileSecret(value: string): Secret {
  const distinct = value.length >= DISTINCT_LENGTH;
  const needles = new Set([value]);
  // Form encoding writes a space as "+", which percent-decoding leaves alone.
  if (value.includes(" ")) needles.add(value.replaceAll(" ", "+"));
  if (distinct) for (const run of base64Runs(value)) needles.add(run);
  return { value, distinct, needles: [...needles] };
}

/**
 * The base64 text that encodes `value` wherever it sits in a longer encoded
 * string: one run per alignment (the value may start at any byte of a 3-byte
 * group), without the groups shared with unknown neighbouring bytes; standard
 * and URL-safe alphabets.
 */
function base64Runs(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const runs: string[] = [];
  for (const shift of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    const run = padded.toString("base64").slice(shift === 0 ? 0 : 4, Math.floor(padded.length / 3) * 4);
    if (run.length >= MIN_BASE64_RUN) runs.push(run, run.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return runs;
}

/** `text` with every spelling of every secret replaced by [redacted]. */
export function redactText(text: string, secrets: readonly Secret[]): string {
  return redactJoined([text], secrets)?.[0] ?? text;
}

/**
 * A copy of parsed JSON with every secret cut from its strings, object keys
 * included; the value itself when there is none. String values are searched
 * joined in document order, so a secret split over neighbouring fields is found too.
 */
export function redactValue<T>(value: T, secrets: readonly Secret[]): T {
  if (secrets.length === 0) return value;
  const leaves: string[] = [];
  const keySet = new Set<string>();
  collect(value, leaves, keySet);
  const keys = [...keySet];
  const cutLeaves = redactJoined(leaves, secrets);
  const cutKeys = redactJoined(keys, secrets);
  if (!cutLeaves && !cutKeys) return value;
  const renamed = new Map(cutKeys ? keys.map((key, i) => [key, cutKeys[i] ?? key]) : []);
  const final = cutLeaves ?? leaves;
  let next = 0;
  return rebuild(value, () => final[next++] ?? "", renamed) as T;
}

/**
 * Each text with the secrets cut, all searched as one joined text so that a
 * secret split between neighbours is found; undefined when there is none.
 */
function redactJoined(texts: readonly string[], secrets: readonly Secret[]): string[] | undefined {
  if (texts.length === 0 || secrets.length === 0) return undefined;
  const starts: number[] = [];
  let length = 0;
  for (const text of texts) {
    starts.push(length);
    length += text.length;
  }
  const ranges = findSecrets(texts.length === 1 ? (texts[0] ?? "") : texts.join(""), starts, secrets);
  if (ranges.length === 0) return undefined;
  return texts.map((text, i) => {
    const start = starts[i] ?? 0;
    const end = start + text.length;
    const mine = ranges
      .filter(([a, b]) => a < end && b > start)
      .map(([a, b]): Range => [Math.max(a, start), Math.min(b, end)]);
    return mine.length ? cut(text, start, mine) : text;
  });
}

function collect(value: unknown, leaves: string[], keys: Set<string>): void {
  if (typeof value === "string") leaves.push(value);
  else if (Array.isArray(value)) for (const item of value) collect(item, leaves, keys);
  else if (value && typeof value === "object") {
    // Parsed JSON: own enumerable keys only, so for-in needs no hasOwn check (and is the fast walk).
    const record = value as Record<string, unknown>;
    for (const key in record) {
      keys.add(key);
      collect(record[key], leaves, keys);
    }
  }
}

function rebuild(value: unknown, nextLeaf: () => string, renamed: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") return nextLeaf();
  if (Array.isArray(value)) return value.map((item) => rebuild(item, nextLeaf, renamed));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[renamed.get(key) ?? key] = rebuild(item, nextLeaf, renamed);
    return out;
  }
  return value;
}

/** [start, end) in the searched text. */
type Range = [number, number];

/** `text` (whose first character is at `offset` of the searched text) with `ranges` replaced, overlapping ones once. */
function cut(text: string, offset: number, ranges: readonly Range[]): string {
  const merged: Range[] = [];
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
    const last = merged.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  let out = "";
  let at = offset;
  for (const [a, b] of merged) {
    out += `${text.slice(at - offset, a - offset)}${REDACTED}`;
    at = b;
  }
  return out + text.slice(at - offset);
}

/** A decoded spelling of the searched text: each character's span in the original. */
interface View {
  text: string;
  start(i: number): number;
  end(i: number): number;
}

/**
 * Where any secret occurs in `text`, in any of its decoded views. `leafStarts`
 * are the offsets where joined values begin: a short secret must lie within one
 * value, and the edge of a value counts as the edge of a word.
 */
function findSecrets(text: string, leafStarts: readonly number[], secrets: readonly Secret[]): Range[] {
  const ranges: Range[] = [];
  const leafOf = (offset: number): number => {
    let lo = 0;
    let hi = leafStarts.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((leafStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const leafStart = (offset: number): boolean => leafStarts[leafOf(offset)] === offset;
  let view: View | undefined = { text, start: (i) => i, end: (i) => i + 1 };
  for (let depth = 0; view && depth <= MAX_DEPTH; depth++) {
    const { text: seen } = view;
    for (const secret of secrets) {
      for (const needle of secret.needles) {
        for (let i = seen.indexOf(needle); i >= 0; i = seen.indexOf(needle, i + 1)) {
          const a = view.start(i);
          const last = i + needle.length - 1;
          const b = view.end(last);
          if (!secret.distinct) {
            if (leafOf(a) !== leafOf(b - 1)) continue;
            if (!(leafStart(a) || !isWordChar(seen[i - 1]))) continue;
            if (!(b === text.length || leafStart(b) || !isWordChar(seen[last + 1]))) continue;
          }
          ranges.push([a, b]);
        }
      }
    }
    view = decoded(view);
  }
  return ranges;
}

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}]/u.test(char);
}

const ESCAPE = /\\u[0-9a-fA-F]{4}|\\["\\/'nrtbf]|(?:%[0-9a-fA-F]{2})+/g;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  "'": "'",
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  f: "\f",
};

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The view with one layer of JSON string escapes (\uXXXX, \/, \" …) and
 * percent-encoding (%XX as UTF-8) undone; undefined when there is none. Only
 * the decoded characters are recorded, so memory follows the escapes, not the text.
 */
function decoded(view: View): View | undefined {
  const { text } = view;
  if (!text.includes("\\") && !text.includes("%")) return undefined;
  const chunks: string[] = [];
  // Per decoded character: its index in the new text, and its span [from, to) in this one.
  const marks: number[] = [];
  let at = 0;
  let length = 0;
  for (const match of text.matchAll(ESCAPE)) {
    const chars = meaningOf(match[0]);
    if (chars === undefined) continue;
    const from = match.index;
    const to = from + match[0].length;
    chunks.push(text.slice(at, from));
    length += from - at;
    // Percent runs decode to several characters; each is marked with the whole run.
    for (const char of chars) {
      chunks.push(char);
      for (let k = 0; k < char.length; k++) marks.push(length++, from, to);
    }
    at = to;
  }
  if (marks.length === 0) return undefined;
  chunks.push(text.slice(at));
  const locate = (k: number): Range => {
    let lo = 0;
    let hi = marks.length / 3 - 1;
    if ((marks[0] ?? 0) > k) return [k, k + 1];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((marks[mid * 3] ?? 0) <= k) lo = mid;
      else hi = mid - 1;
    }
    const index = marks[lo * 3] ?? 0;
    const from = marks[lo * 3 + 1] ?? 0;
    const to = marks[lo * 3 + 2] ?? 0;
    if (index === k) return [from, to];
    const source = to + (k - index - 1);
    return [source, source + 1];
  };
  return {
    text: chunks.join(""),
    start: (k) => view.start(locate(k)[0]),
    end: (k) => view.end(locate(k)[1] - 1),
  };
}

/** What one escape stands for; undefined for percent-encoded bytes that are not UTF-8. */
function meaningOf(sequence: string): string | undefined {
  if (sequence.startsWith("\\u")) return String.fromCharCode(Number.parseInt(sequence.slice(2), 16));
  if (sequence.startsWith("\\")) return SIMPLE_ESCAPES[sequence.slice(1)];
  const bytes = Uint8Array.from(sequence.slice(1).split("%"), (hex) => Number.parseInt(hex, 16));
  if (bytes.every((b) => b < 0x80)) return String.fromCharCode(...bytes);
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
