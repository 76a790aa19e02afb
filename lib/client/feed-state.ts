// The dashboard feed's state and every change to it, as pure functions: live
// notifications, history pages, read marks and unread counts, whatever order
// they reach the page in. Items stay newest first and unique by id.
//
// The unread count: the server's count accounts for notifications up to
// `unreadAsOf`; the page adds the unread items it holds that are newer. So a
// slow history reply or read event never drops a notification that came live
// meanwhile, and a live one is never counted twice.
import { compareIds, isNewerId } from "../ids";
import type { Notification, NotificationPage, NotificationWithRead, ReadEventData, UnreadCount } from "../types";

/** A long-lived tab keeps this many items; older ones page back in on demand. */
export const MAX_FEED_ITEMS = 100;

export interface FeedState {
  items: NotificationWithRead[];
  unreadCount: number;
  /** The newest id the unread count accounts for. */
  countAsOf: string | null;
  /** Bumped by every count from the server: a mark-read reply older than another count is stale. */
  countVersion: number;
  /** Items older than the last one, if any, load from here. */
  nextCursor: string | null;
  loading: boolean;
  /** The newest page could not be fetched (cleared when it is). */
  loadError: string | null;
  /** The person's last action (mark read, load more) failed (cleared by the next that succeeds). */
  actionError: string | null;
}

export const emptyFeed: FeedState = {
  items: [],
  unreadCount: 0,
  countAsOf: null,
  countVersion: 0,
  nextCursor: null,
  loading: true,
  loadError: null,
  actionError: null,
};

const newer = isNewerId;

/** A live notification (ids only grow on the stream); false when already held. */
export function addLive(feed: FeedState, n: Notification): FeedState {
  // The usual case: newer than everything held, so it goes on top (no search, no sort).
  const onTop = newer(n.id, feed.items[0]?.id ?? null);
  if (!onTop && feed.items.some((i) => i.id === n.id)) return feed;
  const items = onTop ? [{ ...n, read: false }, ...feed.items] : sortNewestFirst([{ ...n, read: false }, ...feed.items]);
  const counted = newer(n.id, feed.countAsOf);
  return bound({
    ...feed,
    items,
    unreadCount: counted ? feed.unreadCount + 1 : feed.unreadCount,
    countAsOf: counted ? n.id : feed.countAsOf,
  });
}

/**
 * The newest page, fetched again (first load, reconnect, reset, wake-up).
 * Merged, never replacing: items newer than the page (arrived live while it
 * was fetched) stay. Older items the page joins onto stay; when the page does
 * not reach them there may be a hole, so they go and page back in on demand.
 */
export function mergeFirstPage(feed: FeedState, page: NotificationPage): FeedState {
  const newest = page.items[0]?.id ?? null;
  const oldest = page.items.at(-1)?.id ?? null;
  const pageIds = new Set(page.items.map((i) => i.id));
  const liveNewer = feed.items.filter((i) => !pageIds.has(i.id) && newer(i.id, newest));
  const joins = page.nextCursor !== null && oldest !== null && feed.items.some((i) => i.id === oldest);
  const older = joins ? feed.items.filter((i) => compareIds(i.id, oldest) < 0) : [];
  const merged: FeedState = {
    ...feed,
    items: [...liveNewer, ...page.items, ...older],
    nextCursor: older.length ? feed.nextCursor : page.nextCursor,
    loading: false,
    loadError: null,
  };
  return bound(applyCount(merged, page));
}

/** An older page from "Load more". */
export function appendOlderPage(feed: FeedState, page: NotificationPage): FeedState {
  const held = new Set(feed.items.map((i) => i.id));
  return { ...feed, items: sortNewestFirst([...feed.items, ...page.items.filter((i) => !held.has(i.id))]), nextCursor: page.nextCursor, actionError: null };
}

/** A count from the server, with the unread items it could not know of yet added. */
export function applyCount(feed: FeedState, count: UnreadCount): FeedState {
  let unreadCount = count.unreadCount;
  for (const item of feed.items) {
    if (!newer(item.id, count.unreadAsOf)) break;
    if (!item.read) unreadCount++;
  }
  const newestHeld = feed.items[0]?.id ?? null;
  const countAsOf = newestHeld !== null && newer(newestHeld, count.unreadAsOf) ? newestHeld : count.unreadAsOf;
  return { ...feed, unreadCount, countAsOf, countVersion: feed.countVersion + 1 };
}

/** A `read` event: another tab or device (or this one) marked read. */
export function applyReadEvent(feed: FeedState, data: ReadEventData): FeedState {
  const isRead = "ids" in data ? idSet(data.ids) : (id: string) => data.upTo !== null && !newer(id, data.upTo);
  return applyCount({ ...feed, items: feed.items.map((i) => (i.read || !isRead(i.id) ? i : { ...i, read: true })) }, data);
}

/** What markReadLocally changed, for unmarkRead to undo. */
export interface LocalRead {
  ids: string[];
  countDrop: number;
}

/** Marks read at once, before the server answers; returns what it changed, to undo on failure. */
export function markReadLocally(feed: FeedState, which: string[] | "all"): { feed: FeedState; undo: LocalRead } {
  const wanted = which === "all" ? () => true : idSet(which);
  const ids = feed.items.filter((i) => !i.read && wanted(i.id)).map((i) => i.id);
  // "All" also covers unread items this page never loaded: the count goes to zero.
  const unreadCount = which === "all" ? 0 : Math.max(0, feed.unreadCount - ids.length);
  const undo = { ids, countDrop: feed.unreadCount - unreadCount };
  if (!ids.length && !undo.countDrop) return { feed, undo };
  const isChanged = idSet(ids);
  return { feed: { ...feed, unreadCount, items: feed.items.map((i) => (isChanged(i.id) ? { ...i, read: true } : i)) }, undo };
}

/** Undoes markReadLocally after its request failed (the hook then asks the server again). */
export function unmarkRead(feed: FeedState, { ids, countDrop }: LocalRead): FeedState {
  const isUndone = idSet(ids);
  return { ...feed, unreadCount: feed.unreadCount + countDrop, items: feed.items.map((i) => (i.read && isUndone(i.id) ? { ...i, read: false } : i)) };
}

function idSet(ids: string[]) {
  const set = new Set(ids);
  return (id: string) => set.has(id);
}

function sortNewestFirst(items: NotificationWithRead[]) {
  return items.sort((a, b) => compareIds(b.id, a.id));
}

/** Keeps the newest MAX_FEED_ITEMS; the rest is one "Load more" away. */
function bound(feed: FeedState): FeedState {
  if (feed.items.length <= MAX_FEED_ITEMS) return feed;
  const items = feed.items.slice(0, MAX_FEED_ITEMS);
  return { ...feed, items, nextCursor: items.at(-1)!.id };
}
