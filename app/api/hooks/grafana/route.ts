// POST: a Grafana webhook contact point, one notification per alert.
import { alertHookRoute } from "@/lib/integrations/alert-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = alertHookRoute("grafana");
