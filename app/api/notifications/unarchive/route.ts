// POST /api/notifications/unarchive: { ids }; moves them back to the inbox
// (also the Undo of "archive read", with the ids it answered). Answers the
// counts and the ids it moved.
import { apiHandler } from "@/lib/api/handler";
import { unarchive } from "@/lib/notifications/inbox";
import { someIdsSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ body: someIdsSchema, ownBudget: true }, async ({ user, body }) => {
  return Response.json(await unarchive(user, body));
});
