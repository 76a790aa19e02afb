// Who a notification reaches and who a person is to an audience: the streams
// connected to an audience, a person's follows, and which stored
// notifications are addressed to them. Audience rules live in
// lib/shared/audience.ts only.
import "server-only";
import { isAddressedTo, type Recipient } from "../shared/audience";
import { isMuted } from "../shared/preferences";
import { config } from "../server/config";
import type { Audience, Notification, SessionUser } from "../shared/types";
import { getStores } from "../store";
import { presenceKey } from "../store/presence/types";
import { instanceStreams } from "../stream";

/** Streams connected to the audience now, over every instance: the funnel's first stage. */
export async function connectedRecipients(audience: Audience): Promise<number> {
  const key =
    audience.kind === "all" ? presenceKey.all : audience.kind === "user" ? presenceKey.user(audience.userId) : presenceKey.channel(audience.channel);
  return instanceStreams().localCount(key) + (await getStores().presence.countElsewhere(key, config().instanceId));
}

/** Who the user is to an audience; the follows come from the hub when its bus says they cannot have changed. */
export async function recipientOf(user: SessionUser): Promise<Recipient> {
  const hub = instanceStreams();
  const known = hub.knownFollowing(user.id);
  if (known) return { userId: user.id, following: new Set(known) };
  const readAt = Date.now();
  const following = await getStores().directory.getFollowing(user.id);
  hub.learnFollowing(user.id, following, readAt);
  return { userId: user.id, following: new Set(following) };
}

/** The notifications among `ids` that are stored and addressed to the user (a client cannot name others'). */
export async function storedAndAddressed(user: SessionUser, ids: string[]): Promise<Notification[]> {
  const [recipient, found] = await Promise.all([recipientOf(user), getStores().log.eventsByIds(ids)]);
  return found.filter((n) => isAddressedTo(n.audience, recipient));
}

/**
 * Of these people, those the notification is addressed to and who did not
 * mute it (critical never is): whom a push or an escalation reaches.
 */
export async function addressedAndUnmuted(n: Notification, userIds: string[]): Promise<string[]> {
  // A command or two however many people (Upstash bills each): their follows only for a channel, their mutes only below critical.
  const addressed = await addressedAmong(n, userIds);
  if (n.severity === "critical" || !addressed.length) return addressed;
  const preferences = await getStores().inbox.preferencesOf(addressed);
  return addressed.filter((userId) => !isMuted(n, preferences.get(userId)!));
}

/** Of these people, those the notification is addressed to (one command for a channel's, none else). */
export async function addressedAmong(n: Notification, userIds: string[]): Promise<string[]> {
  const following = n.audience.kind === "channel" ? await getStores().directory.followingOf(userIds) : new Map<string, string[]>();
  return userIds.filter((userId) => isAddressedTo(n.audience, { userId, following: new Set(following.get(userId)) }));
}
