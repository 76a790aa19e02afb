"use client";
// The dashboard's state: the stream opens at once and the newest history page
// is fetched (again after every reconnect, reset or wake-up) and merged in, so
// nothing published meanwhile is missed, nothing shows twice, and the unread
// count matches the server's after any reconnect, race or failure. The rules
// for merging live in lib/client/feed-state.ts. The feed holds what the
// person's mutes leave (the "Muted" filter lists the rest from the server).
import { useCallback, useEffect, useRef, useState } from "react";
import { apiFetch } from "@/lib/client/api-client";
import { nextExpiry } from "@/lib/shared/expiry";
import { isMuted, preferencesIn } from "@/lib/shared/preferences";
import { backoffDelay } from "@/lib/client/sse-connection";
import {
  addLive,
  appendOlderPage,
  applyArchivedEvent,
  applyPreferencesEvent,
  applyReadEvent,
  applySeenEvent,
  archiveLocally,
  emptyFeed,
  expireItems,
  markReadLocally,
  markSeenLocally,
  mergeFirstPage,
  revert,
  settleChange,
  type FeedState,
  type LocalChange,
} from "@/lib/client/feed-state";
import type {
  ArchivedEventData,
  ConnectedEventData,
  InboxCounts,
  Notification,
  NotificationPage,
  PreferencesEventData,
  ReadEventData,
  SeenEventData,
  StreamEventMap,
} from "@/lib/shared/types";
import { useSSE, type SSEMessage } from "./use-sse";

const PAGE_SIZE = 30;
/** The feed's pages: none of what the person muted. */
const FEED_PAGE = `/api/notifications?limit=${PAGE_SIZE}&muted=0`;
const STREAM_EVENTS = ["connected", "notification", "read", "seen", "archived", "preferences", "reset"] as const;
const HISTORY_RETRY_BASE_MS = 2_000;
/** setTimeout's longest delay (about 24 days; a longer one would fire at once): a later expiry is timed again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type StreamMessage = SSEMessage<StreamEventMap[(typeof STREAM_EVENTS)[number]]>;

export type { FeedState };

interface FeedCallbacks {
  /** A live notification the person's preferences leave unmuted. */
  onNew(n: Notification): void;
  /** A live notification their preferences mute (no toast, no desktop notification). */
  onMuted?(n: Notification): void;
  /** The stream (re)connected and said the server's time. */
  onConnected?(data: ConnectedEventData): void;
}

/**
 * `scope`: the signed-in user's id (tabs share a stream only within it).
 * `dropped`: this tab lets go of the stream (useHiddenDrop); when it takes it again, the stream resumes by id.
 */
export function useNotificationFeed(scope: string, callbacks: FeedCallbacks, { dropped = false }: { dropped?: boolean } = {}) {
  const [feed, setFeed] = useState<FeedState>(emptyFeed);
  const callbacksRef = useRef(callbacks);
  useEffect(() => {
    callbacksRef.current = callbacks;
  });
  const sync = useHistorySync(setFeed);
  // The feed as last rendered, for the stream's handlers: its preferences mute live notifications (a
  // `preferences` event sets them here at once, so one right behind it is muted by the new ones), and its
  // version and newest item say whether a new stream's resume is all it needs.
  const shown = useRef(feed);
  useEffect(() => {
    shown.current = feed;
  });
  // The browser now holds another account's session (signed in as someone else in another tab).
  const otherAccount = useRef(false);

  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (otherAccount.current) return;
      switch (message.event) {
        case "connected":
          if ((message.data as ConnectedEventData).userId !== scope) {
            otherAccount.current = true;
            window.location.reload();
            return;
          }
          callbacksRef.current.onConnected?.(message.data as ConnectedEventData);
          // A planned rotation or a short drop: the stream resumes by id, and no mark changed meanwhile.
          const { version, items } = shown.current;
          if (items.length && version >= 0 && (message.data as ConnectedEventData).inboxVersion === version) return;
          return sync();
        case "notification": {
          // The stream hands each on once (ids only grow); the feed also may have it from history.
          const n = message.data as Notification;
          setFeed((f) => expireItems(addLive(f, n), Date.now()));
          if (isMuted(n, shown.current.preferences)) callbacksRef.current.onMuted?.(n);
          else callbacksRef.current.onNew(n);
          // It may replace one this page does not hold (older than the feed reaches): the server's counts know.
          if (n.collapseKey !== undefined) sync();
          return;
        }
        case "read":
          return setFeed((f) => applyReadEvent(f, message.data as ReadEventData));
        case "seen":
          return setFeed((f) => applySeenEvent(f, message.data as SeenEventData));
        case "archived":
          return setFeed((f) => applyArchivedEvent(f, message.data as ArchivedEventData));
        case "preferences": {
          const data = message.data as PreferencesEventData;
          shown.current = { ...shown.current, preferences: preferencesIn(data) };
          return setFeed((f) => applyPreferencesEvent(f, data));
        }
        // Read marks are not replayed (see `connected`) and a reset means a hole: fetch the newest page again.
        case "reset":
          return sync();
      }
    },
    [scope, sync],
  );

  const stream = useSSE<StreamMessage["data"]>(dropped ? null : "/api/events", {
    events: STREAM_EVENTS,
    scope,
    // A later resume starts after the newest item shown, never from the start.
    lastEventId: feed.items[0]?.id ?? null,
    onMessage,
  });

  // A missed change or a dropped reply asks for the newest page again (once per ask), when no change made here is on its way.
  const resyncHandled = useRef(0);
  useEffect(() => {
    if (feed.resync <= resyncHandled.current || feed.inFlight > 0) return;
    resyncHandled.current = feed.resync;
    sync();
  }, [feed.resync, feed.inFlight, sync]);

  /**
   * Changes the feed at once, then asks the server; its answer's counts are
   * applied by version (feed-state.ts). On failure the change is undone, the
   * error shows, and the newest page is fetched again.
   */
  const act = useCallback(async (local: (f: FeedState) => { feed: FeedState; undo: LocalChange }, path: string, body: unknown) => {
    // Read back from the updater, which React runs before the request below returns.
    let undo: LocalChange | null = null;
    setFeed((f) => {
      const result = local(f);
      undo = result.undo;
      return result.feed;
    });
    try {
      const counts = await apiFetch<InboxCounts>(path, { method: "POST", body });
      setFeed((f) => settleChange(f, counts));
    } catch (error) {
      setFeed((f) => ({ ...revert(f, undo!), actionError: (error as Error).message }));
    }
  }, []);

  const markRead = useCallback(
    (which: string[] | "all") => act((f) => markReadLocally(f, which), "/api/notifications/read", which === "all" ? { all: true } : { ids: which }),
    [act],
  );

  /** The bell's menu opened on what this render shows: that is seen now (the badge counts unseen ones). */
  const newestShown = feed.items[0]?.id ?? null;
  const anyUnseen = feed.unseenCount > 0;
  const markSeen = useCallback(() => {
    if (newestShown && anyUnseen) void act(markSeenLocally, "/api/notifications/seen", { upTo: newestShown });
  }, [act, newestShown, anyUnseen]);

  const archive = useCallback(
    (which: string[] | "allRead") =>
      act((f) => archiveLocally(f, which), "/api/notifications/archive", which === "allRead" ? { allRead: true } : { ids: which }),
    [act],
  );

  const loadMore = useCallback(async () => {
    if (!feed.nextCursor) return;
    try {
      const page = await apiFetch<NotificationPage>(`${FEED_PAGE}&cursor=${encodeURIComponent(feed.nextCursor)}`);
      setFeed((f) => expireItems(appendOlderPage(f, page), Date.now()));
    } catch (error) {
      setFeed((f) => ({ ...f, actionError: (error as Error).message }));
    }
  }, [feed.nextCursor]);

  // An alert that expires leaves the feed and the counts at its time, without a reload. Each firing is
  // counted, so the timer is set again even when it fired early (timers and the wall clock may differ
  // by a millisecond) or was capped at MAX_TIMER_MS and nothing expired yet.
  const [expiryFirings, setExpiryFirings] = useState(0);
  useEffect(() => {
    const at = nextExpiry(feed.items, Date.now());
    if (at === null) return;
    const timer = setTimeout(() => {
      setFeed((f) => expireItems(f, Date.now()));
      setExpiryFirings((n) => n + 1);
    }, Math.min(at - Date.now(), MAX_TIMER_MS));
    return () => clearTimeout(timer);
  }, [feed.items, expiryFirings]);

  return { feed, stream, markRead, markSeen, archive, loadMore };
}

/**
 * Fetches the newest page and merges it: at once on mount, and whenever
 * asked. One fetch at a time (a request made while one runs runs once after
 * it); a failure shows and is retried with backoff until one succeeds.
 */
function useHistorySync(setFeed: React.Dispatch<React.SetStateAction<FeedState>>) {
  const running = useRef(false);
  const again = useRef(false);
  const retry = useRef<{ timer: ReturnType<typeof setTimeout> | null; attempt: number; unmounted: boolean }>({ timer: null, attempt: 0, unmounted: false });

  const sync = useCallback(async () => {
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = true;
    if (retry.current.timer) clearTimeout(retry.current.timer);
    retry.current.timer = null;
    try {
      const page = await apiFetch<NotificationPage>(FEED_PAGE);
      retry.current.attempt = 0;
      setFeed((f) => expireItems(mergeFirstPage(f, page), Date.now()));
    } catch (error) {
      setFeed((f) => ({ ...f, loading: false, loadError: (error as Error).message }));
      if (!retry.current.unmounted) retry.current.timer = setTimeout(() => void sync(), backoffDelay(retry.current.attempt++, HISTORY_RETRY_BASE_MS));
    } finally {
      running.current = false;
    }
    if (again.current && !retry.current.unmounted) {
      again.current = false;
      void sync();
    }
  }, [setFeed]);

  useEffect(() => {
    const state = retry.current;
    state.unmounted = false;
    void sync();
    return () => {
      state.unmounted = true;
      if (state.timer) clearTimeout(state.timer);
    };
  }, [sync]);

  return useCallback(() => void sync(), [sync]);
}
