// One error type for everything that can go wrong talking to the API: an
// error status (RFC 9457 ProblemDetails), a body that is not what was due,
// a timeout, a refused connection. It keeps facts only; turning them into
// words for a model happens in tools/errors.ts.

export type ApiErrorKind = "http" | "timeout" | "network" | "bad_response" | "aborted";

/** The one thing read from response headers: a case-insensitive lookup (a fetch `Headers` fits). */
export interface HeaderLookup {
  get(name: string): string | null;
}

export interface FieldViolation {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly violations: readonly FieldViolation[];
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(init: {
    kind: ApiErrorKind;
    message: string;
    status?: number | undefined;
    code?: string | undefined;
    title?: string | undefined;
    detail?: string | undefined;
    violations?: readonly FieldViolation[];
    requestId?: string | undefined;
    retryAfterMs?: number | undefined;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.violations = init.violations ?? [];
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** Builds the error for a failed response from its status, headers and raw body text. */
  static fromResponse(status: number, headers: HeaderLookup, bodyText: string): ApiError {
    const requestId = headers.get("x-request-id") ?? undefined;
    const retryAfterMs = parseRetryAfter(headers.get("retry-after"));
    const problem = parseJsonObject(bodyText);
    if (!problem) {
      // A proxy's or load balancer's page: say what came, never echo it.
      const what =
        bodyText.trim() === "" ? "an empty body" : /^\s*</.test(bodyText) ? "an HTML page" : "a non-JSON body";
      return new ApiError({
        kind: "http",
        status,
        requestId,
        retryAfterMs,
        detail: `the API answered ${what}, not a problem detail`,
        message: `HTTP ${status} with ${what}`,
      });
    }
    const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
    return new ApiError({
      kind: "http",
      status,
      code: str(problem.code) ?? str(problem.errorCode),
      title: str(problem.title),
      detail: str(problem.detail) ?? str(problem.message),
      violations: readViolations(problem),
      requestId: requestId ?? str(problem.requestId) ?? str(problem.traceId),
      retryAfterMs,
      message: `HTTP ${status}${str(problem.code) ? ` ${str(problem.code)}` : ""}`,
    });
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// The reference does not name the violations array: accept the common spellings.
function readViolations(problem: Record<string, unknown>): FieldViolation[] {
  const list = [problem.errors, problem.violations, problem.invalidParams, problem.fieldViolations].find(Array.isArray);
  if (!list) return [];
  const out: FieldViolation[] = [];
  for (const item of list as unknown[]) {
    if (!item || typeof item !== "object") continue;
    const v = item as Record<string, unknown>;
    const field = [v.field, v.name, v.pointer, v.path].find((x) => typeof x === "string");
    const message = [v.message, v.reason, v.detail, v.description].find((x) => typeof x === "string");
    if (typeof message === "string") out.push({ field: typeof field === "string" ? field : "", message });
  }
  return out;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
