// GET /api/admin/alerts/<id>?cursor=: one alert's funnel and its recipients' states, paged.
import { apiHandler, parseQuery } from "@/lib/api/handler";
import { ApiError } from "@/lib/server/errors";
import { alertDetail } from "@/lib/notifications/funnel";
import { isNotificationId } from "@/lib/shared/ids";
import { alertDetailQuerySchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ role: "admin" }, async ({ req, params }) => {
  if (!isNotificationId(params.id ?? "")) throw new ApiError(400, "Not a notification id.", { field: "id" });
  return Response.json(await alertDetail(params.id!, parseQuery(alertDetailQuerySchema, req).cursor ?? null));
});
