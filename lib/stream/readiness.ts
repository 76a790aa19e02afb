// Whether this instance can serve: not shutting down, settings that work,
// the store answering and the bus heard; else 503 naming the failing part.
// /api/health and /api/health/ready answer it; /api/health/live only says the
// process answers (for an orchestrator's liveness probe: a store outage must
// not get every instance restarted).
import "server-only";
import { config } from "../server/config";
import { isShuttingDown } from "../server/shutdown";
import { getStores } from "../store";
import { busState } from "./index";
import { log } from "../server/log";

export async function readiness(): Promise<Response> {
  if (isShuttingDown()) return Response.json({ ok: false, error: "shutting down" }, { status: 503, headers: { Connection: "close" } });
  const { mode, deploymentProblem, upstashSettings } = config();
  if (deploymentProblem) return Response.json({ ok: false, mode, error: deploymentProblem, failing: "settings" }, { status: 503 });
  try {
    await getStores().ping();
    // Streams are open here but the bus is not heard (subscribing again, or silent lately): live events may be late.
    if (busState() === "not live") {
      return Response.json({ ok: false, mode, error: "This instance does not hear the bus right now: live events may be late.", failing: "bus" }, { status: 503 });
    }
    return Response.json(upstashSettings ? { ok: true, mode, settings: upstashSettings } : { ok: true, mode });
  } catch (error) {
    log().error({ component: "health" }, `the ${mode} store is unreachable: ${(error as Error).message}`);
    return Response.json({ ok: false, mode, error: "The notification store is unreachable.", failing: "store" }, { status: 503 });
  }
}
