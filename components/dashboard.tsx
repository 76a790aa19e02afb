"use client";
// The live dashboard: connection state, bell, feed, toasts, chart, channels.
import { useCallback, useRef, useState } from "react";
import { useNotificationFeed } from "@/hooks/use-notification-feed";
import type { Notification } from "@/lib/types";
import { ActivityChart } from "./activity-chart";
import { Bell } from "./bell";
import { ChannelFollows } from "./channel-follows";
import { ConnectionIndicator } from "./connection-indicator";
import { NotificationFeed } from "./notification-feed";
import { Toasts } from "./toasts";

const TOAST_MS = 6_000;

export function Dashboard() {
  const [toasts, setToasts] = useState<Notification[]>([]);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: string) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((t) => t.filter((x) => x.id !== id));
  }, []);

  const showToast = useCallback(
    (n: Notification) => {
      setToasts((t) => [...t.slice(-3), n]);
      timers.current.set(n.id, setTimeout(() => dismiss(n.id), TOAST_MS));
    },
    [dismiss],
  );

  const { feed, stream, markRead, loadMore } = useNotificationFeed(showToast);

  return (
    <>
      <div className="mb-4 flex items-center justify-between gap-3">
        <ConnectionIndicator status={stream.status} retryInMs={stream.retryInMs} />
        <Bell unreadCount={feed.unreadCount} latest={feed.items.slice(0, 5)} onMarkAllRead={() => void markRead("all")} />
      </div>
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <NotificationFeed
          items={feed.items}
          loading={feed.loading}
          error={feed.error}
          hasMore={feed.nextCursor !== null}
          onMarkRead={(id) => void markRead([id])}
          onMarkAllRead={() => void markRead("all")}
          onLoadMore={() => void loadMore()}
        />
        <aside className="space-y-4">
          <ActivityChart items={feed.items} />
          <ChannelFollows />
        </aside>
      </div>
      <Toasts toasts={toasts} onDismiss={dismiss} />
    </>
  );
}
