// GET /api/admin/stats: open streams over all live instances, published and delivered counts.
import { apiHandler } from "@/lib/api/handler";
import { config } from "@/lib/config";
import { getStores } from "@/lib/store";
import { presenceKey } from "@/lib/store/presence/types";
import { getHub } from "@/lib/stream";
import type { Stats } from "@/lib/types";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ role: "admin" }, async () => {
  const store = getStores();
  const hub = getHub();
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
  const stats: Stats = {
    connections: { total: instances.reduce((sum, i) => sum + i.connections, 0), instances },
    published,
    delivered,
    // What this instance holds for streams: all zero once its last stream has closed.
    thisInstance: {
      id: instanceId,
      ...hub.resources(),
      backlogPeakBytes: hub.backlogPeakBytes,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      storeRoundTrips: store.roundTrips,
      storeCommands: store.commandsSent,
    },
  };
  return Response.json(stats);
});
