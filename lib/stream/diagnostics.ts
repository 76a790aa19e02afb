// Breaking this instance on purpose, to watch the dashboards recover with
// nothing lost (POST /api/admin/diagnostics).
import "server-only";
import { config } from "../server/config";
import { notFound } from "../server/errors";
import type { DiagnosticsInput } from "../shared/schemas";
import type { DiagnosticsResult } from "../shared/types";
import { getHub } from ".";
import type { Hub } from "./hub";

/** Off (in production unless DIAGNOSTICS=1): the route answers 404 to anyone, whatever they send. */
export function diagnosticsOff() {
  return config().diagnostics ? null : notFound("Diagnostics (set DIAGNOSTICS=1 to turn them on)");
}

export function runDiagnostics(body: DiagnosticsInput): DiagnosticsResult {
  const { instanceId } = config();
  const hub: Pick<Hub, "endAllStreams" | "rotateAllStreams" | "pauseBus"> = getHub();
  switch (body.action) {
    case "end-streams":
      return { instance: instanceId, action: body.action, streams: hub.endAllStreams() };
    case "rotate-streams":
      return { instance: instanceId, action: body.action, streams: hub.rotateAllStreams() };
    case "pause-bus":
      return { instance: instanceId, action: body.action, paused: hub.pauseBus(body.seconds * 1000), seconds: body.seconds };
    case "collect-garbage": {
      // What the instance really retains (RSS and a live heap include garbage not yet collected): for leak checks.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      return { instance: instanceId, action: body.action, heapUsedBytes: gc ? process.memoryUsage().heapUsed : null };
    }
  }
}
