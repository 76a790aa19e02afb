// The channel catalog and which channels the signed-in user follows.
import { apiHandler } from "@/lib/api/handler";
import { ApiError } from "@/lib/errors";
import { followSchema } from "@/lib/schemas";
import { getStores } from "@/lib/store";
import { getHub } from "@/lib/stream";
import type { ChannelsResponse } from "@/lib/types";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function channelsOf(userId: string): Promise<ChannelsResponse> {
  const store = getStores();
  const [channels, following] = await Promise.all([store.directory.listChannels(), store.directory.getFollowing(userId)]);
  return { channels, following };
}

export const GET = apiHandler({}, async ({ user }) => Response.json(await channelsOf(user.id)));

export const PUT = apiHandler({ body: followSchema }, async ({ user, body }) => {
  const store = getStores();
  const known = new Set((await store.directory.listChannels()).map((c) => c.name));
  const unknown = body.following.find((name) => !known.has(name));
  if (unknown) throw new ApiError(400, `There is no channel named "${unknown}".`, { field: "following" });
  const following = [...new Set(body.following)];
  await store.directory.setFollowing(user.id, following);
  // Known here at once: this person's next request must not wait for the bus to bring it back.
  getHub().learnFollowing(user.id, following, Date.now());
  return Response.json(await channelsOf(user.id));
});
