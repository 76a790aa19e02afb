// GET /api/push: the person's Web Push settings (the key to subscribe with,
// the severities that push, the endpoints of their subscribed devices).
// PUT /api/push { severities }: which severities push to their devices.
import { apiHandler } from "@/lib/api/handler";
import { choosePushSeverities, pushSettings } from "@/lib/notifications/push/devices";
import { pushSeveritiesSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ sessionOnly: true }, async ({ user }) => Response.json(await pushSettings(user)));

export const PUT = apiHandler({ sessionOnly: true, body: pushSeveritiesSchema }, async ({ user, body }) => Response.json(await choosePushSeverities(user, body.severities)));
