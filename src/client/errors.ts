// What can go wrong talking to the API, one class per kind (as openai-node's
// APIError.generate does): an error status with its RFC 9457 ProblemDetails, an
// answer that is not what was due, a timeout, a dropped or refused connection,
// a cancellation, a listing past its bounds. Facts only: turning them into
// words for a model happens in tools/errors.ts.

/** The one thing read from response headers: a case-insensitive lookup (a fetch `Headers` fits). */
export interface HeaderLookup {
  get(name: string): string | null;
}

export interface FieldViolation {
  field: string;
  message: string;
}

/** Everything the client throws on purpose. */
export class FlownallyError extends Error {
  override name = "FlownallyError";
}

/** Something went wrong with one request to the API. */
export class ApiError extends FlownallyError {
  override name = "ApiError";
  /** The HTTP status, when an answer came. */
  readonly status: number | undefined;
  /** The API's x-request-id, for support. */
  readonly requestId: string | undefined;

  constructor(message: string, answer: { status?: number | undefined; requestId?: string | undefined } = {}) {
    super(message);
    this.status = answer.status;
    this.requestId = answer.requestId;
  }
}

export interface ProblemFacts {
  status: number;
  code?: string | undefined;
  title?: string | undefined;
  detail?: string | undefined;
  violations?: readonly FieldViolation[];
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
}

/** What came with an error status: a problem detail, or a body that is not one (said, never echoed). */
export type ErrorBody = { problem: Readonly<Record<string, unknown>> } | { unreadable: string };

/** The API answered with an error status. The subclass says which kind; `code` says which case of it. */
export class ApiStatusError extends ApiError {
  override name = "ApiStatusError";
  declare readonly status: number;
  readonly code: string | undefined;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly violations: readonly FieldViolation[];
  readonly retryAfterMs: number | undefined;

  constructor(facts: ProblemFacts) {
    super(`HTTP ${facts.status}${facts.code ? ` ${facts.code}` : ""}`, facts);
    this.code = facts.code;
    this.title = facts.title;
    this.detail = facts.detail;
    this.violations = facts.violations ?? [];
    this.retryAfterMs = facts.retryAfterMs;
  }

  /** The error for a failed answer, of the class its status calls for. */
  static generate(status: number, headers: HeaderLookup, body: ErrorBody): ApiStatusError {
    const Kind = STATUS_ERRORS[status] ?? (status >= 500 ? InternalServerError : ApiStatusError);
    const common = {
      status,
      requestId: headers.get("x-request-id") ?? undefined,
      retryAfterMs: parseRetryAfter(headers.get("retry-after")),
    };
    if ("unreadable" in body) {
      // A proxy's or load balancer's page: say what came, never echo it.
      return new Kind({ ...common, detail: `the API answered ${body.unreadable}, not a problem detail` });
    }
    const { problem } = body;
    const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
    return new Kind({
      ...common,
      code: str(problem.code) ?? str(problem.errorCode),
      title: str(problem.title),
      detail: str(problem.detail) ?? str(problem.message),
      violations: readViolations(problem),
      requestId: common.requestId ?? str(problem.requestId) ?? str(problem.traceId),
    });
  }
}

export class BadRequestError extends ApiStatusError {
  override name = "BadRequestError";
}
export class AuthenticationError extends ApiStatusError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends ApiStatusError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends ApiStatusError {
  override name = "NotFoundError";
}
export class ConflictError extends ApiStatusError {
  override name = "ConflictError";
}
export class UnprocessableEntityError extends ApiStatusError {
  override name = "UnprocessableEntityError";
}
export class RateLimitError extends ApiStatusError {
  override name = "RateLimitError";
}
export class InternalServerError extends ApiStatusError {
  override name = "InternalServerError";
}

const STATUS_ERRORS: Readonly<Record<number, new (facts: ProblemFacts) => ApiStatusError>> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** No answer came: the connection was refused, dropped or reset. */
export class APIConnectionError extends ApiError {
  override name = "APIConnectionError";
  /**
   * The request may have reached the API and is not safe to send again (a POST
   * without an Idempotency-Key, a PATCH): whether the change was made is unknown.
   */
  readonly outcomeUnknown: boolean;

  constructor(message: string, outcomeUnknown: boolean) {
    super(message);
    this.outcomeUnknown = outcomeUnknown;
  }
}

/** No answer came in time. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = "APIConnectionTimeoutError";
}

/** The caller cancelled: nothing more is sent for this request. */
export class APIUserAbortError extends ApiError {
  override name = "APIUserAbortError";
  constructor(message = "request cancelled") {
    super(message);
  }
}

/** An answer came, but not what was due: not JSON, a redirect, too large, a page without its items. */
export class BadResponseError extends ApiError {
  override name = "BadResponseError";
}

/** A listing over pages stopped at one of its bounds (PageLimits in http.ts) before the API's last page. */
export class PagingLimitError extends FlownallyError {
  override name = "PagingLimitError";
  constructor(
    /** The collection listed, e.g. /contacts. */
    readonly path: string,
    /** Which bound was hit, and its value (a count, or milliseconds for time). */
    readonly limit: "pages" | "items" | "time",
    readonly bound: number,
    /** How far the listing got. */
    readonly pages: number,
    readonly items: number,
  ) {
    super(`listing ${path} stopped at its ${limit} bound (${bound}) after ${pages} pages and ${items} items`);
  }
}

// The reference does not name the violations array: accept the common spellings.
function readViolations(problem: Readonly<Record<string, unknown>>): FieldViolation[] {
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
