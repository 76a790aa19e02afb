// The channel catalog and what a person follows: the list, a person's
// follows changed, and the one check that a name is a channel.
import "server-only";
import { ApiError } from "../server/errors";
import type { ChannelsResponse, SessionUser } from "../shared/types";
import { getStores } from "../store";
import { instanceStreams } from "../stream";

export async function channelsOf(user: SessionUser): Promise<ChannelsResponse> {
  const store = getStores();
  const [channels, following] = await Promise.all([store.directory.listChannels(), store.directory.getFollowing(user.id)]);
  return { channels, following };
}

/** Refuses (400, on `field`) the first name that is neither a channel nor one of `alsoKnown`: a misspelt name would do nothing and look as if it did. */
export async function checkChannelsExist(names: string[], field: string, alsoKnown: string[] = []) {
  const known = new Set([...alsoKnown, ...(await getStores().directory.listChannels()).map((c) => c.name)]);
  const unknown = names.find((name) => !known.has(name));
  if (unknown) throw new ApiError(400, `There is no channel named "${unknown}".`, { field });
}

/** Replaces the channels the person follows. */
export async function setFollowing(user: SessionUser, names: string[]): Promise<ChannelsResponse> {
  await checkChannelsExist(names, "following");
  const following = [...new Set(names)];
  await getStores().directory.setFollowing(user.id, following);
  // Known here at once: this person's next request must not wait for the bus to bring it back.
  instanceStreams().learnFollowing(user.id, following, Date.now());
  return channelsOf(user);
}
