// GET /api/admin/alerts?cursor=: every alert, newest first, whoever sent it, with its funnel.
import { apiHandler, parseQuery } from "@/lib/api/handler";
import { alertsPage } from "@/lib/notifications/funnel";
import { alertsQuerySchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ role: "admin" }, async ({ req }) => {
  return Response.json(await alertsPage(parseQuery(alertsQuerySchema, req).cursor ?? null));
});
