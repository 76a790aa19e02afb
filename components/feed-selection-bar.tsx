"use client";
// What can be done to the cards selected, all in one request: read, unread,
// snooze, archive; in the archive, move back; in the snoozed list, back now.
import { SnoozeMenu } from "./snooze-menu";

interface Props {
  count: number;
  onClear: () => void;
  /** Only the actions the view offers. */
  actions: {
    onMarkRead?: () => void;
    onMarkUnread?: () => void;
    onSnooze?: (until: string) => void;
    onArchive?: () => void;
    onUnarchive?: () => void;
    onUnsnooze?: () => void;
  };
}

const BUTTON = "rounded-md px-2 py-1 text-sm font-medium hover:bg-brand-500/10";

export function FeedSelectionBar({ count, onClear, actions }: Props) {
  const { onMarkRead, onMarkUnread, onSnooze, onArchive, onUnarchive, onUnsnooze } = actions;
  return (
    <div role="toolbar" aria-label="Selected notifications" data-testid="selection-bar" className="sticky top-0 z-10 flex flex-wrap items-center gap-1 rounded-lg bg-brand-50 p-2 ring-1 ring-brand-500/40 dark:bg-slate-900">
      <span data-testid="selection-count" className="mr-auto px-1 text-sm font-semibold">
        {count} selected
      </span>
      {onMarkRead && (
        <button type="button" data-testid="bulk-read" onClick={onMarkRead} className={BUTTON}>
          Mark read
        </button>
      )}
      {onMarkUnread && (
        <button type="button" data-testid="bulk-unread" onClick={onMarkUnread} className={BUTTON}>
          Mark unread
        </button>
      )}
      {onSnooze && <SnoozeMenu label={`Snooze ${count} selected`} onSnooze={onSnooze} className={BUTTON} />}
      {onUnsnooze && (
        <button type="button" data-testid="bulk-unsnooze" onClick={onUnsnooze} className={BUTTON}>
          Back to inbox
        </button>
      )}
      {onArchive && (
        <button type="button" data-testid="bulk-archive" onClick={onArchive} className={BUTTON}>
          Archive
        </button>
      )}
      {onUnarchive && (
        <button type="button" data-testid="bulk-unarchive" onClick={onUnarchive} className={BUTTON}>
          Move to inbox
        </button>
      )}
      <button type="button" data-testid="selection-clear" onClick={onClear} className={BUTTON}>
        Clear
      </button>
    </div>
  );
}
