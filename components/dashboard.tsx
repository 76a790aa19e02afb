"use client";
// The live dashboard: connection state, bell, feed, toasts, chart, channels.
// A new notification alerts once per browser: a toast in the tab the person
// is looking at, or a desktop notification (if turned on) when none is in view.
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useDisplayAcks } from "@/hooks/use-display-acks";
import { useHiddenDrop } from "@/hooks/use-hidden-drop";
import { useNotificationFeed } from "@/hooks/use-notification-feed";
import { useToasts } from "@/hooks/use-toasts";
import { DisplayAcks } from "@/lib/client/display-acks";
import { countLabel } from "@/lib/client/feed-state";
import { desktopNotificationsAllowed, showDesktopNotification } from "@/lib/client/desktop-notifications";
import { goToSignIn } from "@/lib/client/sign-out";
import { StreamError } from "@/lib/client/sse-types";
import { TabAttention } from "@/lib/client/tab-attention";
import type { ConnectedEventData, Notification, NotificationPage } from "@/lib/shared/types";
import { ActivityChart } from "./activity-chart";
import { Bell } from "./bell";
import { ChannelFollows } from "./channel-follows";
import { ConnectionIndicator } from "./connection-indicator";
import { NotificationFeed } from "./notification-feed";
import { Toasts } from "./toasts";
import { UndoBar, type UndoOffer } from "./undo-bar";

const TITLE = "Live notifications";
/** `history`: which of the server's histories the feed holds; a server that started over lost the follows shown, so they load again. */
const Sidebar = memo(function Sidebar({ items, history }: { items: Notification[]; history: number }) {
  return (
    <aside className="space-y-4">
      <ActivityChart items={items} />
      <ChannelFollows key={history} />
    </aside>
  );
});

/**
 * `hiddenStreamDropMs`: HIDDEN_STREAM_DROP_MIN, in ms (0: the stream is kept while every tab is hidden).
 * `firstPage`: the feed's newest page, rendered on the server with the page (null: the browser loads it).
 */
export function Dashboard({ userId, hiddenStreamDropMs = 0, firstPage = null }: { userId: string; hiddenStreamDropMs?: number; firstPage?: NotificationPage | null }) {
  const { toasts, folded, show, dismiss } = useToasts();
  const [attention] = useState(() => (typeof window === "undefined" ? null : new TabAttention()));
  const [acks] = useState(() => (typeof window === "undefined" ? null : new DisplayAcks(userId)));
  useEffect(() => {
    attention?.start();
    return () => attention?.stop();
  }, [attention]);

  // The person's choice comes with the feed's preferences (which need the feed, which needs these callbacks).
  const desktopChosen = useRef(false);
  const desktopOn = useCallback(() => desktopChosen.current && desktopNotificationsAllowed(), []);
  const alert = useCallback(
    (n: Notification) => {
      acks?.arrivedLive(n.id);
      if (!attention) return;
      if (attention.holdsAttention()) show(n);
      else if (!attention.anyTabVisible() && desktopOn()) showDesktopNotification(n);
    },
    [acks, attention, show, desktopOn],
  );

  // Muted ones stay out of the feed; the "Muted" list reads them again when one arrives.
  const [mutedArrivals, setMutedArrivals] = useState(0);
  const onMuted = useCallback(
    (n: Notification) => {
      acks?.mutedLive(n.id);
      setMutedArrivals((count) => count + 1);
    },
    [acks],
  );
  const onConnected = useCallback((data: ConnectedEventData) => acks?.setServerTime(data.serverTime), [acks]);
  const dropped = useHiddenDrop(attention, desktopOn, hiddenStreamDropMs);
  // Back from a snooze: a toast in the tab in view (not the first arrival: the funnel counted that).
  const onSnoozeOver = useCallback((n: Notification) => void (attention?.holdsAttention() && show(n)), [attention, show]);
  const { feed, stream, markRead, markUnread, markSeen, archive, unarchive, snooze, acknowledge, loadMore, retry } = useNotificationFeed(
    userId,
    { onNew: alert, onMuted, onConnected, onSnoozeOver },
    { dropped, firstPage },
  );
  useEffect(() => {
    desktopChosen.current = feed.preferences.desktopNotifications;
  }, [feed.preferences.desktopNotifications]);
  const markOne = useCallback((id: string) => void markRead([id]), [markRead]);
  const markSome = useCallback((ids: string[]) => void markRead(ids), [markRead]);
  const unreadSome = useCallback((ids: string[]) => void markUnread(ids), [markUnread]);
  const archiveSome = useCallback((ids: string[]) => void archive(ids), [archive]);
  const unarchiveSome = useCallback((ids: string[]) => void unarchive(ids), [unarchive]);
  const snoozeSome = useCallback((ids: string[], until: string) => void snooze(ids, until), [snooze]);
  const unsnoozeSome = useCallback((ids: string[]) => void snooze(ids, null), [snooze]);
  const acknowledgeOne = useCallback((id: string) => void acknowledge(id), [acknowledge]);
  // "Mark all read" and "Archive read" offer an Undo of exactly what the server says they changed.
  const [undoOffer, setUndoOffer] = useState<UndoOffer | null>(null);
  const undoDone = useCallback(() => setUndoOffer(null), []);
  const offerUndo = useCallback((message: string, undo: () => void) => setUndoOffer((last) => ({ message, undo, key: (last?.key ?? 0) + 1 })), []);
  const markAll = useCallback(async () => {
    const ids = (await markRead("all"))?.ids ?? [];
    if (ids.length) offerUndo(`Marked ${ids.length} read`, () => void markUnread(ids));
  }, [markRead, markUnread, offerUndo]);
  const archiveRead = useCallback(async () => {
    const ids = (await archive("allRead"))?.ids ?? [];
    if (ids.length) offerUndo(`Archived ${ids.length}`, () => void unarchive(ids));
  }, [archive, unarchive, offerUndo]);
  const openedLink = useCallback((id: string) => acks?.openedLink(id), [acks]);
  const more = useCallback(() => void loadMore(), [loadMore]);
  // A toast stays only while its notification is in the feed, unread and nobody is on it: read, archived,
  // muted, replaced or acknowledged anywhere, by anyone, it goes.
  const toastable = useMemo(() => new Set(feed.items.flatMap((i) => (i.read || i.acknowledgement ? [] : [i.id]))), [feed.items]);
  const shownToasts = useMemo(() => toasts.filter((t) => toastable.has(t.id)), [toasts, toastable]);
  // What the feed renders now (its filters may hide some): those reach the screen.
  const [shownIds, setShownIds] = useState<string[]>([]);
  useDisplayAcks(acks, attention, shownIds);

  // The title counts unread (what is left to read); the badge counts unseen (new since the bell was opened).
  useEffect(() => {
    document.title = feed.unreadCount > 0 ? `(${countLabel(feed.unreadCount)}) ${TITLE}` : TITLE;
  }, [feed.unreadCount]);

  // The session ended (signed out elsewhere, expired): the stream said 401.
  const signedOut = stream.error instanceof StreamError && stream.error.kind === "unauthorized";
  useEffect(() => {
    if (signedOut) goToSignIn();
  }, [signedOut]);

  return (
    <>
      <h1 className="sr-only">Dashboard</h1>
      <div className="mb-4 flex items-center justify-between gap-3">
        <ConnectionIndicator status={stream.status} retryInMs={stream.retryInMs} error={stream.error} delayed={!feed.storeReachable} />
        <Bell unseenCount={feed.unseenCount} latest={feed.items.slice(0, 5)} onOpen={markSeen} onMarkAllRead={() => void markAll()} onOpenLink={openedLink} />
      </div>
      {/* minmax(0, 1fr): the feed's column takes no min-content width from what a card holds. */}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <NotificationFeed
          items={feed.items}
          snoozed={feed.snoozed}
          loading={feed.loading}
          error={feed.actionError ?? feed.loadError}
          notice={feed.startedOver ? "The server started over: notifications sent before it restarted are gone." : null}
          hasMore={feed.nextCursor !== null}
          listReloadKey={`${feed.archiveVersion}:${feed.version}:${feed.items[0]?.id ?? ""}:${mutedArrivals}`}
          onMarkRead={markSome}
          onMarkUnread={unreadSome}
          onMarkAllRead={() => void markAll()}
          onArchive={archiveSome}
          onUnarchive={unarchiveSome}
          onArchiveRead={() => void archiveRead()}
          onSnooze={snoozeSome}
          onUnsnooze={unsnoozeSome}
          onOpenLink={openedLink}
          onAcknowledge={acknowledgeOne}
          onShown={setShownIds}
          onLoadMore={more}
          onRetry={feed.loadError && !feed.actionError ? retry : null}
        />
        <Sidebar items={feed.items} history={feed.history} />
      </div>
      <Toasts toasts={shownToasts} folded={folded} onDismiss={dismiss} onMarkRead={markOne} onOpen={openedLink} onAcknowledge={acknowledgeOne} />
      {undoOffer && <UndoBar offer={undoOffer} onDone={undoDone} />}
    </>
  );
}
