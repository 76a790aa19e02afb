"use client";
// The feed with its views (all, unread, snoozed, muted, archived), its search
// (words, severity, channel, dates), empty, loading and error states, "load
// more", a selection to act on many at once, and the keyboard's shortcuts.
// All and Unread show the live feed and Snoozed the feed's snoozed list; the
// muted, the archived and any search are lists read from the history (GET
// /api/notifications), read again when `listReloadKey` changes. Cards are
// grouped under their day ("Today", "Yesterday", a date), in the reader's
// time zone.
import { Fragment, useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useFeedShortcuts } from "@/hooks/use-feed-shortcuts";
import { useHistoryList } from "@/hooks/use-history-list";
import { apiFetch } from "@/lib/client/api-client";
import { currentDay, currentMinute, subscribeMinutes } from "@/lib/client/minute-clock";
import { dayKey, dayLabel } from "@/lib/client/relative-time";
import { EVERYONE } from "@/lib/shared/preferences";
import { LIMITS } from "@/lib/shared/schemas";
import { queryWords } from "@/lib/shared/search-words";
import { SEVERITIES, type ChannelsResponse, type NotificationWithRead, type Severity } from "@/lib/shared/types";
import { FeedSelectionBar } from "./feed-selection-bar";
import { NotificationCard } from "./notification-card";
import { ShortcutsHelp } from "./shortcuts-help";

interface Props {
  items: NotificationWithRead[];
  /** Snoozed, soonest back first. */
  snoozed: NotificationWithRead[];
  loading: boolean;
  error: string | null;
  /** Something the person should know about the feed itself (the server started over). */
  notice: string | null;
  hasMore: boolean;
  /** Changes when a list read from the history may be out of date (archived, muted, marked, arrived). */
  listReloadKey: string;
  onMarkRead: (ids: string[]) => void;
  onMarkUnread: (ids: string[]) => void;
  onMarkAllRead: () => void;
  onArchive: (ids: string[]) => void;
  onUnarchive: (ids: string[]) => void;
  onArchiveRead: () => void;
  onSnooze: (ids: string[], until: string) => void;
  onUnsnooze: (ids: string[]) => void;
  onOpenLink: (id: string) => void;
  /** "I'm on it", for a firing error or critical alert. */
  onAcknowledge: (id: string) => void;
  /** Load the live feed's newest page again, now: set while its load failed (a failed mark has nothing to retry). */
  onRetry: (() => void) | null;
  /** The live feed's items rendered now (none while a list from the history shows). */
  onShown: (ids: string[]) => void;
  onLoadMore: () => void;
}

const VIEWS = [
  { view: "all", label: "All" },
  { view: "unread", label: "Unread" },
  { view: "snoozed", label: "Snoozed" },
  { view: "muted", label: "Muted" },
  { view: "archived", label: "Archived" },
] as const;
type View = (typeof VIEWS)[number]["view"];

interface Search {
  q: string;
  severity: Severity | "";
  channel: string;
  /** Days as the date inputs give them (the reader's calendar), or "". */
  from: string;
  to: string;
}
const NO_SEARCH: Search = { q: "", severity: "", channel: "", from: "", to: "" };
/** Typing settles this long before a search is sent. */
const TYPING_MS = 300;

/** The query of a list read from the history, or null for the live feed (All or Unread, nothing searched) and the snoozed list. */
function historyQuery(view: View, search: Search): string | null {
  const words = queryWords(search.q);
  const searching = words.length > 0 || search.severity || search.channel || search.from || search.to;
  if (view === "snoozed" || (!searching && (view === "all" || view === "unread"))) return null;
  const params = new URLSearchParams(view === "archived" ? { archived: "1" } : { muted: view === "muted" ? "1" : "0" });
  if (view === "unread") params.set("unread", "1");
  if (words.length) params.set("q", words.join(" "));
  if (search.severity) params.set("severity", search.severity);
  if (search.channel) params.set("channel", search.channel);
  // The reader's days, from their first to their last millisecond, as the server's ISO times.
  if (search.from) params.set("since", new Date(`${search.from}T00:00:00`).toISOString());
  if (search.to) params.set("until", new Date(`${search.to}T23:59:59.999`).toISOString());
  return params.toString();
}

export function NotificationFeed(props: Props) {
  const { onMarkRead, onMarkUnread, onMarkAllRead, onArchive, onUnarchive, onArchiveRead, onSnooze, onUnsnooze, onOpenLink, onAcknowledge, onShown } = props;
  const [view, setView] = useState<View>("all");
  const [search, setSearch] = useState<Search>(NO_SEARCH);
  // The words as typed; the search takes them once typing settles.
  const [typed, setTyped] = useState("");
  // On a phone the filters fold behind a button (they would take two rows above the first card).
  const [filtersOpen, setFiltersOpen] = useState(false);
  const filtering = Boolean(search.severity || search.channel || search.from || search.to);
  useEffect(() => {
    const timer = setTimeout(() => setSearch((s) => (s.q === typed ? s : { ...s, q: typed })), TYPING_MS);
    return () => clearTimeout(timer);
  }, [typed]);
  // Changes only at midnight: the headings follow the day, not every minute. Empty on the server (its time zone is not the reader's).
  const today = useSyncExternalStore(subscribeMinutes, currentDay, () => "");
  // A "To" before "From" asks nothing: the form says so, rather than the API's refusal over the last results.
  const datesBackwards = search.from !== "" && search.to !== "" && search.to < search.from;
  const query = datesBackwards ? null : historyQuery(view, search);
  const list = useHistoryList(query, props.listReloadKey);
  const snoozedView = view === "snoozed";
  const live = query === null && !datesBackwards && !snoozedView;
  const fromList = datesBackwards
    ? { items: [], loading: false, error: "The “To” date is before the “From” date: pick a later one.", hasMore: false, onLoadMore: () => {} }
    : { ...list, error: list.error ?? props.error, onLoadMore: list.loadMore };
  const retry = datesBackwards ? null : live ? props.onRetry : list.retryNow;
  const fromSnoozed = { items: props.snoozed, loading: false, error: props.error, hasMore: false, onLoadMore: () => {} };
  const { items, loading, error, hasMore, onLoadMore } = snoozedView ? fromSnoozed : live ? props : fromList;
  // What is typed and not yet searched is no answer yet: "Nothing matches" waits for the search.
  const settled = typed === search.q;
  // The filter offers every channel of the catalog (whatever the feed holds now) and those of held items since
  // deleted; if the catalog cannot be read, the held ones alone.
  const [catalog, setCatalog] = useState<string[]>([]);
  useEffect(() => {
    apiFetch<ChannelsResponse>("/api/channels").then(({ channels }) => setCatalog(channels.map((c) => c.name)), () => {});
  }, []);
  const channels = [...new Set([...catalog, ...props.items.flatMap((i) => (i.audience.kind === "channel" ? [i.audience.channel] : []))])].sort();
  const shown = live && view === "unread" ? items.filter((i) => !i.read) : items;
  const shownKey = live ? shown.map((i) => i.id).join(",") : "";
  useEffect(() => onShown(shownKey ? shownKey.split(",") : []), [shownKey, onShown]);
  const selection = useSelection(shown.map((i) => i.id), view);
  const cardList = useRef<HTMLUListElement>(null);
  const { helpOpen, closeHelp } = useFeedShortcuts(cardList);
  // Stable per-card actions: a card re-renders for its own changes only (NotificationCard is memoised).
  const readOne = useCallback((id: string) => onMarkRead([id]), [onMarkRead]);
  const unreadOne = useCallback((id: string) => onMarkUnread([id]), [onMarkUnread]);
  const archiveOne = useCallback((id: string) => onArchive([id]), [onArchive]);
  const unarchiveOne = useCallback((id: string) => onUnarchive([id]), [onUnarchive]);
  const snoozeOne = useCallback((id: string, until: string) => onSnooze([id], until), [onSnooze]);
  const unsnoozeOne = useCallback((id: string) => onUnsnooze([id]), [onUnsnooze]);
  const archivedView = !live && view === "archived";
  const select = "rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

  return (
    <section id="notification-list" aria-labelledby="feed-heading" className="min-w-0 scroll-mt-4 space-y-3">
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
        {/* In the toolbar's row, not one of its own: on a phone the first card starts no lower. */}
        {shown.length > 0 && (
          <label className="flex items-center gap-1.5 rounded-lg px-2.5 py-1.5 text-sm ring-1 ring-slate-300 dark:ring-slate-700">
            <input type="checkbox" data-testid="select-all" aria-label="Select all shown" checked={selection.allSelected} onChange={selection.toggleAll} className="size-4 accent-brand-600" />
            <span aria-hidden>All</span>
          </label>
        )}
        {live && (
          <>
            <button type="button" data-testid="archive-read" onClick={onArchiveRead} className="rounded-lg px-2.5 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-100 sm:px-3 dark:ring-slate-700 dark:hover:bg-slate-800">
              Archive read
            </button>
            <button type="button" data-testid="mark-all-read" onClick={onMarkAllRead} className="rounded-lg bg-slate-900 px-2.5 py-1.5 text-sm font-medium text-white hover:bg-slate-700 sm:px-3 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300">
              Mark all read
            </button>
          </>
        )}
      </div>
      <form role="search" aria-label="Search notifications" data-testid="feed-search" onSubmit={(e) => e.preventDefault()} className="flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor="search-q">Search words</label>
        <input
          id="search-q"
          type="search"
          data-testid="search-q"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          placeholder="Search words"
          maxLength={200}
          className={`${select} min-w-0 flex-1 basis-40`}
        />
        <button
          type="button"
          data-testid="filters-toggle"
          aria-expanded={filtersOpen || filtering}
          aria-controls="feed-filters"
          onClick={() => setFiltersOpen(!filtersOpen)}
          className="rounded-lg px-2.5 py-1.5 text-sm font-medium ring-1 ring-slate-300 sm:hidden dark:ring-slate-700"
        >
          Filters
        </button>
        <div id="feed-filters" className={`${filtersOpen || filtering ? "flex" : "hidden"} basis-full flex-wrap items-center gap-2 sm:contents`}>
          <label className="sr-only" htmlFor="filter-severity">Severity</label>
          <select id="filter-severity" data-testid="filter-severity" value={search.severity} onChange={(e) => setSearch({ ...search, severity: e.target.value as Severity | "" })} className={select}>
            <option value="">Severity</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
          <label className="sr-only" htmlFor="filter-channel">Channel</label>
          <select id="filter-channel" data-testid="filter-channel" value={search.channel} onChange={(e) => setSearch({ ...search, channel: e.target.value })} className={select}>
            <option value="">Channel</option>
            <option value={EVERYONE}>Everyone</option>
            {channels.map((c) => (
              <option key={c} value={c}>#{c}</option>
            ))}
          </select>
          <label className="flex items-center gap-1 text-sm">
            From
            <input type="date" data-testid="search-from" value={search.from} max={search.to || undefined} onChange={(e) => setSearch({ ...search, from: e.target.value })} className={select} />
          </label>
          <label className="flex items-center gap-1 text-sm">
            To
            <input type="date" data-testid="search-to" value={search.to} min={search.from || undefined} onChange={(e) => setSearch({ ...search, to: e.target.value })} className={select} />
          </label>
        </div>
        {(typed || Object.values(search).some(Boolean)) && (
          <button
            type="button"
            data-testid="search-clear"
            onClick={() => {
              setTyped("");
              setSearch(NO_SEARCH);
            }}
            className="rounded-lg px-2.5 py-1.5 text-sm font-medium text-brand-600 hover:bg-brand-500/10 dark:text-brand-300"
          >
            Clear
          </button>
        )}
      </form>

      {props.notice && (
        <p role="status" data-testid="feed-notice" className="rounded-lg bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          {props.notice}
        </p>
      )}
      {error && (
        <div role="alert" className="flex flex-wrap items-center justify-between gap-2 rounded-lg bg-rose-50 p-3 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          <p data-testid="feed-error">{error}</p>
          {retry && (
            <button type="button" data-testid="feed-retry" onClick={retry} className="rounded-lg px-2.5 py-1 font-medium ring-1 ring-rose-300 hover:bg-rose-100 dark:ring-rose-800 dark:hover:bg-rose-900">
              Retry
            </button>
          )}
        </div>
      )}
      {selection.ids.length > 0 && (
        <FeedSelectionBar
          count={selection.ids.length}
          onClear={selection.clear}
          actions={
            snoozedView
              ? { onUnsnooze: () => onUnsnooze(selection.take()), onArchive: () => onArchive(selection.take()) }
              : archivedView
                ? { onUnarchive: () => onUnarchive(selection.take()) }
                : {
                    onMarkRead: () => onMarkRead(selection.take()),
                    onMarkUnread: () => onMarkUnread(selection.take()),
                    onSnooze: (until: string) => onSnooze(selection.take(), until),
                    onArchive: () => onArchive(selection.take()),
                  }
          }
        />
      )}
      {helpOpen && <ShortcutsHelp onClose={closeHelp} />}
      <ul ref={cardList} data-testid="notification-feed" className="space-y-2">
        {shown.map((item, i) => (
          <Fragment key={item.id}>
            {today && (i === 0 || dayKey(item.createdAt) !== dayKey(shown[i - 1]!.createdAt)) && (
              <li data-testid="feed-day" className="px-1 pt-2">
                <h3 className="text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400">{dayLabel(item.createdAt, currentMinute())}</h3>
              </li>
            )}
            <li data-testid="notification-item" data-id={item.id} data-read={String(item.read)} data-seen={String(item.seen)} data-muted={String(item.muted)}>
              <NotificationCard
                notification={item}
                read={item.read}
                muted={item.muted}
                selected={selection.has(item.id)}
                onToggleSelect={selection.toggle}
                onMarkRead={live ? readOne : undefined}
                onMarkUnread={live ? unreadOne : undefined}
                onSnooze={live ? snoozeOne : undefined}
                onArchive={live || snoozedView ? archiveOne : undefined}
                onUnarchive={archivedView ? unarchiveOne : undefined}
                onUnsnooze={snoozedView ? unsnoozeOne : undefined}
                onOpenLink={onOpenLink}
                onAcknowledge={onAcknowledge}
              />
            </li>
          </Fragment>
        ))}
        {/* After what arrived live meanwhile: until the history is in, the feed must not look complete. */}
        {loading && [0, 1, 2].map((i) => <li key={`loading-${i}`} data-testid="feed-skeleton" className="h-20 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" />)}
      </ul>
      {!loading && !error && settled && shown.length === 0 && (
        <p className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-sm text-slate-600 dark:text-slate-400 dark:border-slate-700">
          {emptyText(view, live, items.length)}
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

const NONE: ReadonlySet<string> = new Set();

/**
 * The cards selected, among those shown (`shownIds`, in order): toggled one
 * by one, a range with shift (from the last one toggled), or all shown.
 * Emptied when the view changes; what leaves the view leaves the selection.
 */
function useSelection(shownIds: string[], view: View) {
  const [chosen, setChosen] = useState<{ view: View; ids: ReadonlySet<string> }>({ view, ids: new Set() });
  const selected = chosen.view === view ? chosen.ids : NONE;
  const setSelected = useCallback((change: (current: ReadonlySet<string>) => ReadonlySet<string>) => {
    setChosen((current) => ({ view, ids: change(current.view === view ? current.ids : NONE) }));
  }, [view]);
  const anchor = useRef<string | null>(null);
  const ids = shownIds.filter((id) => selected.has(id));
  // The order a shift-click's range follows: the cards' callback stays the same as cards come and go.
  const order = useRef(shownIds);
  useEffect(() => {
    order.current = shownIds;
  });
  const toggle = useCallback((id: string, range: boolean) => {
    const shown = order.current;
    const from = anchor.current === null ? -1 : shown.indexOf(anchor.current);
    const to = shown.indexOf(id);
    setSelected((current) => {
      const next = new Set(current);
      if (range && from >= 0 && to >= 0) for (const each of shown.slice(Math.min(from, to), Math.max(from, to) + 1)) next.add(each);
      else if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
    anchor.current = id;
  }, [setSelected]);
  const allSelected = shownIds.length > 0 && ids.length === shownIds.length;
  return {
    ids,
    has: (id: string) => selected.has(id),
    toggle,
    allSelected,
    toggleAll: () => setSelected(() => (allSelected ? NONE : new Set(shownIds))),
    clear: () => setSelected(() => NONE),
    /** The selected ids for one action (a request takes LIMITS.readIds): they leave the selection, any beyond stay for the next. */
    take: () => {
      const taken = ids.slice(0, LIMITS.readIds);
      setSelected((current) => new Set([...current].filter((id) => !taken.includes(id))));
      return taken;
    },
  };
}

function emptyText(view: View, live: boolean, held: number) {
  if (view === "snoozed") return "Nothing snoozed. A snoozed notification waits here and comes back unread at its time.";
  if (!live && view === "archived") return "Nothing archived. Archived notifications are kept here.";
  if (!live && view === "muted") return "Nothing muted here. What your mutes (in Settings) silence is kept under this filter.";
  if (!live) return "Nothing matches this search.";
  return held === 0 ? "No notifications yet. New ones appear here the moment they are sent." : "Nothing unread.";
}
