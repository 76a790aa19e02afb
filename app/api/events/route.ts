// The live stream: GET /api/events (wire format in API.md, "The stream").
import { apiHandler } from "@/lib/api/handler";
import { config } from "@/lib/config";
import { tooMany } from "@/lib/errors";
import { getStores } from "@/lib/store";
import { getHub } from "@/lib/stream";
import { SSE_HEADERS } from "@/lib/stream/encode";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
// The platform's function limit; the stream says `reconnect` shortly before it (SSE_MAX_DURATION_S).
export const maxDuration = 300;

/** How long a stream slot may outlive a stream whose instance died without releasing it. */
const SLOT_GRACE_MS = 60_000;

export const GET = apiHandler({}, async ({ req, user, auth }) => {
  const { maxConnectionsPerUser, rateConnectPerMin, instanceId, maxDurationMs } = config();
  const hub = getHub();
  const store = getStores();
  // One round trip: the per-user stream limit (exact over every instance),
  // the connect rate limit and the user's follows.
  const slotId = crypto.randomUUID();
  const admission = await store.presence.admitStream({
    userId: user.id,
    slotId,
    instanceId,
    maxStreams: maxConnectionsPerUser,
    opensPerMinute: rateConnectPerMin,
    maxStreamMs: maxDurationMs + SLOT_GRACE_MS,
    instanceTtlMs: hub.presenceTtlMs,
  });
  if (!admission.ok) {
    throw admission.refused === "streams"
      ? tooMany(admission.retryAfterS, `devices connected (at most ${maxConnectionsPerUser} per user): close one`)
      : tooMany(admission.retryAfterS, "stream connections");
  }
  const lastEventId = req.headers.get("last-event-id") ?? req.nextUrl.searchParams.get("lastEventId");
  const stream = hub.open({
    userId: user.id,
    following: admission.following,
    slotId,
    credential:
      auth.via === "token"
        ? { kind: "token", tokenId: auth.tokenId }
        : { kind: "session", sessionId: auth.sessionId, expiresAt: auth.expiresAt },
    lastEventId,
    signal: req.signal,
  });
  return new Response(stream, { headers: SSE_HEADERS });
});
