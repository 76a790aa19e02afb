// GET /api/health: 200 when the store answers and the bus is heard, 503 naming the failing part.
import { privateAnswer } from "@/lib/api/handler";
import { config } from "@/lib/server/config";
import { isShuttingDown } from "@/lib/server/shutdown";
import { getStores } from "@/lib/store";
import { busState } from "@/lib/stream";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET() {
  return privateAnswer(await health());
}

async function health(): Promise<Response> {
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
    console.error(`[health] the ${mode} store is unreachable: ${(error as Error).message}`);
    return Response.json({ ok: false, mode, error: "The notification store is unreachable.", failing: "store" }, { status: 503 });
  }
}
