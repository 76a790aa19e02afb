// Opening a browser's live stream (GET /api/events): the admission (the
// sign-out check, the per-user stream limit over every instance, the connect
// budget, the follows and the inbox version, in one round trip) and the
// stream handed to the hub. Wire format: docs/api.md, "The stream".
import "server-only";
import type { NextRequest } from "next/server";
import { fromAnotherSite } from "../api/handler";
import { forgetSignedOutSession, type Authenticated } from "../auth/request";
import type { SessionUser } from "../shared/types";
import { config } from "../server/config";
import { ApiError, tooMany, unauthorized } from "../server/errors";
import { metrics } from "../server/metrics";
import { isClosing } from "../server/shutdown";
import { getStores } from "../store";
import { SSE_HEADERS } from "./encode";
import type { Hub } from "./hub";
import { STREAM_SLOT_GRACE_MS } from "./hub-options";
import { getHub } from ".";

const BROWSER_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Closing the connection sends the client's retry to a new one, and so to a process that is not stopping. */
const SHUTTING_DOWN_HEADERS = { "Retry-After": "1", Connection: "close" };

export async function openStream({ req, user, auth }: { req: NextRequest; user: SessionUser; auth: Authenticated }): Promise<Response> {
  // Opening a stream takes a slot: a page on another site steering a popup or frame here must not (Sec-Fetch-Site is
  // sent by every browser; scripts send none).
  const refuse = (reason: string, error: ApiError) => {
    metrics().refusedAdmissions.inc({ reason });
    return error;
  };
  if (fromAnotherSite(req)) throw refuse("cross-site", new ApiError(403, "Open the live stream from the app's own pages."));
  if (isClosing()) throw refuse("shutting-down", new ApiError(503, "This server is restarting: reconnect to another.", {}, SHUTTING_DOWN_HEADERS));
  const { maxConnectionsPerUser, rateConnectPerMin, instanceId, maxDurationMs } = config();
  const browserId = req.headers.get("x-browser-id") ?? req.nextUrl.searchParams.get("browserId") ?? undefined;
  if (browserId !== undefined && !BROWSER_ID.test(browserId)) {
    throw new ApiError(400, "The browser id must be 1 to 64 letters, digits, '-' or '_'.", { field: "browserId" });
  }
  const hub: Pick<Hub, "liveMark" | "admissionFailed" | "learnFollowing" | "presenceTtlMs" | "open"> = getHub();
  const store = getStores();
  // One round trip: the sign-out check, the per-user stream limit (exact over every instance),
  // the connect rate limit, the user's follows and inbox version. Marked first: what the bus
  // carries from then on (revocations, inbox changes) reaches the stream if the mark still holds.
  const slotId = crypto.randomUUID();
  const sessionId = auth.via === "session" ? auth.sessionId : undefined;
  const admitted = { liveMark: hub.liveMark(), at: Date.now() };
  const admission = await store.presence
    .admitStream({
      userId: user.id,
      slotId,
      browserId,
      instanceId,
      maxStreams: maxConnectionsPerUser,
      opensPerMinute: rateConnectPerMin,
      maxStreamMs: maxDurationMs + STREAM_SLOT_GRACE_MS,
      instanceTtlMs: hub.presenceTtlMs,
      sessionId,
    })
    .catch((error: unknown) => {
      // Its answer may be lost while the script ran (a stalled store): the slot it took must not stay.
      hub.admissionFailed(user.id);
      throw error;
    });
  if (!admission.ok && admission.refused === "signed-out") {
    forgetSignedOutSession(sessionId!);
    throw refuse("signed-out", unauthorized());
  }
  if (!admission.ok) {
    throw admission.refused === "streams"
      ? refuse("streams", tooMany(admission.retryAfterS, `devices connected (at most ${maxConnectionsPerUser} per user): close one`))
      : refuse("rate", tooMany(admission.retryAfterS, "stream connections"));
  }
  hub.learnFollowing(user.id, admission.following, admitted.at);
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
    admitted: { ...admitted, inboxVersion: admission.inboxVersion },
    browserBound: browserId !== undefined,
    moved: admission.replacedOlder,
    seesActivity: user.role === "admin",
  });
  // Connection: close once the stream ends, so the client's next stream opens a new connection: a
  // kept-alive one could lead back to a process that is stopping.
  return new Response(stream, { headers: { ...SSE_HEADERS, Connection: "close" } });
}
