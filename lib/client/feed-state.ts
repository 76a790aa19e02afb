// The dashboard feed's state and every change to it, as pure functions: live
// notifications, history pages, read/seen/archived marks and counts, whatever
// order they reach the page in. Items stay newest first, unique by id, and
// unique per collapse scope (the newest replaces older ones).
//
// The counts: the server's counts account for notifications up to
// `countAsOf`; the page adds the ones it holds that are newer. So a slow
// history reply or event never drops a notification that came live
// meanwhile, and a live one is never counted twice.
//
// The marks: every read, seen or archive change moves the person's inbox
// version on by one, and pages, counts and events carry the version they were
// read at. What is older than the version shown is dropped (a slow reply can
// no longer undo what happened since); an event that skips a version means a
// change was missed, and a page newer than the version shown replaces the
// items it does not cover instead of keeping their old marks. While a change
// made here is on its way, a page is not taken (it may predate it): it is
// fetched again once the change is answered.
//
// Snoozes: a snoozed notification leaves the items for `snoozed` (from the
// page, or moved there by an event or an action here), and comes back unread
// at its time (wakeSnoozed), here as on every device: nothing on the server
// has to run at that time, since counts and pages apply it when read.
//
// Mutes: the feed holds only what the person's preferences leave unmuted
// (the "Muted" filter lists the rest from the server). A live notification
// is muted by the preferences the feed holds; a page brings the server's,
// and a `preferences` event the new ones.
import { collapseScope } from "../shared/audience";
import { isMuted, NO_PREFERENCES, preferencesIn } from "../shared/preferences";
import { compareIds, isNewerId } from "../shared/ids";
import { isExpired } from "../shared/expiry";
import { threadAfter } from "../shared/threads";
import {
  FIRST_PAGE_SIZE,
  type AcknowledgedEventData,
  type ArchivedEventData,
  type InboxCounts,
  type Notification,
  type NotificationPage,
  type NotificationWithRead,
  type Preferences,
  type PreferencesEventData,
  type ReadEventData,
  type SeenEventData,
  type SnoozedEventData,
  type UnreadEventData,
} from "../shared/types";

/** A long-lived tab keeps this many items; older ones page back in on demand. */
export const MAX_FEED_ITEMS = 100;

export interface FeedState {
  items: NotificationWithRead[];
  unreadCount: number;
  /** Unread and not seen in the bell's menu: the badge. */
  unseenCount: number;
  /** The newest id the counts account for. */
  countAsOf: string | null;
  /** The person's inbox version the marks and counts shown stand at (-1 before the first page). */
  version: number;
  /** What the person mutes, at that version. */
  preferences: Preferences;
  /** Snoozed, not yet back, soonest first: each with its `snoozedUntil`. */
  snoozed: NotificationWithRead[];
  /** The newest notification of the person's the feed accounts for (a page's `newestId`, or one heard live): where a stream resumes. */
  resumeFrom: string | null;
  /** Changes made here whose answer has not come yet. */
  inFlight: number;
  /** Bumped when the newest page must be fetched again (a missed change, a dropped reply); fetched once nothing is in flight. */
  resync: number;
  /**
   * The version shown when a page older than it was last dropped (null: none since the last page taken). The
   * server had reached it before the next page was asked, so a next page older still means the server
   * started over (an embedded store restarted, Redis was wiped); one merely overtaken again is not older.
   */
  staleSince: number | null;
  /** Bumped whenever something is archived, here or elsewhere: the "Archived" list loads again. */
  archiveVersion: number;
  /** Items older than the last one, if any, load from here. */
  nextCursor: string | null;
  loading: boolean;
  /** The newest page could not be fetched (cleared when it is). */
  loadError: string | null;
  /** The person's last action (mark read, archive, load more) failed (cleared by the next that succeeds). */
  actionError: string | null;
  /** The server started over with an empty history: what the feed held before is gone (the dashboard says so). */
  startedOver: boolean;
  /** The server says it reaches its store (an `event: store`): else the dashboard says "Delayed". */
  storeReachable: boolean;
  /** Which of the server's histories the feed holds, counted from 0 here: a reply asked for in an earlier one says nothing of this one. */
  history: number;
}

export const emptyFeed: FeedState = {
  items: [],
  unreadCount: 0,
  unseenCount: 0,
  countAsOf: null,
  version: -1,
  preferences: NO_PREFERENCES,
  snoozed: [],
  resumeFrom: null,
  inFlight: 0,
  resync: 0,
  staleSince: null,
  archiveVersion: 0,
  nextCursor: null,
  loading: true,
  loadError: null,
  actionError: null,
  startedOver: false,
  storeReachable: true,
  history: 0,
};

/**
 * The server's history is not the one the feed came from: nothing held is
 * kept (no card, no count, no version), and the newest page starts it again.
 * Changes on their way and asks to resync still count.
 */
export function startOver(feed: FeedState): FeedState {
  return {
    ...emptyFeed,
    inFlight: feed.inFlight,
    resync: feed.resync + 1,
    archiveVersion: feed.archiveVersion + 1,
    startedOver: true,
    history: feed.history + 1,
  };
}

/**
 * What the feed holds may be from a history the server no longer has: a tab
 * that missed events (a restart's notice may be among them) keeps nothing and
 * takes the newest page as it is. As startOver, without saying the server
 * started over.
 */
export function refresh(feed: FeedState): FeedState {
  return { ...startOver(feed), startedOver: feed.startedOver };
}

const newer = isNewerId;


/**
 * Archived away below a page while the server holds more (after a refresh
 * the feed holds one page, and every archive would leave it shorter): the
 * newest page is fetched again, so the feed shows a page whenever there is one.
 */
function refilledWhenShort(feed: FeedState): FeedState {
  return feed.items.length < FIRST_PAGE_SIZE && feed.nextCursor !== null ? { ...feed, resync: feed.resync + 1 } : feed;
}

const unreadOf = (i: NotificationWithRead) => (i.read ? 0 : 1);
const unseenOf = (i: NotificationWithRead) => (i.read || i.seen ? 0 : 1);

/** A live notification (ids only grow on the stream); the feed unchanged when already held, muted or snoozed. */
export function addLive(feed: FeedState, n: Notification): FeedState {
  // Snoozed: it comes back at its time, not when a resume hands it on again.
  if (isMuted(n, feed.preferences) || feed.snoozed.some((i) => i.id === n.id)) return feed;
  // The usual case: newer than everything held, so it goes on top (no search, no sort).
  const onTop = newer(n.id, feed.items[0]?.id ?? null);
  if (!onTop && feed.items.some((i) => i.id === n.id)) return feed;
  const scope = collapseScope(n);
  // Held items of its scope are older, and it replaces them; unless one is newer and already replaced it.
  const replaced = scope ? feed.items.filter((i) => collapseScope(i) === scope) : [];
  if (replaced.some((i) => newer(i.id, n.id))) return feed;
  // What it replaced reads as its thread's history.
  const thread = threadAfter(replaced);
  const item: NotificationWithRead = { ...n, read: false, seen: false, archived: false, muted: false, ...(thread.length ? { thread } : {}) };
  const kept = replaced.length ? feed.items.filter((i) => !replaced.includes(i)) : feed.items;
  const items = onTop ? [item, ...kept] : sortNewestFirst([item, ...kept]);
  const resumeFrom = newer(n.id, feed.resumeFrom) ? n.id : feed.resumeFrom;
  // Counted here when newer than what the server's counts knew (then what it replaced leaves them too).
  const counted = newer(n.id, feed.countAsOf);
  if (!counted) return bound({ ...feed, items, resumeFrom });
  const sum = (f: (i: NotificationWithRead) => number) => replaced.reduce((total, i) => total + f(i), 0);
  return bound({
    ...feed,
    items,
    resumeFrom,
    unreadCount: Math.max(0, feed.unreadCount + 1 - sum(unreadOf)),
    unseenCount: Math.max(0, feed.unseenCount + 1 - sum(unseenOf)),
    countAsOf: n.id,
  });
}

/**
 * The newest page, fetched again (first load, reconnect, reset, wake-up).
 * Items newer than the page (arrived live while it was fetched) stay. Older
 * items the page joins onto stay while their marks are current (the page is
 * at the version shown); when the page does not reach them there may be a
 * hole, and when it is newer their marks may be old: then they go and page
 * back in on demand. A page older than the version shown, taken while a
 * change made here is on its way, or asked for before the server started
 * over (`askedIn`: the feed's history then), is dropped and fetched again.
 */
export function mergeFirstPage(feed: FeedState, page: NotificationPage, askedIn = feed.history): FeedState {
  // A dropped page leaves `loading` as it was: a feed emptied to start over shows its skeleton, not "nothing yet", until the page asked again is in.
  if (feed.inFlight > 0 || askedIn !== feed.history) return { ...feed, resync: feed.resync + 1 };
  // Older than the version shown: overtaken by a change heard since the server read it. Asked again, unless older
  // than a version the server had reached before it was asked: then the server started over, and the page stands.
  const fromNewHistory = feed.staleSince !== null && page.version < feed.staleSince;
  if (page.version < feed.version && !fromNewHistory) return { ...feed, resync: feed.resync + 1, staleSince: feed.version };
  const oldest = page.items.at(-1)?.id ?? null;
  const pageIds = new Set(page.items.map((i) => i.id));
  // Held items the server did not know of yet (published after it read the page); any other it left out is not its to show.
  const liveNewer = feed.items.filter((i) => !pageIds.has(i.id) && newer(i.id, page.unreadAsOf));
  const current = page.version === feed.version;
  const joins = current && page.nextCursor !== null && oldest !== null && feed.items.some((i) => i.id === oldest);
  const older = joins ? feed.items.filter((i) => compareIds(i.id, oldest) < 0) : [];
  // What the page's preferences mute (held from before they changed) goes; the page itself holds none.
  // An acknowledgement heard live stands: the page may have been read before it (one is never taken back).
  const acknowledged = new Map(feed.items.flatMap((i) => (i.acknowledgement ? [[i.id, i.acknowledgement] as const] : [])));
  const withHeld = (i: NotificationWithRead) => (!i.acknowledgement && acknowledged.has(i.id) ? { ...i, acknowledgement: acknowledged.get(i.id)! } : i);
  // Sorted: the page may hold items newer than ones heard live (it counts before it reads its items).
  const all = sortNewestFirst([...liveNewer, ...page.items.map(withHeld), ...older].filter((i) => !isMuted(i, page.preferences)));
  const items = newestPerScope(all);
  const merged: FeedState = {
    ...feed,
    preferences: page.preferences,
    snoozed: page.snoozed,
    resumeFrom: page.newestId !== null && newer(page.newestId, feed.resumeFrom) ? page.newestId : feed.resumeFrom,
    items,
    nextCursor: older.length ? feed.nextCursor : page.nextCursor,
    loading: false,
    loadError: null,
  };
  const counted = applyCount({ ...merged, version: page.version, staleSince: null }, page);
  // The page's counts may hold items that a live one, newer than the page, replaced since: they count no more.
  const replaced = items.length === all.length ? [] : all.filter((i) => !items.includes(i) && !newer(i.id, page.unreadAsOf));
  return bound({
    ...counted,
    unreadCount: Math.max(0, counted.unreadCount - replaced.reduce((n, i) => n + unreadOf(i), 0)),
    unseenCount: Math.max(0, counted.unseenCount - replaced.reduce((n, i) => n + unseenOf(i), 0)),
  });
}

/** An older page from "Load more": its marks must be at the version shown, or the newest page is fetched again instead. */
export function appendOlderPage(feed: FeedState, page: NotificationPage): FeedState {
  if (page.version !== feed.version) return { ...feed, resync: feed.resync + 1 };
  const held = new Set(feed.items.map((i) => i.id));
  const items = newestPerScope(sortNewestFirst([...feed.items, ...page.items.filter((i) => !held.has(i.id))]));
  return { ...feed, items, nextCursor: page.nextCursor, actionError: null };
}

/**
 * Counts from the server, with the items it could not know of yet added.
 * Older than the version shown: dropped. Past the next version: a change was
 * missed, so the newest page is fetched again (the version stays, and that
 * page will replace what it does not cover).
 */
export function applyCount(feed: FeedState, counts: InboxCounts): FeedState {
  if (counts.version < feed.version) return feed;
  const missed = feed.version >= 0 && counts.version > feed.version + 1;
  let { unreadCount, unseenCount } = counts;
  for (const item of feed.items) {
    if (!newer(item.id, counts.unreadAsOf)) break;
    unreadCount += unreadOf(item);
    unseenCount += unseenOf(item);
  }
  // Not the newest held: one newer than the counts that is not held is in no count yet, and is counted when it arrives.
  const countAsOf = counts.unreadAsOf;
  return missed
    ? { ...feed, unreadCount, unseenCount, countAsOf, resync: feed.resync + 1 }
    : { ...feed, unreadCount, unseenCount, countAsOf, version: counts.version };
}

/** A change made here was answered: its counts, at the version it made. */
export function settleChange(feed: FeedState, counts: InboxCounts, made: LocalChange): FeedState {
  const settled = { ...feed, inFlight: Math.max(0, feed.inFlight - 1), actionError: null };
  // Counts of a history the server no longer holds: the newest page tells this one's.
  if (made.history !== feed.history) return { ...settled, resync: feed.resync + 1 };
  return applyCount(settled, counts);
}

/**
 * An event older than the version shown was overtaken: what is shown already holds its change, or the page
 * that will does (the version moves on one change at a time, or to a page's, and a page holds every change
 * before its own). Applied, its marks could undo later ones: an "archive read" would take what was read since.
 */
const overtaken = (feed: FeedState, data: InboxCounts) => data.version < feed.version;

/** A `read` event: another tab or device (or this one) marked read. */
export function applyReadEvent(feed: FeedState, data: ReadEventData): FeedState {
  if (overtaken(feed, data)) return feed;
  const isRead = "ids" in data ? idSet(data.ids) : (id: string) => data.upTo !== null && !newer(id, data.upTo);
  return applyCount({ ...feed, items: feed.items.map((i) => (i.read || !isRead(i.id) ? i : { ...i, read: true, seen: true })) }, data);
}

/** A `seen` event: the bell's menu was opened in some tab or device. */
export function applySeenEvent(feed: FeedState, data: SeenEventData): FeedState {
  if (overtaken(feed, data)) return feed;
  const seen = (i: NotificationWithRead) => (i.seen || newer(i.id, data.upTo) ? i : { ...i, seen: true });
  return applyCount({ ...feed, items: feed.items.map(seen), snoozed: feed.snoozed.map(seen) }, data);
}

/**
 * An `archived` event: those notifications leave the feed. "All read" names
 * no ids: the ones read here go, but while a change made here is on its way
 * some read marks are this page's own, not yet the server's (it archived
 * them unread), so the newest page is fetched again once nothing is in flight
 * and brings them back. Archived ones leave the snoozed list too.
 */
export function applyArchivedEvent(feed: FeedState, data: ArchivedEventData): FeedState {
  if (overtaken(feed, data)) return feed;
  const isArchived = "ids" in data ? idSet(data.ids) : (id: string) => feed.items.some((i) => i.id === id && i.read);
  // Or one read since it was snoozed, which this page may not know of: the newest page tells.
  const unsure = !("ids" in data) && (feed.inFlight > 0 || feed.snoozed.length > 0);
  const snoozed = "ids" in data ? feed.snoozed.filter((i) => !isArchived(i.id)) : feed.snoozed;
  return refilledWhenShort(
    applyCount(
      { ...feed, items: feed.items.filter((i) => !isArchived(i.id)), snoozed, archiveVersion: feed.archiveVersion + 1, resync: feed.resync + (unsure ? 1 : 0) },
      data,
    ),
  );
}

/**
 * An `unread` event: these are unread again. One the feed does not hold (an
 * Undo's, read long ago) may belong in the newest page: it is fetched again.
 */
export function applyUnreadEvent(feed: FeedState, data: UnreadEventData): FeedState {
  if (overtaken(feed, data)) return feed;
  const isUnread = idSet(data.ids);
  const isUnseen = idSet(data.unseenIds);
  const items = feed.items.map((i) => (isUnread(i.id) ? { ...i, read: false, seen: !isUnseen(i.id) } : i));
  const allHeld = data.ids.every((id) => feed.items.some((i) => i.id === id));
  return applyCount({ ...feed, items, resync: feed.resync + (allHeld ? 0 : 1) }, data);
}

/** An `unarchived` event: these are back in the inbox, in no page held: the newest page is fetched again (and the "Archived" list). */
export function applyUnarchivedEvent(feed: FeedState, data: InboxCounts): FeedState {
  return applyCount({ ...feed, archiveVersion: feed.archiveVersion + 1, resync: feed.resync + 1 }, data);
}

/**
 * A `snoozed` event: these leave the feed for the snoozed list, unread,
 * until their time; ones not held come with the newest page. `until` null:
 * their snooze ended, and the newest page brings them back.
 */
export function applySnoozedEvent(feed: FeedState, data: SnoozedEventData): FeedState {
  if (overtaken(feed, data)) return feed;
  const isNamed = idSet(data.ids);
  const rest = feed.snoozed.filter((i) => !isNamed(i.id));
  if (data.until === null) return applyCount({ ...feed, snoozed: rest, resync: feed.resync + 1 }, data);
  // Held as an item, as snoozed already (a page had it), or both: once.
  const moved = [...new Map([...feed.items, ...feed.snoozed].filter((i) => isNamed(i.id)).map((i) => [i.id, asSnoozed(i, data.until!)])).values()];
  const allHeld = data.ids.every((id) => moved.some((i) => i.id === id));
  return refilledWhenShort(
    applyCount({ ...feed, items: feed.items.filter((i) => !isNamed(i.id)), snoozed: soonestFirst([...rest, ...moved]), resync: feed.resync + (allHeld ? 0 : 1) }, data),
  );
}

/**
 * What is snoozed until `now` or earlier comes back, unread, with its share
 * of the counts (the server counts it from its time on); the newest page is
 * fetched again to agree. Answers what came back (the tab in view toasts it).
 */
export function wakeSnoozed(feed: FeedState, now: number): { feed: FeedState; woken: NotificationWithRead[] } {
  const due = feed.snoozed.filter((i) => Date.parse(i.snoozedUntil!) <= now);
  if (!due.length) return { feed, woken: [] };
  const woken = due.map((i) => awake(i));
  const held = new Set(feed.items.map((i) => i.id));
  const back = woken.filter((i) => !held.has(i.id));
  return {
    feed: bound({
      ...feed,
      items: newestPerScope(sortNewestFirst([...feed.items, ...back])),
      snoozed: feed.snoozed.filter((i) => !due.includes(i)),
      unreadCount: feed.unreadCount + back.length,
      unseenCount: feed.unseenCount + back.reduce((n, i) => n + unseenOf(i), 0),
      resync: feed.resync + 1,
    }),
    woken: back,
  };
}

/** When the next snoozed notification comes back (ms), or null. */
export function nextWake(feed: FeedState): number | null {
  return feed.snoozed.length ? Math.min(...feed.snoozed.map((i) => Date.parse(i.snoozedUntil!))) : null;
}

/** A snoozed item back in the inbox: unread, and no longer snoozed. */
function awake(i: NotificationWithRead): NotificationWithRead {
  const item = { ...i, read: false };
  delete item.snoozedUntil;
  return item;
}

function asSnoozed(i: NotificationWithRead, until: string): NotificationWithRead {
  return { ...i, read: false, snoozedUntil: until };
}

function soonestFirst(items: NotificationWithRead[]) {
  return items.sort((a, b) => Date.parse(a.snoozedUntil!) - Date.parse(b.snoozedUntil!) || compareIds(b.id, a.id));
}

/**
 * A `preferences` event: the person changed what they mute (here or on
 * another device). What is muted now leaves the feed; what is no longer
 * muted is in no page held, so the newest page is fetched again.
 */
export function applyPreferencesEvent(feed: FeedState, data: PreferencesEventData): FeedState {
  if (overtaken(feed, data)) return feed;
  const preferences = preferencesIn(data);
  const items = feed.items.filter((i) => !isMuted(i, preferences));
  return applyCount({ ...feed, preferences, items, resync: feed.resync + 1 }, data);
}

/**
 * Drops what expired by `now`, with its share of the counts (every item held
 * is in them). Idempotent: run after every merge too, so a page from a server
 * whose clock is behind cannot bring one back.
 */
export function expireItems(feed: FeedState, now: number): FeedState {
  if (!feed.items.some((i) => isExpired(i, now))) return feed;
  const gone = feed.items.filter((i) => isExpired(i, now));
  return {
    ...feed,
    items: feed.items.filter((i) => !isExpired(i, now)),
    unreadCount: Math.max(0, feed.unreadCount - gone.reduce((n, i) => n + unreadOf(i), 0)),
    unseenCount: Math.max(0, feed.unseenCount - gone.reduce((n, i) => n + unseenOf(i), 0)),
  };
}

/** What a local change did, for revert() to undo if its request fails. */
export interface LocalChange {
  /** The items as they were before (changed or removed). */
  before: NotificationWithRead[];
  unreadDrop: number;
  /** The feed's history it was made in (startOver). */
  history: number;
  unseenDrop: number;
}


/** Marks read at once, before the server answers. "All" also covers unread items never loaded: the counts go to zero. */
export function markReadLocally(feed: FeedState, which: string[] | "all"): { feed: FeedState; undo: LocalChange } {
  const wanted = which === "all" ? () => true : idSet(which);
  const changed = feed.items.filter((i) => !i.read && wanted(i.id));
  const unreadCount = which === "all" ? 0 : Math.max(0, feed.unreadCount - changed.length);
  const unseenCount = which === "all" ? 0 : Math.max(0, feed.unseenCount - changed.reduce((n, i) => n + unseenOf(i), 0));
  return change(feed, changed, { ...feed, unreadCount, unseenCount, items: updated(feed.items, changed, (i) => ({ ...i, read: true, seen: true })) });
}

/** Marks unread at once (the badge stays: what was read was seen). */
export function markUnreadLocally(feed: FeedState, ids: string[]): { feed: FeedState; undo: LocalChange } {
  const wanted = idSet(ids);
  const changed = feed.items.filter((i) => i.read && wanted(i.id));
  return change(feed, changed, { ...feed, unreadCount: feed.unreadCount + changed.length, items: updated(feed.items, changed, (i) => ({ ...i, read: false })) });
}

/** Snoozes at once: the items leave the feed and the counts for the snoozed list. */
export function snoozeLocally(feed: FeedState, ids: string[], until: string): { feed: FeedState; undo: LocalChange } {
  const wanted = idSet(ids);
  const removed = feed.items.filter((i) => wanted(i.id));
  const next = refilledWhenShort({
    ...feed,
    items: feed.items.filter((i) => !wanted(i.id)),
    snoozed: soonestFirst([...feed.snoozed.filter((i) => !wanted(i.id)), ...removed.map((i) => asSnoozed(i, until))]),
    unreadCount: Math.max(0, feed.unreadCount - removed.reduce((n, i) => n + unreadOf(i), 0)),
    unseenCount: Math.max(0, feed.unseenCount - removed.reduce((n, i) => n + unseenOf(i), 0)),
  });
  return change(feed, removed, next);
}

/** A change whose effect only the server's answer and event show (moving back from the archive, ending a snooze). */
export function awaitServer(feed: FeedState): { feed: FeedState; undo: LocalChange } {
  return change(feed, [], feed);
}

/** Marks everything held seen (the bell's menu opened): the badge goes to zero. */
export function markSeenLocally(feed: FeedState): { feed: FeedState; undo: LocalChange } {
  const changed = feed.items.filter((i) => !i.seen && !i.read);
  return change(feed, changed, { ...feed, unseenCount: 0, items: updated(feed.items, changed, (i) => ({ ...i, seen: true })) });
}

/** Archives at once: the items leave the feed and the counts. */
export function archiveLocally(feed: FeedState, which: string[] | "allRead"): { feed: FeedState; undo: LocalChange } {
  const wanted = which === "allRead" ? (i: NotificationWithRead) => i.read : (i: NotificationWithRead) => which.includes(i.id);
  const removed = feed.items.filter(wanted);
  const unreadDrop = removed.reduce((n, i) => n + unreadOf(i), 0);
  const unseenDrop = removed.reduce((n, i) => n + unseenOf(i), 0);
  const next = refilledWhenShort({
    ...feed,
    items: feed.items.filter((i) => !wanted(i)),
    unreadCount: Math.max(0, feed.unreadCount - unreadDrop),
    unseenCount: Math.max(0, feed.unseenCount - unseenDrop),
  });
  return change(feed, removed, next);
}

/** Undoes a local change after its request failed; the newest page is fetched again. */
export function revert(feed: FeedState, { before, unreadDrop, unseenDrop, history }: LocalChange): FeedState {
  const settled = { ...feed, inFlight: Math.max(0, feed.inFlight - 1), resync: feed.resync + 1 };
  if ((!before.length && !unreadDrop && !unseenDrop) || history !== feed.history) return settled;
  const restored = new Map(before.map((i) => [i.id, i]));
  const items = sortNewestFirst([...feed.items.filter((i) => !restored.has(i.id)), ...restored.values()]);
  const snoozed = feed.snoozed.filter((i) => !restored.has(i.id));
  return { ...settled, items, snoozed, unreadCount: feed.unreadCount + unreadDrop, unseenCount: feed.unseenCount + unseenDrop };
}

/** Every local change is then sent; it is in flight until settleChange() or revert(). */
function change(feed: FeedState, before: NotificationWithRead[], next: FeedState): { feed: FeedState; undo: LocalChange } {
  const undo = { before, unreadDrop: feed.unreadCount - next.unreadCount, unseenDrop: feed.unseenCount - next.unseenCount, history: feed.history };
  if (!before.length && !undo.unreadDrop && !undo.unseenDrop) return { feed: { ...feed, inFlight: feed.inFlight + 1 }, undo };
  return { feed: { ...next, inFlight: feed.inFlight + 1 }, undo };
}

function updated(items: NotificationWithRead[], changed: NotificationWithRead[], update: (i: NotificationWithRead) => NotificationWithRead) {
  if (!changed.length) return items;
  const isChanged = new Set(changed);
  return items.map((i) => (isChanged.has(i) ? update(i) : i));
}

function idSet(ids: string[]) {
  const set = new Set(ids);
  return (id: string) => set.has(id);
}

function sortNewestFirst(items: NotificationWithRead[]) {
  return items.sort((a, b) => compareIds(b.id, a.id));
}

/** Items newest first: drops any that a newer one in the same collapse scope replaced. */
function newestPerScope(items: NotificationWithRead[]) {
  const scopes = new Set<string>();
  return items.filter((i) => {
    const scope = collapseScope(i);
    if (!scope) return true;
    if (scopes.has(scope)) return false;
    scopes.add(scope);
    return true;
  });
}

/** Keeps the newest MAX_FEED_ITEMS; the rest is one "Load more" away. */
function bound(feed: FeedState): FeedState {
  if (feed.items.length <= MAX_FEED_ITEMS) return feed;
  const items = feed.items.slice(0, MAX_FEED_ITEMS);
  return { ...feed, items, nextCursor: items.at(-1)!.id };
}

/** A count as a badge or title shows it: the server counts up to 100 (lib/notifications/counts.ts), so from 100 on it is "99+". */
export function countLabel(count: number): string {
  return count > 99 ? "99+" : String(count);
}

/** An `acknowledged` event, or the answer to this person's own: who is on that alert, wherever it is held. */
export function applyAcknowledgedEvent(feed: FeedState, { id, acknowledgement }: AcknowledgedEventData): FeedState {
  const mark = (list: NotificationWithRead[]) => (list.some((i) => i.id === id) ? list.map((i) => (i.id === id ? { ...i, acknowledgement } : i)) : list);
  return { ...feed, items: mark(feed.items), snoozed: mark(feed.snoozed) };
}
