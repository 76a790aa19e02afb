// One notification as a card: severity, title, body, link, sender and time,
// and what the person can do with it where it is shown (select, read or
// unread, snooze, archive or move back, end a snooze). Every user-written
// value is rendered as React text, never as HTML.
import Link from "next/link";
import { memo } from "react";
import { notificationLinkTarget } from "@/lib/shared/links";
import { INTEGRATIONS, needsSomeone, type Acknowledgement, type Notification, type NotificationWithRead } from "@/lib/shared/types";
import { NotificationBody } from "./notification-body";
import { NotificationThread } from "./notification-thread";
import { SnoozeMenu } from "./snooze-menu";
import { SeverityBadge } from "./severity-badge";
import { StatusBadge } from "./status-badge";
import { ExactTime, RelativeTime } from "./time-label";

interface Props {
  notification: Notification & Pick<NotificationWithRead, "snoozedUntil" | "thread" | "acknowledgement">;
  read?: boolean;
  /** The person's mutes silence it (shown under the "Muted" filter). */
  muted?: boolean;
  onMarkRead?: (id: string) => void;
  onMarkUnread?: (id: string) => void;
  onArchive?: (id: string) => void;
  /** Back to the inbox from the archive. */
  onUnarchive?: (id: string) => void;
  onSnooze?: (id: string, until: string) => void;
  /** Ends its snooze now (it comes back). */
  onUnsnooze?: (id: string) => void;
  /** Its link was followed (for the funnel's "opened"). */
  onOpenLink?: (id: string) => void;
  /** "I'm on it" (offered on a firing error or critical alert nobody acknowledged yet). */
  onAcknowledge?: (id: string) => void;
  /** Selected for an action on many; `range`: shift held, from the last one toggled. */
  selected?: boolean;
  onToggleSelect?: (id: string, range: boolean) => void;
}

/** Memoised: a new notification re-renders its own card, not the other hundred. */
export const NotificationCard = memo(function NotificationCard(props: Props) {
  const { notification, read = false, muted = false, onOpenLink, selected = false, onToggleSelect } = props;
  const { title, body, link, severity, sender, createdAt, audience, status, expiresAt } = notification;
  return (
    // Focusable from the feed's shortcuts (j/k) only: the keyboard's tab order keeps to the controls.
    <article
      tabIndex={-1}
      data-testid="card"
      className={`rounded-xl border p-4 transition-colors outline-offset-2 focus:outline-2 focus:outline-brand-500 ${ read ? "border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" : "border-brand-500/40 bg-brand-50 dark:border-brand-500/50 dark:bg-slate-900" }`}
    >
      <div className="flex items-start justify-between gap-3">
        {onToggleSelect && (
          <input
            type="checkbox"
            data-testid="select"
            aria-label={`Select “${title}”`}
            checked={selected}
            onChange={() => {}}
            onClick={(e) => onToggleSelect(notification.id, e.shiftKey)}
            className="mt-1 size-4 shrink-0 accent-brand-600"
          />
        )}
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
          {notification.thread && <NotificationThread latest={notification} earlier={notification.thread} />}
          {notification.acknowledgement && <AcknowledgedBy acknowledgement={notification.acknowledgement} />}
        </div>
        <CardActions {...props} />
      </div>
    </article>
  );
});

/** "Acknowledged by Alice · 10:04": who is on this alert, for everyone it reached. */
export function AcknowledgedBy({ acknowledgement }: { acknowledgement: Acknowledgement }) {
  return (
    <p data-testid="acknowledged-by" className="mt-2 text-sm font-medium text-emerald-700 dark:text-emerald-300">
      Acknowledged by {acknowledgement.name} · <ExactTime iso={acknowledgement.at} sameDayShort />
    </p>
  );
}

function CardActions({ notification, read = false, onMarkRead, onMarkUnread, onArchive, onUnarchive, onSnooze, onUnsnooze, onAcknowledge }: Props) {
  const { id, title, snoozedUntil } = notification;
  return (
    <div className="flex shrink-0 flex-col items-end gap-1">
      {onAcknowledge && needsSomeone(notification) && !notification.acknowledgement && (
        <button type="button" data-testid="acknowledge" onClick={() => onAcknowledge(id)} aria-label={`Acknowledge “${title}”: I'm on it`} className={ACKNOWLEDGE}>
          Acknowledge
        </button>
      )}
      {snoozedUntil && (
        <span data-testid="snoozed-until" className="text-xs text-slate-600 dark:text-slate-400">
          Until <ExactTime iso={snoozedUntil} />
        </span>
      )}
      {onMarkRead && !read && (
        <button type="button" data-testid="mark-read" onClick={() => onMarkRead(id)} className={ACTION}>
          Mark read
        </button>
      )}
      {onMarkUnread && read && (
        <button type="button" data-testid="mark-unread" onClick={() => onMarkUnread(id)} className={ACTION}>
          Mark unread
        </button>
      )}
      {onSnooze && <SnoozeMenu label={`Snooze “${title}”`} onSnooze={(until) => onSnooze(id, until)} className={ACTION} />}
      {onUnsnooze && (
        <button type="button" data-testid="unsnooze" onClick={() => onUnsnooze(id)} className={ACTION}>
          Back to inbox
        </button>
      )}
      {onArchive && (
        <button type="button" data-testid="archive" onClick={() => onArchive(id)} className={ACTION}>
          Archive
        </button>
      )}
      {onUnarchive && (
        <button type="button" data-testid="unarchive" onClick={() => onUnarchive(id)} className={ACTION}>
          Move to inbox
        </button>
      )}
    </div>
  );
}

const ACTION = "rounded-md px-2 py-1 text-xs font-medium text-brand-600 hover:bg-brand-500/10 dark:text-brand-300";
// White on rose-700 reads at 6:1 in both schemes (rose-500 in dark did not reach 4.5:1).
export const ACKNOWLEDGE = "rounded-md bg-rose-700 px-2 py-1 text-xs font-semibold text-white hover:bg-rose-800";

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
