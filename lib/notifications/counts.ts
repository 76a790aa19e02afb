// A person's counts and each notification's state for them (read, seen,
// archived, muted), from their inbox state: the one reading of that state
// that pages, counts and marks share.
import "server-only";
import { collapseScope, isAddressedTo, audienceKeysOf, type Recipient } from "../shared/audience";
import { isExpired } from "../shared/expiry";
import { compareIds } from "../shared/ids";
import { isMuted } from "../shared/preferences";
import type { InboxCounts, Notification, NotificationWithRead } from "../shared/types";
import { getStores } from "../store";
import type { InboxState } from "../store/inbox/types";

/** Counts stop here: a badge shows "99+" from 100 on (docs/api.md). */
export const COUNT_CAP = 100;
/** Counting looks at no more than this many of a person's notifications past their read mark. */
const COUNT_SCAN_MAX = 2_000;
/** Notifications read per round trip once a first page was not enough. */
export const SCAN_PAGE = 200;

function isRead(id: string, state: InboxState) {
  return (state.watermark !== null && compareIds(id, state.watermark) <= 0) || state.readIds.has(id);
}

function isArchived(id: string, state: InboxState) {
  return (state.archivedUpTo !== null && compareIds(id, state.archivedUpTo) <= 0) || state.archivedIds.has(id);
}

function isSeen(id: string, state: InboxState) {
  return (state.seenUpTo !== null && compareIds(id, state.seenUpTo) <= 0) || isRead(id, state);
}

/** A notification as the person sees it in their inbox. */
export function inboxItem(n: Notification, state: InboxState): NotificationWithRead {
  return { ...n, read: isRead(n.id, state), seen: isSeen(n.id, state), archived: isArchived(n.id, state), muted: isMuted(n, state.preferences) };
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
