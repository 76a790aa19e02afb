// GET /api/health/ready (a readiness probe), as /api/health: 200 when the store answers and the bus is heard, 503 naming the failing part (lib/stream/readiness.ts).
import { privateAnswer } from "@/lib/api/handler";
import { readiness } from "@/lib/stream/readiness";
import { startEscalationPolling } from "@/lib/notifications/escalation/runner";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET() {
  // The probe reaches every instance an orchestrator runs: each polls for the escalation steps of one that stopped.
  startEscalationPolling();
  return privateAnswer(await readiness());
}
