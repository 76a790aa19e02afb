// The figures /admin shows: open streams over all live instances, published
// and delivered counts, and what this instance holds for its streams.
import "server-only";
import { config } from "../server/config";
import type { Stats } from "../shared/types";
import { getStores } from "../store";
import { presenceKey } from "../store/presence/types";
import { getHub } from ".";
import type { Hub } from "./hub";

export async function adminStats(): Promise<Stats> {
  const store = getStores();
  const hub: Pick<Hub, "localCount" | "resources" | "totals" | "unreportedDeliveries"> = getHub();
  const { instanceId } = config();
  const [reported, published, delivered] = await Promise.all([
    store.presence.liveInstances(),
    store.log.publishedCount(),
    store.presence.deliveredCount(),
  ]);
  // This instance's own numbers are read live rather than from its last report.
  const instances = [
    { id: instanceId, connections: hub.localCount(presenceKey.all) },
    ...reported.filter((i) => i.id !== instanceId),
  ];
  const memory = process.memoryUsage();
  return {
    connections: { total: instances.reduce((sum, i) => sum + i.connections, 0), instances },
    published,
    // The store's total counts other instances as of their last report (every PRESENCE_INTERVAL_MS); this one's, now.
    delivered: delivered + hub.unreportedDeliveries,
    // What this instance holds for streams: all zero once its last stream has closed.
    thisInstance: {
      id: instanceId,
      ...hub.resources(),
      backlogPeakBytes: hub.totals.backlogPeakBytes,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      storeRoundTrips: store.roundTrips,
      storeCommands: store.commandsSent,
    },
  };
}
