// Browser-side calls to the product's API: JSON in and out, and the server's
// error sentence (with field errors) surfaced as an ApiClientError.
import type { ApiErrorBody } from "../shared/types";

export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.error);
  }
}

/** What a person reads when the request never reached the server (the browser's own words are "Failed to fetch"). */
export const UNREACHABLE = "Could not reach the server: check the connection, then try again.";
/** What a person reads when the server did not answer within the caller's `timeoutMs` (it may still act on it). */
export const NO_ANSWER = "The server did not answer in time.";
/** What a person reads when an answer came but was no JSON (a proxy's own error page, say). */
export const UNREADABLE = "The server's answer could not be read: try again.";

/** The request, or the reading of its answer, failed: no sentence of the server's to show. */
function notAnswered(error: unknown) {
  const sentence = error instanceof DOMException && error.name === "TimeoutError" ? NO_ANSWER : error instanceof SyntaxError ? UNREADABLE : UNREACHABLE;
  return new ApiClientError(0, { error: sentence });
}

/**
 * `keepalive`: the request outlives the page (a link that navigates away). `timeoutMs`: no answer by then
 * fails it (NO_ANSWER), for a caller that must not wait on one request for ever.
 */
export async function apiFetch<T>(path: string, init: { method?: string; body?: unknown; keepalive?: boolean; timeoutMs?: number } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? "GET",
    keepalive: init.keepalive,
    signal: init.timeoutMs === undefined ? undefined : AbortSignal.timeout(init.timeoutMs),
    headers: init.body === undefined ? undefined : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    cache: "no-store",
  }).catch((error: unknown) => {
    throw notAnswered(error);
  });
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch((error: unknown) => {
    // An answer cut off, timed out or unreadable is no answer; an error's unreadable body still has its status.
    if (res.ok) throw notAnswered(error);
    return { error: `The server answered ${res.status}.` };
  });
  if (!res.ok) throw new ApiClientError(res.status, json as ApiErrorBody);
  return json as T;
}
