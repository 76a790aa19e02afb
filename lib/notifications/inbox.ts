// Changes to one user's inbox: read, unread, seen, archived, moved back,
// snoozed, muted. Each is stored, then told to the user's other tabs and
// devices as a stream event (`read`, `unread`, `seen`, `archived`,
// `unarchived`, `snoozed`, `preferences`) with the counts after it. "Mark
// all read" and "Archive read" answer the ids they changed, so an Undo gives
// exactly those back (through /unread and /unarchive). Only ids that are stored and
// addressed to the user are kept, so a client cannot fill the store with
// made-up ids.
import "server-only";
import { config } from "../server/config";
import { tooMany } from "../server/errors";
import { acknowledge, recordDone } from "./funnel";
import { compareIds } from "../shared/ids";
import { checkChannelsExist } from "./channels";
import { countInbox, isSeen, readInInbox } from "./counts";
import { recipientOf, storedAndAddressed } from "./recipients";
import { EVERYONE } from "../shared/preferences";
import { getStores } from "../store";
import { LIMITS, type AckInput, type SnoozeInput } from "../shared/schemas";
import type { AckResult, ArchiveResult, InboxCounts, MarkReadResult, MarkSeenResult, Preferences, PreferencesEventData, SessionUser } from "../shared/types";

async function limitInboxWrites(user: SessionUser) {
  const limit = await getStores().limits.rateLimit(`read:${user.id}`, config().rateReadPerMin, 60);
  if (!limit.ok) throw tooMany(limit.retryAfterS, "read, seen or archive requests");
}

async function idsAddressedTo(user: SessionUser, ids: string[]) {
  return (await storedAndAddressed(user, ids)).map((n) => n.id);
}

async function countsFor(user: SessionUser, options?: { idsCap: number }) {
  const store = getStores();
  const [recipient, state] = await Promise.all([recipientOf(user), store.inbox.getInboxState(user.id)]);
  return countInbox(recipient, state, options);
}

export async function inboxCountsFor(user: SessionUser): Promise<InboxCounts> {
  return (await countsFor(user)).counts;
}

/**
 * Marks read; the funnel counts the user as having read each (for "all",
 * each that was unread, answered as `ids` for an Undo: up to LIMITS.readIds,
 * what /unread takes). `limited: false` for a link opened, whose
 * acknowledgement was already rate limited.
 */
export async function markRead(user: SessionUser, request: { ids: string[] } | { all: true }, { limited = true } = {}): Promise<MarkReadResult> {
  if (limited) await limitInboxWrites(user);
  const store = getStores();
  if ("all" in request) {
    // Up to the newest addressed to them, not the log's newest: the event and the mark say nothing of others' alerts.
    const { unreadIds, newestMine: upTo } = await countsFor(user, { idsCap: LIMITS.readIds });
    if (upTo) {
      await store.inbox.markAllRead(user.id, upTo, Date.now());
      await recordDone(user, "read", unreadIds);
    }
    const counts = await inboxCountsFor(user);
    await store.inbox.publishInboxEvent(user.id, { event: "read", data: { all: true, upTo, ...counts } });
    return { ...counts, ids: unreadIds };
  }
  const ids = await idsAddressedTo(user, request.ids);
  if (ids.length) {
    await store.inbox.markRead(user.id, ids);
    await recordDone(user, "read", ids);
  }
  const counts = await inboxCountsFor(user);
  if (ids.length) await store.inbox.publishInboxEvent(user.id, { event: "read", data: { ids, ...counts } });
  return { ...counts, ids };
}

/** A browser's acknowledgements for the funnel (funnel.ts); the links it opened are marked read too. */
export async function takeAcknowledgements(user: SessionUser, ack: AckInput): Promise<AckResult> {
  const result = await acknowledge(user, ack);
  if (ack.opened.length) await markRead(user, { ids: ack.opened }, { limited: false });
  return result;
}

/** Everything up to `upTo` (never past the newest notification) was seen: the bell's menu opened. */
export async function markSeen(user: SessionUser, upTo: string): Promise<MarkSeenResult> {
  await limitInboxWrites(user);
  const store = getStores();
  // Up to one of theirs (what the bell showed, normally): echoing any other id could tell them of others' alerts.
  // Only a made-up id pays for finding their newest.
  let seenUpTo = upTo;
  if (!(await storedAndAddressed(user, [upTo])).length) {
    const newest = (await countsFor(user)).newestMine;
    if (newest === null) return inboxCountsFor(user);
    if (compareIds(upTo, newest) > 0) seenUpTo = newest;
  }
  await store.inbox.markSeen(user.id, seenUpTo);
  const counts = await inboxCountsFor(user);
  await store.inbox.publishInboxEvent(user.id, { event: "seen", data: { upTo: seenUpTo, ...counts } });
  return counts;
}

/** Marks these unread again (the funnel counts each once per person); the Undo of "Mark all read" too. */
export async function markUnread(user: SessionUser, request: { ids: string[] }): Promise<MarkReadResult> {
  await limitInboxWrites(user);
  const store = getStores();
  const ids = await idsAddressedTo(user, request.ids);
  if (ids.length) {
    await store.inbox.markUnread(user.id, ids);
    await recordDone(user, "unread", ids);
  }
  const [recipient, state] = await Promise.all([recipientOf(user), store.inbox.getInboxState(user.id)]);
  const { counts } = await countInbox(recipient, state);
  const unseenIds = ids.filter((id) => !isSeen(id, state));
  if (ids.length) await store.inbox.publishInboxEvent(user.id, { event: "unread", data: { ids, unseenIds, ...counts } });
  return { ...counts, ids };
}

/**
 * Archives some notifications, or every one read now: then the ids it
 * archived are answered (up to LIMITS.readIds, what /unarchive takes) for an
 * Undo.
 */
export async function archive(user: SessionUser, request: { ids: string[] } | { allRead: true }): Promise<ArchiveResult> {
  await limitInboxWrites(user);
  const store = getStores();
  if ("allRead" in request) {
    const [recipient, state] = await Promise.all([recipientOf(user), store.inbox.getInboxState(user.id)]);
    const archived = await readInInbox(recipient, state, LIMITS.readIds);
    await store.inbox.archiveAllRead(user.id);
    const counts = await inboxCountsFor(user);
    await store.inbox.publishInboxEvent(user.id, { event: "archived", data: { allRead: true, ...counts } });
    return { ...counts, ids: archived };
  }
  const ids = await idsAddressedTo(user, request.ids);
  if (ids.length) await store.inbox.archive(user.id, ids);
  const counts = await inboxCountsFor(user);
  if (ids.length) await store.inbox.publishInboxEvent(user.id, { event: "archived", data: { ids, ...counts } });
  return { ...counts, ids };
}

/** Moves these back to the inbox from the archive; the Undo of "Archive read" too. */
export async function unarchive(user: SessionUser, request: { ids: string[] }): Promise<ArchiveResult> {
  await limitInboxWrites(user);
  const store = getStores();
  const ids = await idsAddressedTo(user, request.ids);
  if (ids.length) await store.inbox.unarchive(user.id, ids);
  const counts = await inboxCountsFor(user);
  if (ids.length) await store.inbox.publishInboxEvent(user.id, { event: "unarchived", data: { ids, ...counts } });
  return { ...counts, ids };
}

/**
 * Snoozes these until a time (they leave the inbox and its counts, and come
 * back unread then, on every device: each browser applies the time, and
 * counts and pages do on the server, so nothing has to run at it), or ends
 * their snooze (`until` null). The funnel counts each snoozed once per person.
 */
export async function snooze(user: SessionUser, request: SnoozeInput): Promise<MarkReadResult> {
  await limitInboxWrites(user);
  const store = getStores();
  const ids = await idsAddressedTo(user, request.ids);
  if (ids.length) {
    await store.inbox.snooze(user.id, ids, request.until, Date.now());
    if (request.until !== null) await recordDone(user, "snoozed", ids);
  }
  const counts = await inboxCountsFor(user);
  const until = request.until === null ? null : new Date(request.until).toISOString();
  if (ids.length) await store.inbox.publishInboxEvent(user.id, { event: "snoozed", data: { ids, until, ...counts } });
  return { ...counts, ids };
}

export async function preferencesOf(user: SessionUser): Promise<Preferences> {
  return (await getStores().inbox.getInboxState(user.id)).preferences;
}

/** Changes the preferences given (the rest stay); every tab and device of the person's hears them with the counts under them. */
export async function setPreferences(user: SessionUser, changes: Partial<Preferences>): Promise<PreferencesEventData> {
  if (changes.mutedChannels) await checkChannelsExist(changes.mutedChannels, "mutedChannels", [EVERYONE]);
  await limitInboxWrites(user);
  const store = getStores();
  const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  const preferences: Preferences = { ...(await preferencesOf(user)), ...given };
  await store.inbox.setPreferences(user.id, preferences);
  const data = { ...preferences, ...(await inboxCountsFor(user)) };
  await store.inbox.publishInboxEvent(user.id, { event: "preferences", data });
  return data;
}
