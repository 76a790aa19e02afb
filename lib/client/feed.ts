// The dashboard's feed, without React: the stream's events applied, the
// newest history page fetched (at once, and again after every reconnect,
// reset or wake-up) and merged in, so nothing published meanwhile is missed,
// nothing shows twice, and the unread count matches the server's after any
// reconnect, race or failure. The merge rules are pure functions in
// feed-state.ts; this runs them, the requests and the timers. The feed holds
// what the person's mutes leave (the "Muted" filter lists the rest from the
// server). hooks/use-notification-feed.ts subscribes a component to it.
import { nextExpiry } from "../shared/expiry";
import { isMuted } from "../shared/preferences";
import {
  FIRST_PAGE_SIZE,
  needsSomeone,
  type AcknowledgedEventData,
  type Acknowledgement,
  type ArchivedEventData,
  type ConnectedEventData,
  type InboxCounts,
  type Notification,
  type NotificationPage,
  type PreferencesEventData,
  type ReadEventData,
  type ResetEventData,
  type SeenEventData,
  type SnoozedEventData,
  type StreamEventMap,
  type UnreadEventData,
} from "../shared/types";
import { apiFetch, NO_ANSWER, UNREACHABLE } from "./api-client";
import {
  addLive,
  appendOlderPage,
  applyArchivedEvent,
  applyPreferencesEvent,
  applyReadEvent,
  applySeenEvent,
  applySnoozedEvent,
  applyUnarchivedEvent,
  applyAcknowledgedEvent,
  applyUnreadEvent,
  archiveLocally,
  awaitServer,
  emptyFeed,
  expireItems,
  markReadLocally,
  markSeenLocally,
  markUnreadLocally,
  mergeFirstPage,
  nextWake,
  revert,
  settleChange,
  snoozeLocally,
  wakeSnoozed,
  refresh,
  startOver,
  type FeedState,
  type LocalChange,
} from "./feed-state";
import { backoffDelay } from "./sse-connection";
import type { SSEStatus } from "./sse-types";

/** The feed's pages: none of what the person muted. */
const FEED_PAGE = `/api/notifications?limit=${FIRST_PAGE_SIZE}&muted=0`;
export const FEED_STREAM_EVENTS = ["connected", "notification", "read", "unread", "seen", "archived", "unarchived", "snoozed", "acknowledged", "preferences", "reset", "store"] as const;
const HISTORY_RETRY_BASE_MS = 2_000;
/**
 * A page or change answered later than this is taken as lost: the request went to an instance that hung, or
 * on a connection that died without a word (a proxy may hold it for an hour, deploy/nginx.conf). Given up, it
 * fails and is asked again; waited on, it would hold back every page asked after it (one at a time), and a
 * change would keep the feed from asking at all. Far above a slow answer: a store that stalls makes the
 * server answer 503 within about 10 s (5 s a call, one retry on Upstash: lib/store/redis/upstash.ts).
 */
const REPLY_TIMEOUT_MS = 20_000;
/** setTimeout's longest delay (about 24 days; a longer one would fire at once): a later expiry is timed again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type FeedStreamMessage = { event: string; data: StreamEventMap[(typeof FEED_STREAM_EVENTS)[number]] };

export interface FeedCallbacks {
  /** A live notification the person's preferences leave unmuted. */
  onNew(n: Notification): void;
  /** A live notification their preferences mute (no toast, no desktop notification). */
  onMuted?(n: Notification): void;
  /** The stream (re)connected and said the server's time. */
  onConnected?(data: ConnectedEventData): void;
  /** A snoozed notification came back, unread, at its time. */
  onSnoozeOver?(n: Notification): void;
}

/** What a change answered: the counts, and the ids it changed (for "all", what an Undo gives back). */
export type ChangeAnswer = InboxCounts & { ids?: string[] };

export class NotificationFeed {
  private state: FeedState = emptyFeed;
  private readonly listeners = new Set<() => void>();
  /** The browser now holds another account's session (signed in as someone else in another tab). */
  private otherAccount = false;
  /** The last `resync` asked for by the feed that a fetch answered (feed-state.ts counts them). */
  private resyncHandled = 0;
  private expiryTimer: ReturnType<typeof setTimeout> | null = null;
  private expiryTimedFor: FeedState["items"] | null = null;
  private wakeTimer: ReturnType<typeof setTimeout> | null = null;
  private wakeTimedFor: FeedState["snoozed"] | null = null;
  /** The history fetch: one at a time, a request made while one runs runs once after it, failures retried with backoff. */
  private syncing = false;
  private syncAgain = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryAttempt = 0;
  private stopped = true;

  /**
   * `scope`: the signed-in user's id (a `connected` for anyone else reloads the page).
   * `firstPage`: the newest page as the server rendered it with the page's HTML: shown at once, then
   * fetched again as any load does (what was published, archived or snoozed since is in the new one).
   */
  constructor(
    private scope: string,
    private callbacks: FeedCallbacks,
    firstPage: NotificationPage | null = null,
  ) {
    if (firstPage) this.state = mergeFirstPage(emptyFeed, firstPage);
  }

  /** The stream's status as last told (streamStatus), and whether it went down since the last `connected`. */
  private streamStatusWas: SSEStatus | null = null;
  private streamWasDown = false;

  /** The browser's stream opened, went down or closed (a planned rotation stays open). */
  readonly streamStatus = (status: SSEStatus) => {
    if (this.streamStatusWas === "open" && status !== "open") this.streamWasDown = true;
    this.streamStatusWas = status;
  };

  /** The server's clock less this browser's (from `connected`): a snooze ends by the server's clock. */
  private serverClockOffsetMs = 0;
  /** Snoozed ones this tab brought back (and toasted): a page from before their time may list them once more. */
  private readonly woken = new Set<string>();

  /** Where a new stream resumes: after the newest of the person's the feed accounts for (feed-state.ts resumeFrom). */
  readonly resumeId = () => this.state.resumeFrom;

  /** Who the feed is for now, and what to tell them (a component's latest callbacks). */
  heardBy(scope: string, callbacks: FeedCallbacks) {
    this.scope = scope;
    this.callbacks = callbacks;
  }

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  readonly snapshot = () => this.state;

  /** Fetches the newest page now; the timers run until stop(). */
  start() {
    this.stopped = false;
    if (typeof window !== "undefined") window.addEventListener("online", this.networkBack);
    // This fetch answers any ask made while stopped, too.
    if (this.state.inFlight === 0) this.resyncHandled = Math.max(this.resyncHandled, this.state.resync);
    this.timeNextExpiry();
    this.timeNextWake();
    void this.sync();
  }

  stop() {
    this.stopped = true;
    if (typeof window !== "undefined") window.removeEventListener("online", this.networkBack);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.retryTimer = this.expiryTimer = this.wakeTimer = null;
    this.expiryTimedFor = this.wakeTimedFor = null;
  }

  readonly onMessage = (message: FeedStreamMessage) => {
    if (this.otherAccount) return;
    switch (message.event) {
      case "connected": {
        const data = message.data as ConnectedEventData;
        if (data.userId !== this.scope) {
          this.otherAccount = true;
          window.location.reload();
          return;
        }
        this.callbacks.onConnected?.(data);
        this.serverClockOffsetMs = Date.parse(data.serverTime) - Date.now();
        // Admitted: the server reached its store for it, and the network is back for what failed to reach it.
        this.update((f) => (f.storeReachable ? f : { ...f, storeReachable: true }));
        this.networkBack();
        // A planned rotation or a short drop: the stream resumes by id, and no mark changed meanwhile. Unless the
        // stream was down while an alert held here waited for someone: an acknowledgement is told live only, never
        // resumed from the log (a planned rotation, whose gap is a moment, fetches no page for it: each costs one).
        const { version, items } = this.state;
        const acknowledgementsMissed = this.streamWasDown && items.some((i) => needsSomeone(i) && !i.acknowledgement);
        this.streamWasDown = false;
        if (items.length && version >= 0 && data.inboxVersion === version && !acknowledgementsMissed) return;
        return void this.sync();
      }
      case "notification": {
        // The stream hands each on once (ids only grow); the feed also may have it from history.
        const n = message.data as Notification;
        this.update((f) => expireItems(addLive(f, n), Date.now()));
        if (isMuted(n, this.state.preferences)) this.callbacks.onMuted?.(n);
        else this.callbacks.onNew(n);
        // It may replace one this page does not hold (older than the feed reaches): the server's counts know.
        if (n.collapseKey !== undefined) void this.sync();
        return;
      }
      case "read":
        return this.update((f) => applyReadEvent(f, message.data as ReadEventData));
      case "unread":
        return this.update((f) => applyUnreadEvent(f, message.data as UnreadEventData));
      case "seen":
        return this.update((f) => applySeenEvent(f, message.data as SeenEventData));
      case "archived":
        return this.update((f) => applyArchivedEvent(f, message.data as ArchivedEventData));
      case "unarchived":
        return this.update((f) => applyUnarchivedEvent(f, message.data as InboxCounts));
      case "snoozed":
        return this.update((f) => applySnoozedEvent(f, message.data as SnoozedEventData));
      case "acknowledged":
        return this.update((f) => applyAcknowledgedEvent(f, message.data as AcknowledgedEventData));
      case "preferences": {
        const data = message.data as PreferencesEventData;
        return this.update((f) => applyPreferencesEvent(f, data));
      }
      // Read marks are not replayed (see `connected`) and a reset means a hole: fetch the newest page again.
      // Another history: drop what is held first (startOver asks for the page).
      case "store":
        return this.update((f) => ({ ...f, storeReachable: (message.data as StreamEventMap["store"]).reachable }));
      case "reset": {
        const { startedOver, missed } = message.data as ResetEventData;
        if (startedOver) return this.update(startOver);
        if (missed) return this.update(refresh);
        return void this.sync();
      }
    }
  };

  readonly markRead = (which: string[] | "all") =>
    this.act((f) => markReadLocally(f, which), "/api/notifications/read", which === "all" ? { all: true } : { ids: which });

  /** The bell's menu opened on what was shown, up to `newestShown`: that is seen now (the badge counts unseen ones). */
  readonly markSeen = (newestShown: string | null) => {
    if (newestShown && this.state.unseenCount > 0) void this.act(markSeenLocally, "/api/notifications/seen", { upTo: newestShown });
  };

  /** Marks unread again; also the Undo of "all" read, with the ids it answered. */
  readonly markUnread = (ids: string[]) => this.act((f) => markUnreadLocally(f, ids), "/api/notifications/unread", { ids });

  readonly archive = (which: string[] | "allRead") =>
    this.act((f) => archiveLocally(f, which), "/api/notifications/archive", which === "allRead" ? { allRead: true } : { ids: which });

  /** Moves back from the archive; also the Undo of "Archive read", with the ids it answered. */
  readonly unarchive = (ids: string[]) => this.act(awaitServer, "/api/notifications/unarchive", { ids });

  /** Snoozes until an ISO time; null brings them back now. */
  readonly snooze = (ids: string[], until: string | null) =>
    this.act((f) => (until === null ? awaitServer(f) : snoozeLocally(f, ids, until)), "/api/notifications/snooze", { ids, until });

  /** "I'm on it": the card shows who is on it once the server answers (the first acknowledgement, maybe another's). */
  readonly acknowledge = async (id: string) => {
    try {
      const { acknowledgement } = await apiFetch<{ acknowledgement: Acknowledgement }>(`/api/alerts/${encodeURIComponent(id)}/acknowledge`, { method: "POST" });
      this.update((f) => applyAcknowledgedEvent(f, { id, acknowledgement }));
    } catch (error) {
      this.update((f) => ({ ...f, actionError: (error as Error).message }));
    }
  };

  readonly loadMore = async () => {
    const cursor = this.state.nextCursor;
    if (!cursor) return;
    try {
      const page = await apiFetch<NotificationPage>(`${FEED_PAGE}&cursor=${encodeURIComponent(cursor)}`);
      this.update((f) => expireItems(appendOlderPage(f, page), Date.now()));
    } catch (error) {
      this.update((f) => ({ ...f, actionError: (error as Error).message }));
    }
  };

  /** The network is back, or the stream connected again: an error that said the server could not be reached, or did not answer, goes. */
  private readonly networkBack = () => this.update((f) => (f.actionError === UNREACHABLE || f.actionError === NO_ANSWER ? { ...f, actionError: null } : f));

  private update(change: (f: FeedState) => FeedState) {
    const next = change(this.state);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
    // A missed change or a dropped reply asks for the newest page again (once per ask), when no change made here is on its way.
    if (!this.stopped && next.resync > this.resyncHandled && next.inFlight === 0) {
      this.resyncHandled = next.resync;
      void this.sync();
    }
    if (next.items !== this.expiryTimedFor) this.timeNextExpiry();
    if (next.snoozed !== this.wakeTimedFor) this.timeNextWake();
  }

  /**
   * Changes the feed at once, then asks the server; its answer's counts are
   * applied by version (feed-state.ts). On failure the change is undone, the
   * error shows, and the newest page is fetched again.
   */
  private async act(local: (f: FeedState) => { feed: FeedState; undo: LocalChange }, path: string, body: unknown): Promise<ChangeAnswer | null> {
    let undo: LocalChange | null = null;
    this.update((f) => {
      const result = local(f);
      undo = result.undo;
      return result.feed;
    });
    try {
      const answer = await apiFetch<ChangeAnswer>(path, { method: "POST", body, timeoutMs: REPLY_TIMEOUT_MS });
      this.update((f) => settleChange(f, answer, undo!));
      return answer;
    } catch (error) {
      this.update((f) => ({ ...revert(f, undo!), actionError: (error as Error).message }));
      return null;
    }
  }

  /** The person's Retry after a failed load: the newest page again, now. */
  readonly retry = () => void this.sync();

  /** Fetches the newest page and merges it; a failure shows and is retried with backoff until one succeeds. */
  private async sync() {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    try {
      const askedIn = this.state.history;
      const page = await apiFetch<NotificationPage>(FEED_PAGE, { timeoutMs: REPLY_TIMEOUT_MS });
      this.retryAttempt = 0;
      this.update((f) => expireItems(mergeFirstPage(f, page, askedIn), Date.now()));
    } catch (error) {
      this.update((f) => ({ ...f, loading: false, loadError: (error as Error).message }));
      if (!this.stopped) this.retryTimer = setTimeout(() => void this.sync(), backoffDelay(this.retryAttempt++, HISTORY_RETRY_BASE_MS));
    } finally {
      this.syncing = false;
    }
    if (this.syncAgain && !this.stopped) {
      this.syncAgain = false;
      void this.sync();
    }
  }

  /**
   * A snoozed notification comes back at its time on the server's clock (capped as expiries are, and
   * timed again when it fires), toasted once however often a page lists it again.
   */
  private timeNextWake() {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.wakeTimedFor = this.state.snoozed;
    const at = nextWake(this.state);
    if (this.stopped || at === null) return;
    const serverNow = () => Date.now() + this.serverClockOffsetMs;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      let woken: Notification[] = [];
      this.update((f) => {
        const result = wakeSnoozed(f, serverNow());
        woken = result.woken;
        return result.feed;
      });
      for (const n of woken) {
        if (this.woken.has(n.id)) continue;
        this.woken.add(n.id);
        this.callbacks.onSnoozeOver?.(n);
      }
      this.timeNextWake();
    }, Math.max(0, Math.min(at - serverNow(), MAX_TIMER_MS)));
  }

  /**
   * An alert that expires leaves the feed and the counts at its time, without a reload. The timer is set
   * again after every firing, also when it fired early (timers and the wall clock may differ by a
   * millisecond) or was capped at MAX_TIMER_MS and nothing expired yet.
   */
  private timeNextExpiry() {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.expiryTimedFor = this.state.items;
    if (this.stopped) return;
    const at = nextExpiry(this.state.items, Date.now());
    if (at === null) return;
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null;
      this.update((f) => expireItems(f, Date.now()));
      this.timeNextExpiry();
    }, Math.min(at - Date.now(), MAX_TIMER_MS));
  }
}
