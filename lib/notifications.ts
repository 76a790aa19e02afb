// What the notification routes do: publish, and list a user's history with
// its inbox state and counts. Audience checks go through lib/audience.ts only;
// changes to the inbox (read, seen, archived) live in lib/inbox.ts.
import "server-only";
import { audienceKeysOf, collapseScope, isAddressedTo, type Recipient } from "./audience";
import type { SessionUser } from "./auth/users";
import { normalizeEmail, userIdFor } from "./auth/users";
import { config } from "./config";
import { ApiError, tooMany } from "./errors";
import { compareIds } from "./ids";
import type { PublishInput } from "./schemas";
import { getStores } from "./store";
import { presenceKey } from "./store/presence/types";
import type { InboxState } from "./store/inbox/types";
import { getHub } from "./stream";
import { isExpired } from "./lifecycle";
import type { Audience, InboxCounts, Integration, Notification, NotificationPage, NotificationWithRead, PublishResult, Sender } from "./types";

const SCAN_PAGE = 200;
/** Counts stop here: a badge shows "99+" from 100 on (docs/api.md). */
export const COUNT_CAP = 100;
/** Counting looks at no more than this many of a person's notifications past their read mark. */
const COUNT_SCAN_MAX = 2_000;

/** Who sent a publish and how: the budget it counts against, the token and the integration it came through. */
export interface PublishOrigin {
  limitKey: string;
  tokenName?: string;
  via?: Integration;
}

export async function publishNotification(sender: SessionUser | Sender, input: PublishInput, origin: PublishOrigin): Promise<PublishResult> {
  return (await publishNotifications(sender, [input], origin))[0]!;
}

/**
 * Publishes each in order. The whole batch is taken from the sender's
 * publish budget at once: a webhook's payload is sent whole or not at all
 * (429), so its retry never sends half of it twice.
 */
export async function publishNotifications(sender: SessionUser | Sender, inputs: PublishInput[], origin: PublishOrigin): Promise<PublishResult[]> {
  const { deploymentProblem } = config();
  if (deploymentProblem) throw new ApiError(503, deploymentProblem);
  const store = getStores();
  if (!inputs.length) return [];
  const limit = await store.limits.rateLimit(`publish:${origin.limitKey}`, config().ratePublishPerMin, 60, inputs.length);
  if (!limit.ok) throw tooMany(limit.retryAfterS, "notifications sent");
  const from: Sender = {
    id: sender.id,
    name: sender.name,
    ...(origin.tokenName !== undefined ? { token: origin.tokenName } : {}),
    ...(origin.via !== undefined ? { via: origin.via } : {}),
  };
  const published: PublishResult[] = [];
  for (const input of inputs) published.push(await publishOne(from, input));
  return published;
}

async function publishOne(sender: Sender, input: PublishInput): Promise<PublishResult> {
  const audience = resolveAudience(input.audience);
  // Counted as it goes out, so the funnel's first stage costs no round trip of its own.
  const connected = await connectedRecipients(audience);
  const notification = await getStores().log.publish(
    {
      title: input.title,
      body: input.body,
      severity: input.severity,
      ...(input.link ? { link: input.link } : {}),
      audience,
      sender,
      ...(input.collapseKey ? { collapseKey: input.collapseKey } : {}),
      ...(input.status ? { status: input.status } : {}),
      ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
    },
    connected,
  );
  return { ...notification, connectedRecipients: connected };
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
  return hub.localCount(key) + (await getStores().presence.countElsewhere(key, config().instanceId));
}

export async function recipientOf(user: SessionUser): Promise<Recipient> {
  return { userId: user.id, following: new Set(await getStores().directory.getFollowing(user.id)) };
}

/** The notifications among `ids` that are stored and addressed to the user (a client cannot name others'). */
export async function storedAndAddressed(user: SessionUser, ids: string[]): Promise<Notification[]> {
  const [recipient, found] = await Promise.all([recipientOf(user), getStores().log.eventsByIds(ids)]);
  return found.filter((n) => isAddressedTo(n.audience, recipient));
}

function isRead(id: string, state: InboxState) {
  return (state.watermark !== null && compareIds(id, state.watermark) <= 0) || state.readIds.has(id);
}

function isArchived(id: string, state: InboxState) {
  return (state.archivedUpTo !== null && compareIds(id, state.archivedUpTo) <= 0) || state.archivedIds.has(id);
}

function isSeen(id: string, state: InboxState) {
  return (state.seenUpTo !== null && compareIds(id, state.seenUpTo) <= 0) || isRead(id, state);
}

function inboxItem(n: Notification, state: InboxState): NotificationWithRead {
  return { ...n, read: isRead(n.id, state), seen: isSeen(n.id, state), archived: isArchived(n.id, state) };
}

/** The notifications on a page that a newer one with the same collapse key replaced. */
async function supersededIn(page: Notification[]): Promise<Set<string>> {
  const scopes = [...new Set(page.flatMap((n) => collapseScope(n) ?? []))];
  if (!scopes.length) return new Set();
  const latest = await getStores().log.latestInCollapseScopes(scopes);
  return new Set(page.filter((n) => latest.has(collapseScope(n) ?? "") && latest.get(collapseScope(n)!) !== n.id).map((n) => n.id));
}

export async function listHistory(
  user: SessionUser,
  query: { cursor?: string; limit: number; unread: boolean; archived: boolean },
): Promise<NotificationPage> {
  const store = getStores();
  const [recipient, state] = await Promise.all([recipientOf(user), store.inbox.getInboxState(user.id)]);
  const audiences = audienceKeysOf(recipient);
  const items: NotificationPage["items"] = [];
  const now = Date.now();
  let before = query.cursor ?? null;
  // A page's worth first (the usual newest page costs that); more per read only when filters leave it short.
  let count = query.limit;
  for (let scanned = 0; items.length < query.limit && scanned < config().historyMax; ) {
    const page = await store.log.eventsForAudiences(audiences, { before, after: null }, count);
    scanned += page.length;
    const mine = page.filter((n) => isAddressedTo(n.audience, recipient));
    const superseded = await supersededIn(mine);
    for (const n of mine) {
      if (superseded.has(n.id) || isExpired(n, now)) continue;
      const item = inboxItem(n, state);
      if (item.archived !== query.archived || (query.unread && item.read)) continue;
      items.push(item);
      if (items.length === query.limit) break;
    }
    if (page.length < count) break;
    before = page[page.length - 1]!.id;
    count = Math.min(count * 2, SCAN_PAGE);
  }
  return {
    items,
    ...(await countInbox(recipient, state)).counts,
    // A full page may have more behind it; the next call answers an empty page if not.
    nextCursor: items.length === query.limit ? items[items.length - 1]!.id : null,
  };
}

/**
 * The unread and unseen counts, and the newest notification they account
 * for: a client adds the ones it holds that are newer, whatever order the
 * counts and live events reach it in. Archived, expired and replaced
 * (collapsed) notifications count in neither. Read newest first from the
 * person's audience indexes, back to their read mark, and bounded: counts
 * stop at COUNT_CAP (the badge shows "99+"), and at most COUNT_SCAN_MAX
 * notifications past the read mark are looked at, so a person who never
 * reads costs what one who does costs. Also answers the unread ids found (for
 * the funnel when all are marked read).
 */
export async function countInbox(
  recipient: Recipient,
  state: InboxState,
): Promise<{ counts: InboxCounts; unreadIds: string[]; newestMine: string | null }> {
  const store = getStores();
  const audiences = audienceKeysOf(recipient);
  const unreadIds: string[] = [];
  let unseenCount = 0;
  // Newest first, the first of a collapse scope is the one that replaced the rest.
  const scopesSeen = new Set<string>();
  // The newest one addressed to this person: counts say "as of" in the person's own terms, never the log's
  // newest id, which would tell a member when anything was last sent to anyone.
  let newestMine: string | null = null;
  const now = Date.now();
  let before: string | null = null;
  let count = COUNT_CAP;
  for (let scanned = 0; unreadIds.length < COUNT_CAP && scanned < COUNT_SCAN_MAX; ) {
    const page = await store.log.eventsForAudiences(audiences, { before, after: state.watermark }, count);
    scanned += page.length;
    for (const n of page) {
      if (!isAddressedTo(n.audience, recipient)) continue;
      newestMine ??= n.id;
      const scope = collapseScope(n);
      if (scope) {
        if (scopesSeen.has(scope)) continue;
        scopesSeen.add(scope);
      }
      if (isRead(n.id, state) || isArchived(n.id, state) || isExpired(n, now)) continue;
      unreadIds.push(n.id);
      if (!isSeen(n.id, state)) unseenCount++;
      if (unreadIds.length === COUNT_CAP) break;
    }
    if (page.length < count) break;
    before = page[page.length - 1]!.id;
    count = SCAN_PAGE;
  }
  return {
    // Nothing of theirs since their read mark (or ever): the counts account for everything until now, and a
    // client holding notifications of an earlier history (a restarted embedded store) must not count or keep them.
    counts: {
      unreadCount: unreadIds.length,
      unseenCount,
      unreadAsOf: newestMine ?? state.watermark ?? `${Date.now() - 1}-0`,
      version: state.version,
    },
    unreadIds,
    newestMine: newestMine ?? state.watermark,
  };
}
