// POST /api/admin/diagnostics: break this instance on purpose, to watch the
// dashboards recover with nothing lost. Admins only; in production only with
// DIAGNOSTICS=1 (404 otherwise, as if the route did not exist).
import { apiHandler } from "@/lib/api/handler";
import { config } from "@/lib/config";
import { notFound } from "@/lib/errors";
import { diagnosticsSchema } from "@/lib/schemas";
import { getHub } from "@/lib/stream";
import type { DiagnosticsResult } from "@/lib/types";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ role: "admin", body: diagnosticsSchema }, async ({ body }) => {
  const { diagnostics, instanceId } = config();
  if (!diagnostics) throw notFound("Diagnostics (set DIAGNOSTICS=1 to turn them on)");
  const hub = getHub();
  let result: DiagnosticsResult;
  switch (body.action) {
    case "end-streams":
      result = { instance: instanceId, action: body.action, streams: hub.endAllStreams() };
      break;
    case "rotate-streams":
      result = { instance: instanceId, action: body.action, streams: hub.rotateAllStreams() };
      break;
    case "pause-bus":
      result = { instance: instanceId, action: body.action, paused: hub.pauseBus(body.seconds * 1000), seconds: body.seconds };
      break;
    case "collect-garbage": {
      // What the instance really retains (RSS and a live heap include garbage not yet collected): for leak checks.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      result = { instance: instanceId, action: body.action, heapUsedBytes: gc ? process.memoryUsage().heapUsed : null };
      break;
    }
  }
  return Response.json(result);
});
