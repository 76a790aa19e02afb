// POST /api/admin/diagnostics: break this instance on purpose. Admins only; in
// production only with DIAGNOSTICS=1 (404 otherwise, as if the route did not exist).
import { apiHandler } from "@/lib/api/handler";
import { diagnosticsSchema } from "@/lib/shared/schemas";
import { diagnosticsOff, runDiagnostics } from "@/lib/stream/diagnostics";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ off: diagnosticsOff, role: "admin", body: diagnosticsSchema }, async ({ body }) => Response.json(runDiagnostics(body)));
