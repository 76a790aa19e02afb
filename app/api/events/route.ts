// The live stream: GET /api/events (wire format in API.md, "The stream").
import { apiHandler } from "@/lib/api/handler";
import { config } from "@/lib/config";
import { tooMany } from "@/lib/errors";
import { getStore } from "@/lib/store";
import { presenceKey } from "@/lib/store/types";
import { getHub } from "@/lib/stream";
import { SSE_HEADERS } from "@/lib/stream/encode";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
// The platform's function limit; the stream says `reconnect` shortly before it (SSE_MAX_DURATION_S).
export const maxDuration = 300;

export const GET = apiHandler({}, async ({ req, user, auth }) => {
  const { maxConnectionsPerUser, rateConnectPerMin, instanceId } = config();
  const hub = getHub();
  const store = getStore();
  const key = presenceKey.user(user.id);
  const local = hub.localCount(key);
  if (local >= maxConnectionsPerUser || local + (await store.countElsewhere(key, instanceId)) >= maxConnectionsPerUser) {
    throw tooMany(10, `open streams (at most ${maxConnectionsPerUser} per user)`);
  }
  const limit = await store.rateLimit(`connect:${user.id}`, rateConnectPerMin, 60);
  if (!limit.ok) throw tooMany(limit.retryAfterS, "stream connections");
  const lastEventId = req.headers.get("last-event-id") ?? req.nextUrl.searchParams.get("lastEventId");
  const stream = await hub.open({ userId: user.id, tokenId: auth.via === "token" ? auth.tokenId : null, lastEventId, signal: req.signal });
  return new Response(stream, { headers: SSE_HEADERS });
});
