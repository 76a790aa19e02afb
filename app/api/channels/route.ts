// The channel catalog and which channels the signed-in user follows.
import { apiHandler } from "@/lib/api/handler";
import { channelsOf, setFollowing } from "@/lib/notifications/channels";
import { followSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({}, async ({ user }) => Response.json(await channelsOf(user)));

export const PUT = apiHandler({ body: followSchema }, async ({ user, body }) => Response.json(await setFollowing(user, body.following)));
