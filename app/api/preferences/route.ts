// What the signed-in person mutes (docs/api.md, "Quiet when you want").
import { apiHandler } from "@/lib/api/handler";
import { ApiError } from "@/lib/errors";
import { preferencesOf, setPreferences } from "@/lib/inbox";
import { EVERYONE } from "@/lib/preferences";
import { preferencesSchema } from "@/lib/schemas";
import { getStores } from "@/lib/store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({}, async ({ user }) => Response.json(await preferencesOf(user)));

export const PUT = apiHandler({ body: preferencesSchema }, async ({ user, body }) => {
  // A misspelt channel would mute nothing and look as if it did.
  const known = new Set([EVERYONE, ...(await getStores().directory.listChannels()).map((c) => c.name)]);
  const unknown = body.mutedChannels.find((name) => !known.has(name));
  if (unknown) throw new ApiError(400, `There is no channel named "${unknown}".`, { field: "mutedChannels" });
  return Response.json(await setPreferences(user, body));
});
