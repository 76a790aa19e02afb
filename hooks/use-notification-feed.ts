"use client";
// The dashboard's state: the history page, live notifications merged in by id,
// read state kept in sync with the user's other tabs, and what is new for toasts.
import { useCallback, useEffect, useRef, useState } from "react";
import { apiFetch } from "@/lib/api-client";
import type { Notification, NotificationPage, NotificationWithRead, ReadEventData, StreamEventMap } from "@/lib/types";
import { useSSE, type SSEMessage } from "./use-sse";

const PAGE_SIZE = 30;
const STREAM_EVENTS = ["notification", "read", "reset"] as const;

type StreamMessage = SSEMessage<StreamEventMap[(typeof STREAM_EVENTS)[number]]>;

export interface FeedState {
  items: NotificationWithRead[];
  unreadCount: number;
  loading: boolean;
  error: string | null;
  nextCursor: string | null;
}

export function useNotificationFeed(onNew: (n: Notification) => void) {
  const [feed, setFeed] = useState<FeedState>({ items: [], unreadCount: 0, loading: true, error: null, nextCursor: null });
  // The stream opens only after the first page is in, resuming from its newest id,
  // so nothing published in between is missed and nothing arrives twice.
  const [resumeFrom, setResumeFrom] = useState<string | null | undefined>(undefined);
  // Ids already shown, so a live event that the history also had is never shown twice.
  const seen = useRef(new Set<string>());
  const onNewRef = useRef(onNew);
  useEffect(() => {
    onNewRef.current = onNew;
  });

  const loadFirstPage = useCallback(async () => {
    try {
      const page = await apiFetch<NotificationPage>(`/api/notifications?limit=${PAGE_SIZE}`);
      for (const item of page.items) seen.current.add(item.id);
      setFeed({ items: page.items, unreadCount: page.unreadCount, loading: false, error: null, nextCursor: page.nextCursor });
      return page;
    } catch (error) {
      setFeed((f) => ({ ...f, loading: false, error: (error as Error).message }));
      return null;
    }
  }, []);

  useEffect(() => {
    void loadFirstPage().then((page) => setResumeFrom(page?.items[0]?.id ?? "0-0"));
  }, [loadFirstPage]);

  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (message.event === "notification") {
        const n = message.data as Notification;
        if (seen.current.has(n.id)) return;
        seen.current.add(n.id);
        setFeed((f) => ({ ...f, items: [{ ...n, read: false }, ...f.items], unreadCount: f.unreadCount + 1 }));
        onNewRef.current(n);
      } else if (message.event === "read") {
        const data = message.data as ReadEventData;
        setFeed((f) => ({ ...markItemsRead(f, "ids" in data ? new Set(data.ids) : "all"), unreadCount: data.unreadCount }));
      } else if (message.event === "reset") {
        void loadFirstPage();
      }
    },
    [loadFirstPage],
  );

  const stream = useSSE<StreamMessage["data"]>(resumeFrom === undefined ? null : "/api/events", {
    events: STREAM_EVENTS,
    lastEventId: resumeFrom,
    onMessage,
  });

  const markRead = useCallback(async (ids: string[] | "all") => {
    const request = ids === "all" ? { all: true as const } : { ids };
    const which = ids === "all" ? "all" : new Set(ids);
    setFeed((f) => {
      const newlyRead = which === "all" ? f.unreadCount : f.items.filter((i) => !i.read && which.has(i.id)).length;
      return { ...markItemsRead(f, which), unreadCount: Math.max(0, f.unreadCount - newlyRead) };
    });
    try {
      const { unreadCount } = await apiFetch<{ unreadCount: number }>("/api/notifications/read", { method: "POST", body: request });
      setFeed((f) => ({ ...f, unreadCount }));
    } catch (error) {
      setFeed((f) => ({ ...f, error: (error as Error).message }));
    }
  }, []);

  const loadMore = useCallback(async () => {
    if (!feed.nextCursor) return;
    try {
      const page = await apiFetch<NotificationPage>(`/api/notifications?limit=${PAGE_SIZE}&cursor=${encodeURIComponent(feed.nextCursor)}`);
      const older = page.items.filter((i) => !seen.current.has(i.id));
      for (const item of older) seen.current.add(item.id);
      setFeed((f) => ({ ...f, items: [...f.items, ...older], nextCursor: page.nextCursor }));
    } catch (error) {
      setFeed((f) => ({ ...f, error: (error as Error).message }));
    }
  }, [feed.nextCursor]);

  return { feed, stream, markRead, loadMore };
}

function markItemsRead(feed: FeedState, ids: Set<string> | "all"): FeedState {
  const items = feed.items.map((item) => (item.read || (ids !== "all" && !ids.has(item.id)) ? item : { ...item, read: true }));
  return { ...feed, items };
}
