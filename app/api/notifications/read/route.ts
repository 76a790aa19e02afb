// POST /api/notifications/read: { ids } or { all: true }; answers the counts
// (and, for ids, those it marked: stored and addressed to this user).
import { apiHandler } from "@/lib/api/handler";
import { markRead } from "@/lib/notifications/inbox";
import { markReadSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ body: markReadSchema, ownBudget: true }, async ({ user, body }) => {
  return Response.json(await markRead(user, body));
});
