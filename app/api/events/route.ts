// The live stream: GET /api/events (wire format in docs/api.md, "The stream").
import { apiHandler } from "@/lib/api/handler";
import { openStream } from "@/lib/stream/open-stream";
import { startEscalationPolling } from "@/lib/notifications/escalation/runner";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
// The platform's function limit; the stream says `reconnect` shortly before it (SSE_MAX_DURATION_S).
// A literal, as Next requires: it equals EVENTS_ROUTE_MAX_DURATION_S (a test checks; docs/deploy-vercel.md says how to change both).
export const maxDuration = 300;

// The admission asks whether the session was signed out and takes from the connect budget: opening a stream costs one billed command.
// An instance that serves streams also runs the escalation steps another planned and could not run (it stopped).
export const GET = apiHandler({ signOutCheckedByRoute: true, tokenScope: "read", ownBudget: true }, (ctx) => {
  startEscalationPolling();
  return openStream(ctx);
});
