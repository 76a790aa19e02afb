// What the signed-in person mutes (docs/api.md, "Quiet when you want").
import { apiHandler } from "@/lib/api/handler";
import { preferencesOf, setPreferences } from "@/lib/notifications/inbox";
import { preferencesSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({}, async ({ user }) => Response.json(await preferencesOf(user)));

export const PUT = apiHandler({ body: preferencesSchema, ownBudget: true }, async ({ user, body }) => Response.json(await setPreferences(user, body)));
