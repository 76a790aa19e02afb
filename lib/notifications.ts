// What the notification routes do: publish, and list a user's history with
// its inbox state and counts. Audience checks go through lib/audience.ts only;
// changes to the inbox (read, seen, archived) live in lib/inbox.ts.
import "server-only";
import { audienceKey, audienceKeysOf, collapseScope, isAddressedTo, type Recipient } from "./audience";
import type { SessionUser } from "./auth/users";
import { normalizeEmail, userIdFor } from "./auth/users";
import { config } from "./config";
import { ApiError, tooMany } from "./errors";
import { compareIds, idRangeOf } from "./ids";
import { channelNameOf, EVERYONE, isMuted } from "./preferences";
import type { HistoryQuery, PublishInput } from "./schemas";
import { hasWords, wordIndexKey } from "./search-words";
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
/** A filtered page looks at no more than this many candidates; when it stops short, nextCursor says where to go on. */
const LIST_SCAN_MAX = 5_000;

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

/** Who the user is to an audience; the follows come from the hub when its bus says they cannot have changed. */
export async function recipientOf(user: SessionUser): Promise<Recipient> {
  const hub = getHub();
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
  return { ...n, read: isRead(n.id, state), seen: isSeen(n.id, state), archived: isArchived(n.id, state), muted: isMuted(n, state.preferences) };
}

/** The notifications on a page that a newer one with the same collapse key replaced. */
async function supersededIn(page: Notification[]): Promise<Set<string>> {
  const scopes = [...new Set(page.flatMap((n) => collapseScope(n) ?? []))];
  if (!scopes.length) return new Set();
  const latest = await getStores().log.latestInCollapseScopes(scopes);
  return new Set(page.filter((n) => latest.has(collapseScope(n) ?? "") && latest.get(collapseScope(n)!) !== n.id).map((n) => n.id));
}

/**
 * One page of the person's history, newest first, filtered by the query.
 * Reads one index (or a person's few) per page, never the whole log: the
 * person's audiences', or, for a search, the smallest of its words' indexes
 * when that is smaller. Filters that leave pages short read on, up to
 * LIST_SCAN_MAX candidates a request; then the page may be short and
 * nextCursor goes on from where it stopped.
 */
export async function listHistory(user: SessionUser, query: HistoryQuery): Promise<NotificationPage> {
  const store = getStores();
  const [recipient, state] = await Promise.all([recipientOf(user), store.inbox.getInboxState(user.id)]);
  const indexes = await indexesFor(recipient, query);
  const items: NotificationPage["items"] = [];
  const now = Date.now();
  const range = idRangeOf({ since: query.since, until: query.until, before: query.cursor ?? null });
  let before = range.before;
  // A page's worth first (the usual newest page costs that); more per read only when filters leave it short.
  let count = query.limit;
  let stoppedAt: string | null = null;
  for (let scanned = 0; indexes.length && items.length < query.limit; ) {
    if (scanned >= LIST_SCAN_MAX) {
      stoppedAt = before;
      break;
    }
    const page = await store.log.eventsInIndexes(indexes, { before, after: range.after }, count);
    scanned += page.length;
    const mine = page.filter((n) => isAddressedTo(n.audience, recipient));
    const superseded = await supersededIn(mine);
    for (const n of mine) {
      if (superseded.has(n.id) || isExpired(n, now)) continue;
      const item = inboxItem(n, state);
      if (!matches(item, query)) continue;
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
    nextCursor: items.length === query.limit ? items[items.length - 1]!.id : stoppedAt,
    preferences: state.preferences,
  };
}

function matches(item: NotificationWithRead, query: HistoryQuery): boolean {
  return (
    item.archived === query.archived &&
    !(query.unread && item.read) &&
    (query.muted === undefined || item.muted === query.muted) &&
    (query.severity === undefined || item.severity === query.severity) &&
    (query.channel === undefined || channelNameOf(item.audience) === query.channel) &&
    hasWords(item, query.q)
  );
}

/**
 * The indexes a page reads: the person's audiences (only the asked channel's,
 * with a channel filter), or for a search the smallest of its words' indexes
 * when it is smaller than those (one command more, for the sizes). A word no
 * notification holds matches nothing: no index at all.
 */
async function indexesFor(recipient: Recipient, query: HistoryQuery): Promise<string[]> {
  const audiences =
    query.channel === undefined
      ? audienceKeysOf(recipient)
      : query.channel === EVERYONE
        ? ["all"]
        : recipient.following.has(query.channel)
          ? [audienceKey({ kind: "channel", channel: query.channel })]
          : [];
  if (!query.q.length || !audiences.length) return audiences;
  const words = query.q.map(wordIndexKey);
  const sizes = await getStores().log.indexSizes([...words, ...audiences]);
  const wordSizes = sizes.slice(0, words.length);
  const rarest = Math.min(...wordSizes);
  if (rarest === 0) return [];
  const audienceTotal = sizes.slice(words.length).reduce((a, b) => a + b, 0);
  return rarest < audienceTotal ? [words[wordSizes.indexOf(rarest)]!] : audiences;
}

/**
 * The unread and unseen counts, and the newest notification they account
 * for: a client adds the ones it holds that are newer, whatever order the
 * counts and live events reach it in. Archived, expired, muted and replaced
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
    const page = await store.log.eventsInIndexes(audiences, { before, after: state.watermark }, count);
    scanned += page.length;
    for (const n of page) {
      if (!isAddressedTo(n.audience, recipient)) continue;
      newestMine ??= n.id;
      const scope = collapseScope(n);
      if (scope) {
        if (scopesSeen.has(scope)) continue;
        scopesSeen.add(scope);
      }
      if (isRead(n.id, state) || isArchived(n.id, state) || isExpired(n, now) || isMuted(n, state.preferences)) continue;
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
