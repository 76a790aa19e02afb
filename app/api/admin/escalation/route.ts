// GET /api/admin/escalation: the default escalation delay per severity, in
// seconds (absent: alerts of it do not escalate unless their sender says).
// PUT: the same as durations ("5m") or null.
import { apiHandler } from "@/lib/api/handler";
import { escalationDefaults, setEscalationDefaults } from "@/lib/notifications/escalation/defaults";
import { escalationDefaultsSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ role: "admin" }, async () => Response.json({ defaults: await escalationDefaults() }));

export const PUT = apiHandler({ role: "admin", body: escalationDefaultsSchema }, async ({ body }) => Response.json({ defaults: await setEscalationDefaults(body) }));
