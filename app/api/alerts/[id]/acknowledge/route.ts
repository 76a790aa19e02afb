// POST /api/alerts/<id>/acknowledge: "I'm on it" for a firing error or
// critical alert addressed to the person. Answers the acknowledgement kept
// (the first one, whoever made it) and whether it was theirs.
import { apiHandler } from "@/lib/api/handler";
import { acknowledgeAlert } from "@/lib/notifications/escalation/acknowledge";
import { ApiError } from "@/lib/server/errors";
import { isNotificationId } from "@/lib/shared/ids";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({}, async ({ user, params }) => {
  if (!isNotificationId(params.id ?? "")) throw new ApiError(400, "Not a notification id.", { field: "id" });
  return Response.json(await acknowledgeAlert(user, params.id!));
});
