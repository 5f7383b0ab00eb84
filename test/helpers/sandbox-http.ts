// Plain HTTP against a running sandbox with fetch, for the tests that exercise the
// sandbox's API contract directly rather than through MCP tools.

import { expect } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";

export interface Problem {
  status: number;
  code: string;
  detail: string;
  instance: string;
  errors?: { field: string; message: string }[];
}

export interface CallOptions {
  /** Bearer token; the sandbox's own key when absent, no Authorization header when null. */
  key?: string | null;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** One request: an object body goes as JSON, a string as a raw JSON body, FormData as multipart. */
export async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? sandbox.apiKey : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let payload: FormData | string | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = typeof body === "string" ? body : JSON.stringify(body);
  }
  const res = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers: { ...headers, ...options.headers },
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text === "" ? undefined : (JSON.parse(text) as unknown),
  };
}

/** Awaits a call that must fail as application/problem+json with this status and code. */
export async function expectProblem(answer: Promise<Answer>, status: number, code: string): Promise<Problem> {
  const res = await answer;
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const problem = res.json as Problem;
  expect(problem.code).toBe(code);
  expect(problem.status).toBe(status);
  return problem;
}
