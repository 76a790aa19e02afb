// One notification as a card: severity, title, body, link, sender and time.
// Every user-written value is rendered as React text, never as HTML.
import Link from "next/link";
import { memo } from "react";
import { notificationLinkTarget } from "@/lib/shared/links";
import { INTEGRATIONS, type Notification } from "@/lib/shared/types";
import { NotificationBody } from "./notification-body";
import { SeverityBadge } from "./severity-badge";
import { StatusBadge } from "./status-badge";
import { ExactTime, RelativeTime } from "./time-label";

interface Props {
  notification: Notification;
  read?: boolean;
  /** The person's mutes silence it (shown under the "Muted" filter). */
  muted?: boolean;
  onMarkRead?: (id: string) => void;
  onArchive?: (id: string) => void;
  /** Its link was followed (for the funnel's "opened"). */
  onOpenLink?: (id: string) => void;
}

/** Memoised: a new notification re-renders its own card, not the other hundred. */
export const NotificationCard = memo(function NotificationCard({ notification, read = false, muted = false, onMarkRead, onArchive, onOpenLink }: Props) {
  const { title, body, link, severity, sender, createdAt, audience, status, expiresAt } = notification;
  return (
    <article
      className={`rounded-xl border p-4 transition-colors ${ read ? "border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" : "border-brand-500/40 bg-brand-50 dark:border-brand-500/50 dark:bg-slate-900" }`}
    >
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
            <SeverityBadge severity={severity} />
            {status && <StatusBadge status={status} />}
            {muted && (
              <span data-testid="notification-muted" className="rounded bg-slate-100 px-1.5 py-0.5 font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                Muted
              </span>
            )}
            {audience.kind === "channel" && <span className="rounded bg-slate-100 px-1.5 py-0.5 dark:bg-slate-800">#{audience.channel}</span>}
            {audience.kind === "user" && <span className="rounded bg-slate-100 px-1.5 py-0.5 dark:bg-slate-800">direct</span>}
            <RelativeTime iso={createdAt} />
            <span data-testid="notification-sender">
              · {sender.name}
              {sender.via !== undefined && <> via {INTEGRATIONS[sender.via]}</>}
              {sender.token !== undefined && <> {sender.via !== undefined ? "with" : "via"} token “{sender.token}”</>}
            </span>
            {expiresAt && (
              <span data-testid="notification-expiry">
                · until <ExactTime iso={expiresAt} />
              </span>
            )}
          </div>
          {/* wrap-anywhere: a long unbroken token (a digest, an exception name) wraps rather than widening the page; dir="auto": right-to-left text reads right to left. */}
          <h3 data-testid="notification-title" dir="auto" className="font-semibold wrap-anywhere whitespace-pre-line">
            {title}
          </h3>
          {body && <NotificationBody text={body} />}
          {link && <NotificationLink href={link} onOpen={onOpenLink && (() => onOpenLink(notification.id))} />}
        </div>
        <div className="flex shrink-0 flex-col items-end gap-1">
          {onMarkRead && !read && (
            <button type="button" data-testid="mark-read" onClick={() => onMarkRead(notification.id)} className={ACTION}>
              Mark read
            </button>
          )}
          {onArchive && (
            <button type="button" data-testid="archive" onClick={() => onArchive(notification.id)} className={ACTION}>
              Archive
            </button>
          )}
        </div>
      </div>
    </article>
  );
});

const ACTION = "rounded-md px-2 py-1 text-xs font-medium text-brand-600 hover:bg-brand-500/10 dark:text-brand-300";

function NotificationLink({ href, onOpen }: { href: string; onOpen?: () => void }) {
  const className = "mt-2 inline-block text-sm font-medium text-brand-600 underline-offset-2 hover:underline dark:text-brand-300";
  // Checked again here, not only on publish: a link stored before a rule
  // tightened must not look internal while it leaves the site.
  const target = notificationLinkTarget(href);
  if (!target) return null;
  // App paths stay in the app; https links open in a new tab without access to this one, their host in plain view.
  if (target.kind === "app") {
    return (
      <Link href={target.path} data-testid="notification-link" className={className} onClick={onOpen}>
        Open →
      </Link>
    );
  }
  return (
    <a href={target.href} target="_blank" rel="noopener noreferrer" data-testid="notification-link" className={className} onClick={onOpen}>
      Open {target.host} ↗
    </a>
  );
}
