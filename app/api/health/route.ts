// GET /api/health: 200 when the store answers, 503 naming the failing part.
import { config } from "@/lib/server/config";
import { isShuttingDown } from "@/lib/server/shutdown";
import { getStores } from "@/lib/store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET() {
  if (isShuttingDown()) return Response.json({ ok: false, error: "shutting down" }, { status: 503, headers: { Connection: "close" } });
  const { mode, deploymentProblem, upstashSettings } = config();
  if (deploymentProblem) return Response.json({ ok: false, mode, error: deploymentProblem, failing: "settings" }, { status: 503 });
  try {
    await getStores().ping();
    return Response.json(upstashSettings ? { ok: true, mode, settings: upstashSettings } : { ok: true, mode });
  } catch (error) {
    console.error(`[health] the ${mode} store is unreachable: ${(error as Error).message}`);
    return Response.json({ ok: false, mode, error: "The notification store is unreachable.", failing: "store" }, { status: 503 });
  }
}
