// GET /api/health/live (a liveness probe): 200 while the process answers, whatever its store does.
import { privateAnswer } from "@/lib/api/handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET() {
  return privateAnswer(Response.json({ ok: true }));
}
