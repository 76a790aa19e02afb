"use client";
// The dashboard's feed (lib/client/feed.ts) for a component: its state as
// rendered, and the one stream of the browser feeding it.
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { FEED_STREAM_EVENTS, NotificationFeed, type FeedCallbacks, type FeedStreamMessage } from "@/lib/client/feed";
import type { NotificationPage } from "@/lib/shared/types";
import { useSSE } from "./use-sse";

/**
 * `scope`: the signed-in user's id (tabs share a stream only within it).
 * `dropped`: this tab lets go of the stream (useHiddenDrop); when it takes it again, the stream resumes by id.
 * `firstPage`: the newest page the server rendered with the page (lib/client/feed.ts).
 */
export function useNotificationFeed(
  scope: string,
  callbacks: FeedCallbacks,
  { dropped = false, firstPage = null }: { dropped?: boolean; firstPage?: NotificationPage | null } = {},
) {
  const [source] = useState(() => new NotificationFeed(scope, callbacks, firstPage));
  useEffect(() => source.heardBy(scope, callbacks));
  useEffect(() => {
    source.start();
    return () => source.stop();
  }, [source]);
  const feed = useSyncExternalStore(source.subscribe, source.snapshot, source.snapshot);

  const stream = useSSE<FeedStreamMessage["data"]>(dropped ? null : "/api/events", {
    events: FEED_STREAM_EVENTS,
    scope,
    // A resume starts after the newest of the person's the feed accounts for, never from the start.
    lastEventId: source.resumeId(),
    onMessage: source.onMessage,
  });
  useEffect(() => source.streamStatus(stream.status), [source, stream.status]);

  /** The bell's menu opened on what this render shows. */
  const newestShown = feed.items[0]?.id ?? null;
  const markSeen = useCallback(() => source.markSeen(newestShown), [source, newestShown]);

  const { markRead, markUnread, archive, unarchive, snooze, acknowledge, loadMore, retry } = source;
  return { feed, stream, markRead, markUnread, markSeen, archive, unarchive, snooze, acknowledge, loadMore, retry };
}
