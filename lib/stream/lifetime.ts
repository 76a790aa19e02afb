// When a stream rotates: each lives a little less than the platform's limit,
// spread so that streams opened together do not all come back together.
import type { StreamCredential } from "./connection";

/** "Shortly before" the platform limit: 5 s, or a tenth of short limits. */
function reconnectMargin(maxDurationMs: number) {
  return Math.min(5_000, Math.floor(maxDurationMs / 10));
}

/**
 * How long one stream lives: uniformly over the last fifth of the platform
 * limit, ending the reconnect margin before it. Streams opened together
 * (after a deploy or a restart) then rotate spread out, not all at once
 * every SSE_MAX_DURATION_S for ever.
 */
export function streamLifetimeMs(maxDurationMs: number, random = Math.random()) {
  const latest = maxDurationMs - reconnectMargin(maxDurationMs);
  return Math.max(1, Math.round(latest - random * (maxDurationMs / 5)));
}

/** When a stream rotates: its spread lifetime, or its session's expiry if that comes first. */
export function streamDeadline(maxDurationMs: number, credential: StreamCredential | null) {
  const deadline = Date.now() + streamLifetimeMs(maxDurationMs);
  return credential?.kind === "session" ? Math.min(deadline, credential.expiresAt) : deadline;
}

/** How often the hub looks at deadlines and heartbeats: often enough for both, at most once a second. */
export function tickIntervalMs(heartbeatMs: number, maxDurationMs: number) {
  return Math.max(10, Math.min(1_000, heartbeatMs, reconnectMargin(maxDurationMs)));
}
