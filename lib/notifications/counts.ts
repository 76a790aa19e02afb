// A person's counts and each notification's state for them (read, seen,
// archived, muted), from their inbox state: the one reading of that state
// that pages, counts and marks share.
import "server-only";
import { collapseScope, isAddressedTo, audienceKeysOf, type Recipient } from "../shared/audience";
import { isExpired } from "../shared/expiry";
import { isMuted } from "../shared/preferences";
import type { InboxCounts, Notification, NotificationWithRead } from "../shared/types";
import { getStores } from "../store";
import { atOrBefore, isArchived, isRead, isSnoozed } from "../store/inbox/marks";
import type { InboxState } from "../store/inbox/types";

/** Counts stop here: a badge shows "99+" from 100 on (docs/api.md). */
export const COUNT_CAP = 100;
/** Counting looks at no more than this many of a person's notifications past their read mark. */
const COUNT_SCAN_MAX = 2_000;
/** Notifications read per round trip once a first page was not enough. */
export const SCAN_PAGE = 200;

/** Seen in the bell's menu, or read. */
export function isSeen(id: string, state: InboxState) {
  return atOrBefore(id, state.seenUpTo) || isRead(id, state);
}

/** A notification as the person sees it in their inbox (with when it comes back, while snoozed). */
export function inboxItem(n: Notification, state: InboxState, now = Date.now()): NotificationWithRead {
  const item = { ...n, read: isRead(n.id, state), seen: isSeen(n.id, state), archived: isArchived(n.id, state), muted: isMuted(n, state.preferences) };
  return isSnoozed(n.id, state, now) ? { ...item, snoozedUntil: new Date(state.snoozedUntil.get(n.id)!).toISOString() } : item;
}

/** In the inbox's unread count: unread, and not archived, expired, muted or snoozed. */
function countsAsUnread(n: Notification, state: InboxState, now: number) {
  return !isRead(n.id, state) && !isArchived(n.id, state) && !isExpired(n, now) && !isMuted(n, state.preferences) && !isSnoozed(n.id, state, now);
}

/**
 * The unread and unseen counts, and the newest notification they account
 * for: a client adds the ones it holds that are newer, whatever order the
 * counts and live events reach it in. Archived, expired, muted, snoozed and
 * replaced (collapsed) notifications count in neither. Read newest first
 * from the person's audience indexes, back to their read mark, and bounded:
 * counts stop at COUNT_CAP (the badge shows "99+"), and at most
 * COUNT_SCAN_MAX notifications past the read mark are looked at, so a person
 * who never reads costs what one who does costs; the ones marked unread
 * below the mark are read by id (one more command, only when there are
 * some). Also answers the unread ids found, up to `idsCap` (the funnel's,
 * and what an Undo of "mark all read" marks unread again).
 */
export async function countInbox(
  recipient: Recipient,
  state: InboxState,
  { idsCap = COUNT_CAP } = {},
): Promise<{ counts: InboxCounts; unreadIds: string[]; newestMine: string | null }> {
  const store = getStores();
  const audiences = audienceKeysOf(recipient);
  const unreadIds: string[] = [];
  let unseenCount = 0;
  const counted = (n: Notification) => {
    unreadIds.push(n.id);
    if (unreadIds.length <= COUNT_CAP && !isSeen(n.id, state)) unseenCount++;
  };
  // Newest first, the first of a collapse scope is the one that replaced the rest.
  const scopesSeen = new Set<string>();
  // The newest one addressed to this person: counts say "as of" in the person's own terms, never the log's
  // newest id, which would tell a member when anything was last sent to anyone.
  let newestMine: string | null = null;
  const now = Date.now();
  let before: string | null = null;
  let count = COUNT_CAP;
  for (let scanned = 0; unreadIds.length < idsCap && scanned < COUNT_SCAN_MAX; ) {
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
      if (!countsAsUnread(n, state, now)) continue;
      counted(n);
      if (unreadIds.length === idsCap) break;
    }
    if (page.length < count) break;
    before = page[page.length - 1]!.id;
    count = SCAN_PAGE;
  }
  for (const n of await markedUnreadBelowWatermark(recipient, state, scopesSeen)) {
    if (unreadIds.length === idsCap) break;
    if (countsAsUnread(n, state, now)) counted(n);
  }
  return {
    // Nothing of theirs since their read mark (or ever): the counts account for everything until now, and a
    // client holding notifications of an earlier history (a restarted embedded store) must not count or keep them.
    counts: {
      unreadCount: Math.min(unreadIds.length, COUNT_CAP),
      unseenCount,
      unreadAsOf: newestMine ?? state.watermark ?? `${Date.now() - 1}-0`,
      version: state.version,
    },
    unreadIds,
    newestMine: newestMine ?? state.watermark,
  };
}

/** The notifications marked unread (or snoozed) below the read watermark, addressed to the person and not replaced since. */
async function markedUnreadBelowWatermark(recipient: Recipient, state: InboxState, scopesSeen: Set<string>): Promise<Notification[]> {
  if (!state.unreadIds.size) return [];
  const { log } = getStores();
  const mine = (await log.eventsByIds([...state.unreadIds])).filter((n) => isAddressedTo(n.audience, recipient) && !scopesSeen.has(collapseScope(n) ?? ""));
  const scopes = [...new Set(mine.flatMap((n) => collapseScope(n) ?? []))];
  const latest = scopes.length ? await log.latestInCollapseScopes(scopes) : new Map<string, string>();
  return mine.filter((n) => !collapseScope(n) || latest.get(collapseScope(n)!) === n.id);
}

/** How many read notifications "Archive read" looks at for its Undo, newest first. */
const READ_SCAN_MAX = 5_000;

/**
 * The person's read notifications still in the inbox (not archived), newest
 * first, up to `cap`: what "Archive read" is about to archive, so its Undo
 * can move exactly those back. Reads back to the archive watermark (older
 * ones are archived, but those moved back, read by id).
 */
export async function readInInbox(recipient: Recipient, state: InboxState, cap: number): Promise<string[]> {
  const { log } = getStores();
  const audiences = audienceKeysOf(recipient);
  const ids: string[] = [];
  const take = (n: Notification) => isAddressedTo(n.audience, recipient) && isRead(n.id, state) && !isArchived(n.id, state);
  let before: string | null = null;
  for (let scanned = 0; ids.length < cap && scanned < READ_SCAN_MAX; ) {
    const page = await log.eventsInIndexes(audiences, { before, after: state.archivedUpTo }, SCAN_PAGE);
    scanned += page.length;
    ids.push(...page.filter(take).map((n) => n.id));
    if (page.length < SCAN_PAGE) break;
    before = page.at(-1)!.id;
  }
  if (state.unarchivedIds.size) ids.push(...(await log.eventsByIds([...state.unarchivedIds])).filter(take).map((n) => n.id));
  return ids.slice(0, cap);
}

/** The person's snoozed notifications (not yet back, and not muted since), soonest back first, at most `cap`. */
export async function snoozedOf(recipient: Recipient, state: InboxState, cap: number): Promise<NotificationWithRead[]> {
  const now = Date.now();
  const pending = [...state.snoozedUntil].filter(([, until]) => until > now).sort(([, a], [, b]) => a - b);
  if (!pending.length) return [];
  const found = await getStores().log.eventsByIds(pending.map(([id]) => id));
  return found
    .filter((n) => isAddressedTo(n.audience, recipient) && !isArchived(n.id, state) && !isExpired(n, now) && !isMuted(n, state.preferences))
    .map((n) => inboxItem(n, state, now))
    .sort((a, b) => Date.parse(a.snoozedUntil!) - Date.parse(b.snoozedUntil!))
    .slice(0, cap);
}
