// One error type for the whole API: a status, a sentence a person understands,
// and optional field details. Anything else thrown is logged and answered with
// a generic sentence, so no stack trace or internal detail reaches a client.
import "server-only";
import type { ApiErrorBody } from "../shared/types";
import { log } from "./log";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Omit<ApiErrorBody, "error"> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const unauthorized = () => new ApiError(401, "Sign in to do this.");
export const forbidden = (what = "do this") => new ApiError(403, `Your role is not allowed to ${what}.`);
export const notFound = (what: string) => new ApiError(404, `${what} was not found.`);
export const tooMany = (retryAfterS: number, what: string) =>
  new ApiError(429, `Too many ${what}. Try again in ${retryAfterS} s.`, {}, { "Retry-After": String(retryAfterS) });

/** A store or bus that cannot be reached: the caller may retry. */
export class BackendUnavailableError extends Error {}

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) {
    return Response.json({ error: error.message, ...error.details } satisfies ApiErrorBody, {
      status: error.status,
      headers: error.headers,
    });
  }
  if (error instanceof BackendUnavailableError) {
    log().error({ component: "api" }, `backend unavailable: ${error.message}`);
    return Response.json({ error: "The notification store is unreachable right now. Try again shortly." }, {
      status: 503,
      headers: { "Retry-After": "5" },
    });
  }
  log().error({ component: "api", err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) }, "unexpected error");
  return Response.json({ error: "Something went wrong on our side." }, { status: 500 });
}
