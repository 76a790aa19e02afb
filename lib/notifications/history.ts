// A person's history, a page at a time, filtered and searched: reads their
// audiences' indexes (or a search word's), never the whole log.
import "server-only";
import { config } from "../server/config";
import { tooMany } from "../server/errors";
import { audienceKey, audienceKeysOf, collapseScope, isAddressedTo, type Recipient } from "../shared/audience";
import { isExpired } from "../shared/expiry";
import { compareIds, idRangeOf } from "../shared/ids";
import { channelNameOf, EVERYONE } from "../shared/preferences";
import { historyQuerySchema, type HistoryQuery } from "../shared/schemas";
import { log } from "../server/log";
import { hasWords } from "../shared/search-words";
import { FIRST_PAGE_SIZE, needsSomeone, type Notification, type NotificationPage, type NotificationWithRead, type SessionUser } from "../shared/types";
import { getStores } from "../store";
import { threadEntry } from "../shared/threads";
import { countInbox, inboxItem, SCAN_PAGE, snoozedOf } from "./counts";
import { recipientOf } from "./recipients";

/** A filtered page looks at no more than this many candidates; when it stops short, nextCursor says where to go on. */
const LIST_SCAN_MAX = 5_000;
/** A page lists at most this many of the person's snoozed notifications. */
const SNOOZED_LISTED_MAX = 100;
/** A search looks at this many of the person's notifications a round trip, matching words in the store (one billed command). */
const SEARCH_LOOK_PAGE = 1_000;

/** A history request of the person's, within their budget (RATE_HISTORY_PER_MIN). */
export async function readHistory(user: SessionUser, query: HistoryQuery): Promise<NotificationPage> {
  const limit = await getStores().limits.rateLimit(`history:${user.id}`, config().rateHistoryPerMin, 60);
  if (!limit.ok) throw tooMany(limit.retryAfterS, "history requests");
  return listHistory(user, query);
}

/**
 * The dashboard feed's newest page for the page's HTML (its first paint
 * shows cards, not a skeleton); null when the store cannot answer now, and
 * the browser loads it as it would have.
 */
export async function feedFirstPage(user: SessionUser): Promise<NotificationPage | null> {
  try {
    return await listHistory(user, historyQuerySchema.parse({ limit: String(FIRST_PAGE_SIZE), muted: "0" }));
  } catch (error) {
    log().warn({ component: "history", userId: user.id }, `first page not rendered: ${(error as Error).message}`);
    return null;
  }
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
 * Reads the person's audiences' indexes (only the asked channel's, with a
 * channel filter), never the whole log; a search's words are matched in the
 * store, SEARCH_LOOK_PAGE a round trip. Filters that leave pages short read
 * on, up to LIST_SCAN_MAX candidates a request; then the page may be short
 * and nextCursor goes on from where it stopped.
 */
export async function listHistory(user: SessionUser, query: HistoryQuery): Promise<NotificationPage> {
  const store = getStores();
  const [recipient, state] = await Promise.all([recipientOf(user), store.inbox.getInboxState(user.id)]);
  // Counted before the items are read: one published in between is then on the page and newer than
  // `unreadAsOf`, which a client adds to the counts and keeps when it heard it live (lib/client/feed-state.ts).
  // Counted after, it would be in the counts and not on the page, and the client would drop it.
  const { counts, newestMine } = await countInbox(recipient, state);
  const indexes = indexesFor(recipient, query);
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
    const { page, lookedAt, lastLookedAt } = await lookAt(indexes, { before, after: range.after }, count, query.q);
    scanned += lookedAt;
    const mine = page.filter((n) => isAddressedTo(n.audience, recipient));
    const superseded = await supersededIn(mine);
    for (const n of mine) {
      if (superseded.has(n.id) || isExpired(n, now)) continue;
      const item = inboxItem(n, state, now);
      // Snoozed: in the "Snoozed" list alone (below) until it is back.
      if (item.snoozedUntil || !matches(item, query)) continue;
      items.push(item);
      if (items.length === query.limit) break;
    }
    if (lastLookedAt === null) break;
    before = lastLookedAt;
    count = Math.min(count * 2, SCAN_PAGE);
  }
  return {
    items: await withAcknowledgements(await withThreads(items)),
    ...counts,
    newestId: newestMine,
    // A full page may have more behind it; the next call answers an empty page if not.
    nextCursor: items.length === query.limit ? items[items.length - 1]!.id : stoppedAt,
    preferences: state.preferences,
    snoozed: await withAcknowledgements(await snoozedOf(recipient, state, SNOOZED_LISTED_MAX)),
  };
}

/**
 * Each item of a collapse key with the earlier ones of its thread (one more
 * round trip, only for a page holding such items): its card shows "fired
 * 10:02 · resolved 10:15" and lists them.
 */
async function withThreads(items: NotificationWithRead[]): Promise<NotificationWithRead[]> {
  const scopes = items.flatMap((i) => collapseScope(i) ?? []);
  if (!scopes.length) return items;
  const members = await getStores().log.threadsOf(scopes);
  return items.map((item) => {
    const scope = collapseScope(item);
    const thread = scope ? members.filter((n) => compareIds(n.id, item.id) < 0 && collapseScope(n) === scope).map(threadEntry) : [];
    return thread.length ? { ...item, thread } : item;
  });
}

/** Who is on each firing alert of the page (one more command, only for a page holding such alerts). */
async function withAcknowledgements(items: NotificationWithRead[]): Promise<NotificationWithRead[]> {
  const firing = items.filter(needsSomeone).map((i) => i.id);
  if (!firing.length) return items;
  const found = await getStores().escalations.acknowledgements(firing);
  return items.map((item) => (found.has(item.id) ? { ...item, acknowledgement: found.get(item.id)! } : item));
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
 * The next candidates of the indexes, newest first: `count` of them, or for a search (words) those of the
 * next SEARCH_LOOK_PAGE that hold every word. `lastLookedAt` is where the next call goes on (null: no more).
 */
async function lookAt(indexes: string[], range: { before: string | null; after: string | null }, count: number, words: string[]) {
  const { log } = getStores();
  if (words.length) {
    const { events, lastLookedAt } = await log.searchIndexes(indexes, range, SEARCH_LOOK_PAGE, words);
    return { page: events, lookedAt: SEARCH_LOOK_PAGE, lastLookedAt };
  }
  const page = await log.eventsInIndexes(indexes, range, count);
  return { page, lookedAt: page.length, lastLookedAt: page.length < count ? null : page.at(-1)!.id };
}

/** The indexes a page reads: the person's audiences (only the asked channel's, with a channel filter). */
function indexesFor(recipient: Recipient, query: HistoryQuery): string[] {
  if (query.channel === undefined) return audienceKeysOf(recipient);
  if (query.channel === EVERYONE) return ["all"];
  return recipient.following.has(query.channel) ? [audienceKey({ kind: "channel", channel: query.channel })] : [];
}
