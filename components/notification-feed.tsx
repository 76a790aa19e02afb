"use client";
// The feed with its filters (all/unread/archived, severity, channel), empty,
// loading and error states, and "load more". Archived notifications left the
// feed; the "Archived" filter lists them from the history. Cards are grouped
// under their day ("Today", "Yesterday", a date), in the reader's time zone.
import { Fragment, useEffect, useState, useSyncExternalStore } from "react";
import { useArchived } from "@/hooks/use-archived";
import { currentDay, currentMinute, subscribeMinutes } from "@/lib/client/minute-clock";
import { dayKey, dayLabel } from "@/lib/client/relative-time";
import { SEVERITIES, type NotificationWithRead, type Severity } from "@/lib/types";
import { NotificationCard } from "./notification-card";

interface Props {
  items: NotificationWithRead[];
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  /** Bumped whenever something is archived: the "Archived" list loads again. */
  archiveVersion: number;
  onMarkRead: (id: string) => void;
  onMarkAllRead: () => void;
  onArchive: (id: string) => void;
  onArchiveRead: () => void;
  onOpenLink: (id: string) => void;
  /** The inbox items rendered now (none while "Archived" shows). */
  onShown: (ids: string[]) => void;
  onLoadMore: () => void;
}

const VIEWS = [
  { view: "all", label: "All" },
  { view: "unread", label: "Unread" },
  { view: "archived", label: "Archived" },
] as const;
type View = (typeof VIEWS)[number]["view"];

export function NotificationFeed(props: Props) {
  const { onMarkRead, onMarkAllRead, onArchive, onArchiveRead, onOpenLink, onShown } = props;
  const [view, setView] = useState<View>("all");
  // Changes only at midnight: the headings follow the day, not every minute. Empty on the server (its time zone is not the reader's).
  const today = useSyncExternalStore(subscribeMinutes, currentDay, () => "");
  const archived = useArchived(view === "archived", props.archiveVersion);
  const { items, loading, error, hasMore, onLoadMore } =
    view === "archived" ? { ...archived, error: archived.error ?? props.error, onLoadMore: archived.loadMore } : props;
  const [severity, setSeverity] = useState<Severity | "">("");
  const [channel, setChannel] = useState("");
  const channels = [...new Set(items.flatMap((i) => (i.audience.kind === "channel" ? [i.audience.channel] : [])))].sort();
  const shown = items.filter(
    (i) =>
      (view !== "unread" || !i.read) &&
      (!severity || i.severity === severity) &&
      (!channel || (i.audience.kind === "channel" && i.audience.channel === channel)),
  );
  const inbox = view !== "archived";
  const shownKey = inbox ? shown.map((i) => i.id).join(",") : "";
  useEffect(() => onShown(shownKey ? shownKey.split(",") : []), [shownKey, onShown]);
  const select = "rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

  return (
    <section aria-labelledby="feed-heading" className="space-y-3">
      {/* One row on a desktop, two on a phone (where the heading is for screen readers only). */}
      <div data-testid="feed-toolbar" className="flex flex-wrap items-center gap-2">
        <h2 id="feed-heading" className="sr-only sm:not-sr-only sm:mr-auto sm:text-lg sm:font-semibold">
          Notifications
        </h2>
        <div role="group" aria-label="Show" className="inline-flex rounded-lg ring-1 ring-slate-300 dark:ring-slate-700">
          {VIEWS.map(({ view: value, label }) => (
            <button
              key={value}
              type="button"
              data-testid={`filter-${value}`}
              aria-pressed={view === value}
              onClick={() => setView(value)}
              className={`px-2.5 py-1.5 text-sm first:rounded-l-lg last:rounded-r-lg sm:px-3 ${view === value ? "bg-brand-600 text-white" : ""}`}
            >
              {label}
            </button>
          ))}
        </div>
        <label className="sr-only" htmlFor="filter-severity">Severity</label>
        <select id="filter-severity" data-testid="filter-severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity | "")} className={select}>
          <option value="">Severity</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>{s}</option>
          ))}
        </select>
        <label className="sr-only" htmlFor="filter-channel">Channel</label>
        <select id="filter-channel" data-testid="filter-channel" value={channel} onChange={(e) => setChannel(e.target.value)} className={select}>
          <option value="">Channel</option>
          {channels.map((c) => (
            <option key={c} value={c}>#{c}</option>
          ))}
        </select>
        {inbox && (
          <>
            <button type="button" data-testid="archive-read" onClick={onArchiveRead} className="rounded-lg px-2.5 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-100 sm:px-3 dark:ring-slate-700 dark:hover:bg-slate-800">
              Archive read
            </button>
            <button type="button" data-testid="mark-all-read" onClick={onMarkAllRead} className="rounded-lg bg-slate-900 px-2.5 py-1.5 text-sm font-medium text-white hover:bg-slate-700 sm:px-3 dark:bg-slate-100 dark:text-slate-900">
              Mark all read
            </button>
          </>
        )}
      </div>

      {error && (
        <p role="alert" data-testid="feed-error" className="rounded-lg bg-rose-50 p-3 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {error}
        </p>
      )}
      <ul data-testid="notification-feed" className="space-y-2">
        {loading && items.length === 0 && [0, 1, 2].map((i) => <li key={i} className="h-20 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" />)}
        {shown.map((item, i) => (
          <Fragment key={item.id}>
            {today && (i === 0 || dayKey(item.createdAt) !== dayKey(shown[i - 1]!.createdAt)) && (
              <li data-testid="feed-day" className="px-1 pt-2">
                <h3 className="text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400">{dayLabel(item.createdAt, currentMinute())}</h3>
              </li>
            )}
            <li data-testid="notification-item" data-id={item.id} data-read={String(item.read)} data-seen={String(item.seen)}>
              <NotificationCard
                notification={item}
                read={item.read}
                onMarkRead={inbox ? onMarkRead : undefined}
                onArchive={inbox ? onArchive : undefined}
                onOpenLink={onOpenLink}
              />
            </li>
          </Fragment>
        ))}
      </ul>
      {!loading && shown.length === 0 && (
        <p className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-sm text-slate-600 dark:text-slate-400 dark:border-slate-700">
          {!inbox && items.length === 0
            ? "Nothing archived. Archived notifications are kept here."
            : items.length === 0
              ? "No notifications yet. New ones appear here the moment they are sent."
              : "Nothing matches these filters."}
        </p>
      )}
      {hasMore && (
        <button type="button" onClick={onLoadMore} className="w-full rounded-lg py-2 text-sm font-medium text-brand-600 dark:text-brand-300 hover:bg-brand-500/10">
          Load more
        </button>
      )}
    </section>
  );
}
