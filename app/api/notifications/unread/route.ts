// POST /api/notifications/unread: { ids }; marks them unread again (also the
// Undo of "mark all read", with the ids it answered). Answers the counts and
// the ids it marked (stored and addressed to this user).
import { apiHandler } from "@/lib/api/handler";
import { markUnread } from "@/lib/notifications/inbox";
import { someIdsSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ body: someIdsSchema, ownBudget: true }, async ({ user, body }) => {
  return Response.json(await markUnread(user, body));
});
