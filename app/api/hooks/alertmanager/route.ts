// POST: Prometheus Alertmanager's webhook (webhook_config), one notification per alert.
import { alertHookRoute } from "@/lib/integrations/alert-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = alertHookRoute("alertmanager");
