// What the notification routes do: publish, list a user's history with read
// state, mark read. Audience checks go through lib/audience.ts only.
import "server-only";
import { isAddressedTo, type Recipient } from "./audience";
import type { SessionUser } from "./auth/users";
import { normalizeEmail, userIdFor } from "./auth/users";
import { config } from "./config";
import { ApiError, tooMany } from "./errors";
import { compareIds } from "./ids";
import type { PublishInput } from "./schemas";
import { getStore } from "./store";
import { presenceKey, type ReadState } from "./store/types";
import { getHub } from "./stream";
import type { Audience, NotificationPage, PublishResult, UnreadCount } from "./types";

const SCAN_PAGE = 200;

export async function publishNotification(sender: SessionUser, input: PublishInput, limitKey: string): Promise<PublishResult> {
  const { deploymentProblem } = config();
  if (deploymentProblem) throw new ApiError(503, deploymentProblem);
  const store = getStore();
  const limit = await store.rateLimit(`publish:${limitKey}`, config().ratePublishPerMin, 60);
  if (!limit.ok) throw tooMany(limit.retryAfterS, "notifications sent");
  const audience = resolveAudience(input.audience);
  const notification = await store.publish({
    title: input.title,
    body: input.body,
    severity: input.severity,
    ...(input.link ? { link: input.link } : {}),
    audience,
    sender: { id: sender.id, name: sender.name },
  });
  return { ...notification, connectedRecipients: await connectedRecipients(audience) };
}

/** An email in a user audience becomes that user's id. */
function resolveAudience(audience: PublishInput["audience"]): Audience {
  if (audience.kind !== "user" || !audience.userId.includes("@")) return audience;
  return { kind: "user", userId: userIdFor(normalizeEmail(audience.userId)) };
}

async function connectedRecipients(audience: Audience): Promise<number> {
  const key =
    audience.kind === "all" ? presenceKey.all : audience.kind === "user" ? presenceKey.user(audience.userId) : presenceKey.channel(audience.channel);
  const hub = getHub();
  return hub.localCount(key) + (await getStore().countElsewhere(key, config().instanceId));
}

async function recipientOf(user: SessionUser): Promise<Recipient> {
  return { userId: user.id, following: new Set(await getStore().getFollowing(user.id)) };
}

function isRead(id: string, state: ReadState) {
  return (state.watermark !== null && compareIds(id, state.watermark) <= 0) || state.readIds.has(id);
}

export async function listHistory(
  user: SessionUser,
  query: { cursor?: string; limit: number; unread: boolean },
): Promise<NotificationPage> {
  const store = getStore();
  const [recipient, state] = await Promise.all([recipientOf(user), store.getReadState(user.id)]);
  const items: NotificationPage["items"] = [];
  let before = query.cursor ?? null;
  let scanned = 0;
  while (items.length < query.limit && scanned < config().historyMax) {
    const page = await store.eventsBefore(before, SCAN_PAGE);
    scanned += page.length;
    for (const n of page) {
      if (!isAddressedTo(n.audience, recipient)) continue;
      const read = isRead(n.id, state);
      if (query.unread && read) continue;
      items.push({ ...n, read });
      if (items.length === query.limit) break;
    }
    if (page.length < SCAN_PAGE) break;
    before = page[page.length - 1]!.id;
  }
  return {
    items,
    ...(await countUnread(recipient, state)),
    // A full page may have more behind it; the next call answers an empty page if not.
    nextCursor: items.length === query.limit ? items[items.length - 1]!.id : null,
  };
}

/**
 * The unread count, and the newest notification it accounts for: a client
 * adds the unread ones it holds that are newer, whatever order the count and
 * live events reach it in.
 */
async function countUnread(recipient: Recipient, state: ReadState): Promise<UnreadCount> {
  const store = getStore();
  let unreadCount = 0;
  let after = state.watermark ?? "0-0";
  for (let scanned = 0; scanned < config().historyMax; ) {
    const { events } = await store.eventsAfter(after, SCAN_PAGE);
    scanned += events.length;
    for (const n of events) if (isAddressedTo(n.audience, recipient) && !state.readIds.has(n.id)) unreadCount++;
    if (events.length) after = events[events.length - 1]!.id;
    if (events.length < SCAN_PAGE) break;
  }
  return { unreadCount, unreadAsOf: after === "0-0" ? null : after };
}

export async function unreadCountFor(user: SessionUser) {
  const store = getStore();
  const [recipient, state] = await Promise.all([recipientOf(user), store.getReadState(user.id)]);
  return countUnread(recipient, state);
}

/**
 * Marks read and tells the user's other tabs and devices through a `read`
 * event. Only ids that are stored and addressed to the user are kept, so a
 * client cannot fill the store with made-up ids; answers the ids it marked.
 */
export async function markRead(user: SessionUser, request: { ids: string[] } | { all: true }) {
  const store = getStore();
  const limit = await store.rateLimit(`read:${user.id}`, config().rateReadPerMin, 60);
  if (!limit.ok) throw tooMany(limit.retryAfterS, "mark-read requests");
  let ids: string[] | undefined;
  let upTo: string | null = null;
  if ("all" in request) {
    upTo = await store.latestId();
    if (upTo) await store.markAllRead(user.id, upTo);
  } else {
    const recipient = await recipientOf(user);
    ids = (await store.eventsByIds(request.ids)).filter((n) => isAddressedTo(n.audience, recipient)).map((n) => n.id);
    if (ids.length) await store.markRead(user.id, ids);
  }
  const count = await unreadCountFor(user);
  if (!ids) await store.publishRead(user.id, { all: true, upTo, ...count });
  else if (ids.length) await store.publishRead(user.id, { ids, ...count });
  return { ...count, ...(ids ? { ids } : {}) };
}
