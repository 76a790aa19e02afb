// GET /api/admin/stats: open streams over all live instances, published and delivered counts.
import { apiHandler } from "@/lib/api/handler";
import { adminStats } from "@/lib/stream/admin-figures";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ role: "admin" }, async () => Response.json(await adminStats()));
