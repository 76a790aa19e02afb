// POST /api/notifications/seen: { upTo } (the newest id shown when the bell's
// menu opened); answers the counts. The badge counts unseen ones.
import { apiHandler } from "@/lib/api/handler";
import { markSeen } from "@/lib/notifications/inbox";
import { markSeenSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ body: markSeenSchema, ownBudget: true }, async ({ user, body }) => {
  return Response.json(await markSeen(user, body.upTo));
});
