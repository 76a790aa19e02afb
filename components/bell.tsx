"use client";
// The bell: a badge counting unseen notifications, and a menu with the
// latest ones; opening it marks them seen (read stays an explicit act), and
// so does each one that arrives while it is open (it shows there). Escape
// anywhere, a click outside or focus moving out of it closes the menu. Each
// item opens its link (one inside the app in this tab, another site's in a
// new one) or, without one, its card in the feed.
import { useEffect, useRef, useState } from "react";
import { countLabel } from "@/lib/client/feed-state";
import { notificationLinkTarget } from "@/lib/shared/links";
import type { NotificationWithRead } from "@/lib/shared/types";
import { SeverityBadge } from "./severity-badge";
import { RelativeTime } from "./time-label";

interface Props {
  unseenCount: number;
  latest: NotificationWithRead[];
  /** The menu opened: what it shows is seen. */
  onOpen: () => void;
  onMarkAllRead: () => void;
  /** An item's link was followed (the funnel's "opened"; the server marks it read). */
  onOpenLink: (id: string) => void;
}

/** A burst that arrives while the menu is open is marked seen in one request, not one per notification. */
const SEEN_WHILE_OPEN_DELAY_MS = 300;

export function Bell({ unseenCount, latest, onOpen, onMarkAllRead, onOpenLink }: Props) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (refocus: boolean) => {
      setOpen(false);
      if (refocus) button.current?.focus();
    };
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && close(true);
    const onPointer = (e: PointerEvent) => !container.current?.contains(e.target as Node) && close(false);
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open]);

  // What arrives while the menu is open shows in it: it is seen.
  useEffect(() => {
    if (!open || unseenCount === 0) return;
    const timer = setTimeout(onOpen, SEEN_WHILE_OPEN_DELAY_MS);
    return () => clearTimeout(timer);
  }, [open, unseenCount, onOpen]);

  return (
    <div
      className="relative"
      ref={container}
      onBlur={(e) => {
        if (open && !container.current?.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        data-testid="bell-button"
        aria-expanded={open}
        aria-controls="bell-menu"
        aria-label={`Notifications, ${countLabel(unseenCount)} new`}
        onClick={() => {
          if (!open) onOpen();
          setOpen(!open);
        }}
        className="relative rounded-full p-2 hover:bg-slate-100 dark:hover:bg-slate-800"
      >
        <svg viewBox="0 0 24 24" className="h-6 w-6" fill="none" stroke="currentColor" strokeWidth={1.8} aria-hidden>
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unseenCount > 0 && (
          <span data-testid="bell-badge" className="absolute -top-0.5 -right-0.5 min-w-5 rounded-full bg-rose-600 px-1 text-center text-xs leading-5 font-semibold text-white">
            {countLabel(unseenCount)}
          </span>
        )}
      </button>
      {open && (
        <div id="bell-menu" data-testid="bell-menu" className="absolute right-0 z-40 mt-2 w-80 max-w-[calc(100vw-2rem)] rounded-xl bg-white p-2 shadow-xl ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
          <div className="flex items-center justify-between px-2 py-1">
            <span className="text-sm font-semibold">Latest</span>
            <button type="button" onClick={onMarkAllRead} className="text-xs font-medium text-brand-600 hover:underline dark:text-brand-300">
              Mark all read
            </button>
          </div>
          {latest.length === 0 ? (
            <p className="px-2 py-4 text-sm text-slate-600 dark:text-slate-400">Nothing yet.</p>
          ) : (
            <ul>
              {latest.map((n) => (
                <li key={n.id}>
                  <BellItem notification={n} onChosen={() => setOpen(false)} onOpenLink={() => onOpenLink(n.id)} />
                </li>
              ))}
            </ul>
          )}
          <button
            type="button"
            data-testid="bell-view-all"
            onClick={() => {
              setOpen(false);
              document.getElementById("notification-list")?.scrollIntoView({ block: "start" });
            }}
            className="mt-1 w-full rounded-lg px-2 py-1.5 text-center text-sm font-medium text-brand-600 hover:bg-brand-500/10 dark:text-brand-300"
          >
            View all
          </button>
        </div>
      )}
    </div>
  );
}

const ITEM = "flex w-full items-start gap-2 rounded-lg px-2 py-2 text-left hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-500 dark:hover:bg-slate-800";

function BellItem({ notification: n, onChosen, onOpenLink }: { notification: NotificationWithRead; onChosen: () => void; onOpenLink: () => void }) {
  const content = (
    <>
      <span className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${n.read ? "bg-transparent" : "bg-brand-500"}`} aria-hidden />
      <span className="min-w-0 text-sm">
        <span dir="auto" className="block wrap-anywhere">
          {n.title}
          {!n.read && <span className="sr-only"> (unread)</span>}
        </span>
        <span className="mt-0.5 flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
          <SeverityBadge severity={n.severity} />
          <RelativeTime iso={n.createdAt} />
        </span>
      </span>
    </>
  );
  // Checked as the card checks it (lib/shared/links.ts): a stored link that would look internal while it
  // leaves the site ("//host") opens nothing here.
  const target = n.link ? notificationLinkTarget(n.link) : null;
  if (target) {
    const href = target.kind === "app" ? target.path : target.href;
    return (
      <a
        href={href}
        data-testid="bell-item"
        className={ITEM}
        onClick={() => {
          onOpenLink();
          onChosen();
        }}
        {...(target.kind === "app" ? {} : { target: "_blank", rel: "noopener noreferrer" })}>
        {content}
      </a>
    );
  }
  return (
    <button
      type="button"
      data-testid="bell-item"
      className={ITEM}
      onClick={() => {
        onChosen();
        const card = document.querySelector<HTMLElement>(`[data-testid="notification-item"][data-id="${CSS.escape(n.id)}"]`);
        card?.scrollIntoView({ block: "center" });
        card?.querySelector<HTMLElement>("a, button")?.focus({ preventScroll: true });
      }}
    >
      {content}
    </button>
  );
}
