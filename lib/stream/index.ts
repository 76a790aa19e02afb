// The instance's hub, created once per process on first use.
import "server-only";
import { forgetSignedOutSession, hearSignOutsSince } from "../auth/request";
import { config } from "../server/config";
import { metrics } from "../server/metrics";
import { onShutdown } from "../server/shutdown";
import { getStores } from "../store";
import { Hub } from "./hub";
import { STREAM_SLOT_GRACE_MS } from "./hub-options";

const HUB_KEY = Symbol.for("notifications.hub");
/** Of Vercel's 500 ms between SIGTERM and the end. */
const VERCEL_STORE_CLEANUP_MS = 200;
type WithHub = typeof globalThis & { [HUB_KEY]?: Hub };

export function getHub(): Hub {
  const g = globalThis as WithHub;
  if (!g[HUB_KEY]) {
    const c = config();
    g[HUB_KEY] = new Hub(getStores(), {
      instanceId: c.instanceId,
      heartbeatMs: c.heartbeatMs,
      maxDurationMs: c.maxDurationMs,
      retryMs: c.retryMs,
      queueMaxBytes: c.streamQueueMaxBytes,
      onSessionRevoked: forgetSignedOutSession,
      maxStreamsPerUser: c.maxConnectionsPerUser,
      slotTtlMs: c.maxDurationMs + STREAM_SLOT_GRACE_MS,
      // Vercel ends an instance 500 ms after SIGTERM: the streams hear `reconnect` first, and what the store
      // does not free in time goes with its TTL (a browser's next stream replaces its slot).
      ...(c.onVercel ? { storeCleanupMs: VERCEL_STORE_CLEANUP_MS } : {}),
    });
    const hub = g[HUB_KEY];
    hearSignOutsSince(() => hub.liveSince());
    onShutdown(() => hub.shutdown());
    metrics().sampleHub(() => ({
      openStreams: hub.resources().connections,
      deliveries: hub.totals.delivered,
      busLive: hub.busState() === "not live" ? 0 : 1,
      busBreaks: hub.storeStatus.breaks,
      slowClientCuts: hub.totals.slowClientCuts,
    }));
  }
  return g[HUB_KEY];
}

/** Whether this instance hears the bus (health): idle with no stream open here, live, or not live. */
export function busState() {
  return getHub().busState();
}

/** What the notification use cases ask of this instance's streams: local counts, and the follows it knows for sure. */
export function instanceStreams(): Pick<Hub, "localCount" | "knownFollowing" | "learnFollowing"> {
  return getHub();
}
