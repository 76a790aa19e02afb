// POST /api/admin/alerts/<id>/resolve: publishes the alert again as resolved, replacing the firing one.
import { apiHandler } from "@/lib/api/handler";
import { ApiError } from "@/lib/server/errors";
import { isNotificationId } from "@/lib/shared/ids";
import { resolveAlert } from "@/lib/notifications/resolve-alert";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ role: "admin" }, async ({ user, params }) => {
  if (!isNotificationId(params.id ?? "")) throw new ApiError(400, "Not a notification id.", { field: "id" });
  return Response.json(await resolveAlert(user, params.id!), { status: 201 });
});
