// POST /api/notifications/snooze: { ids, until } with an ISO time (at most a
// year ahead), or until null to bring them back now. Answers the counts and
// the ids it snoozed.
import { apiHandler } from "@/lib/api/handler";
import { snooze } from "@/lib/notifications/inbox";
import { snoozeSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ body: snoozeSchema, ownBudget: true }, async ({ user, body }) => {
  return Response.json(await snooze(user, body));
});
