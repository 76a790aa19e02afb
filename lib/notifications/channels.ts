// The channel catalog and what a person follows: the list, a person's
// follows changed, admins' changes to the catalog, and the one check that a
// name is a channel.
import "server-only";
import { ApiError, notFound } from "../server/errors";
import type { Channel, ChannelsResponse, SessionUser } from "../shared/types";
import { getStores } from "../store";
import { instanceStreams } from "../stream";
import { audit } from "../server/log";

export async function channelsOf(user: SessionUser): Promise<ChannelsResponse> {
  const store = getStores();
  const [channels, following] = await Promise.all([store.directory.listChannels(), store.directory.getFollowing(user.id)]);
  const names = new Set(channels.map((c) => c.name));
  // A follow of a channel since deleted is kept (it comes back with the channel) but not shown.
  return { channels, following: following.filter((name) => names.has(name)) };
}

/**
 * The catalog as this instance last read it. A name it does not hold is
 * read again before it is refused (a channel just created elsewhere); a
 * deleted one may pass here for up to KNOWN_FOR_MS: what is sent to it is
 * stored, and reaches its followers, as before the delete.
 */
const KNOWN_FOR_MS = 30_000;
let known: { names: Set<string>; readAt: number } | null = null;

async function catalogNames(fresh: boolean): Promise<Set<string>> {
  if (!fresh && known && Date.now() - known.readAt < KNOWN_FOR_MS) return known.names;
  const readAt = Date.now();
  const names = new Set((await getStores().directory.listChannels()).map((c) => c.name));
  known = { names, readAt };
  return names;
}

/** Refuses (400, on `field`) the first name that is neither a channel nor one of `alsoKnown`, naming the channels there are: a misspelt name would reach nobody and look as if it did. */
export async function checkChannelsExist(names: string[], field: string, alsoKnown: string[] = []) {
  const isKnown = (catalog: Set<string>) => (name: string) => alsoKnown.includes(name) || catalog.has(name);
  let catalog = await catalogNames(false);
  if (names.every(isKnown(catalog))) return;
  catalog = await catalogNames(true);
  const unknown = names.find((name) => !isKnown(catalog)(name));
  if (unknown === undefined) return;
  const channels = [...catalog].sort();
  throw new ApiError(400, `There is no channel named "${unknown}". The channels are: ${channels.join(", ") || "none yet"} (an admin creates them on /admin).`, { field, channels });
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

/** An admin creates a channel or changes it: 201 when created. */
export async function putChannel(admin: SessionUser, channel: Channel): Promise<{ channel: Channel; created: boolean }> {
  const created = (await getStores().directory.putChannel(channel)) === "created";
  known = null;
  audit(created ? "channel-created" : "channel-changed", { user: admin.id, channel: channel.name, followedByDefault: channel.followedByDefault });
  return { channel, created };
}

/** An admin deletes a channel; what was sent to it stays in history. */
export async function deleteChannel(admin: SessionUser, name: string) {
  if (!(await getStores().directory.deleteChannel(name))) throw notFound(`The channel "${name}"`);
  known = null;
  audit("channel-deleted", { user: admin.id, channel: name });
}
