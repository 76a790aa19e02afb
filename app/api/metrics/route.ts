// GET /api/metrics: this instance's metrics in Prometheus's text format
// (lib/server/metrics.ts), for a scraper holding METRICS_TOKEN as a bearer
// token; 404 while METRICS_TOKEN is unset.
import { timingSafeEqual } from "node:crypto";
import type { NextRequest } from "next/server";
import { privateAnswer } from "@/lib/api/handler";
import { config } from "@/lib/server/config";
import { ApiError, errorResponse } from "@/lib/server/errors";
import { metrics } from "@/lib/server/metrics";
import { getHub } from "@/lib/stream";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: NextRequest) {
  try {
    const token = config().metricsToken;
    if (!token) throw new ApiError(404, "Metrics are off here: set METRICS_TOKEN (docs/operations.md).");
    const sent = Buffer.from(req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "");
    const expected = Buffer.from(token);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) throw new ApiError(401, "Send METRICS_TOKEN: Authorization: Bearer <METRICS_TOKEN>.");
    // The hub reports its figures once it exists: a scrape of a fresh instance still lists them (at 0).
    getHub();
    const { registry } = metrics();
    return privateAnswer(new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType } }));
  } catch (error) {
    return privateAnswer(errorResponse(error));
  }
}
