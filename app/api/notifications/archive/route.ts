// POST /api/notifications/archive: { ids } or { allRead: true }; answers the
// counts (and, for ids, those it archived: stored and addressed to this user).
import { apiHandler } from "@/lib/api/handler";
import { archive } from "@/lib/notifications/inbox";
import { archiveSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ body: archiveSchema, ownBudget: true }, async ({ user, body }) => {
  return Response.json(await archive(user, body));
});
