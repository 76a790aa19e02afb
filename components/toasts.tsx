"use client";
// Toasts for new notifications, announced to screen readers through a polite
// live region; each disappears after a few seconds or when dismissed. A
// burst shows as one folded toast with its count. A toast acts: Open follows
// the notification's link (checked as the card's is), Mark read reads it (and
// the toast goes, as it does when it is read anywhere).
import Link from "next/link";
import { notificationLinkTarget } from "@/lib/shared/links";
import { needsSomeone, type Notification } from "@/lib/shared/types";
import { ACKNOWLEDGE } from "./notification-card";
import { SeverityBadge } from "./severity-badge";
import { StatusBadge } from "./status-badge";

interface Props {
  toasts: Notification[];
  /** How many notifications a burst folded into one toast, or null. */
  folded: number | null;
  onDismiss: (id: string | "folded") => void;
  onMarkRead: (id: string) => void;
  /** Its link was followed (the funnel's "opened"; the server marks it read). */
  onOpen: (id: string) => void;
  /** "I'm on it": the toast goes once the acknowledgement is in the feed, as for anyone's (components/dashboard.tsx). */
  onAcknowledge: (id: string) => void;
}

// On a phone only the newest two show (the others wait behind them): more would cover the feed.
const CARD = "max-sm:[&:nth-last-child(n+3)]:hidden pointer-events-auto w-full max-w-sm rounded-xl bg-white p-4 shadow-lg ring-1 ring-slate-200 [animation:toast-in_.2s_ease-out] dark:bg-slate-900 dark:ring-slate-700";

const ACTION = "rounded-md px-2 py-1 text-xs font-medium text-brand-600 hover:bg-brand-500/10 dark:text-brand-300";

export function Toasts({ toasts, folded, onDismiss, onMarkRead, onOpen, onAcknowledge }: Props) {
  return (
    <div aria-live="polite" aria-relevant="additions" className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex flex-col items-center gap-2 px-4 sm:inset-x-auto sm:right-4 sm:items-end">
      {folded !== null && (
        <div data-testid="toast" role="status" className={CARD}>
          <div className="flex items-center justify-between gap-2">
            <p className="font-semibold">{folded} new notifications</p>
            <button type="button" onClick={() => onDismiss("folded")} className="text-slate-500 hover:text-slate-700 dark:text-slate-400" aria-label="Dismiss">
              ×
            </button>
          </div>
        </div>
      )}
      {toasts.map((toast) => (
        <div
          key={toast.id}
          data-testid="toast"
          role="status"
          className={CARD}
        >
          <div className="flex items-start justify-between gap-2">
            <div className="min-w-0">
              <div className="flex flex-wrap items-center gap-2">
                <SeverityBadge severity={toast.severity} />
                {toast.status && <StatusBadge status={toast.status} />}
              </div>
              <p dir="auto" className="mt-1 font-semibold wrap-anywhere whitespace-pre-line">{toast.title}</p>
              {toast.body && <p dir="auto" className="mt-0.5 line-clamp-2 text-sm wrap-anywhere whitespace-pre-line text-slate-600 dark:text-slate-300">{toast.body}</p>}
              <div className="mt-1 flex gap-1">
                {needsSomeone(toast) && (
                  <button
                    type="button"
                    data-testid="toast-acknowledge"
                    onClick={() => onAcknowledge(toast.id)}
                    className={ACKNOWLEDGE}
                  >
                    Acknowledge
                  </button>
                )}
                <ToastOpen notification={toast} onOpen={() => onOpen(toast.id)} />
                <button type="button" data-testid="toast-mark-read" onClick={() => onMarkRead(toast.id)} className={ACTION}>
                  Mark read
                </button>
              </div>
            </div>
            <button type="button" onClick={() => onDismiss(toast.id)} className="text-slate-500 dark:text-slate-400 hover:text-slate-700" aria-label="Dismiss">
              ×
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}

function ToastOpen({ notification, onOpen }: { notification: Notification; onOpen: () => void }) {
  const target = notification.link ? notificationLinkTarget(notification.link) : null;
  if (!target) return null;
  return target.kind === "app" ? (
    <Link href={target.path} data-testid="toast-open" onClick={onOpen} className={ACTION}>
      Open
    </Link>
  ) : (
    <a href={target.href} target="_blank" rel="noopener noreferrer" data-testid="toast-open" onClick={onOpen} className={ACTION}>
      Open {target.host} ↗
    </a>
  );
}
