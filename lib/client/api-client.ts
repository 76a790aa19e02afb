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

/** `keepalive`: the request outlives the page (a link that navigates away). */
export async function apiFetch<T>(path: string, init: { method?: string; body?: unknown; keepalive?: boolean } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? "GET",
    keepalive: init.keepalive,
    headers: init.body === undefined ? undefined : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    cache: "no-store",
  }).catch(() => {
    throw new ApiClientError(0, { error: UNREACHABLE });
  });
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
  if (!res.ok) throw new ApiClientError(res.status, json as ApiErrorBody);
  return json as T;
}
