// @upstash/realtime's route handler, mounted as its docs show (GET /api/realtime?channel=default streams SSE).
import { handle } from "@upstash/realtime";
import { realtime } from "../../realtime";

export const dynamic = "force-dynamic";
export const maxDuration = 300;
export const GET = handle({ realtime });
