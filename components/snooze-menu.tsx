"use client";
// Snooze: "In 1 hour", "Tomorrow 9:00" or a time picked, in the reader's
// time zone (lib/client/snooze-times.ts). Closes on Escape, on a choice, and
// when focus leaves it.
import { useId, useState } from "react";
import { inAnHour, pickedTime, tomorrowAtNine } from "@/lib/client/snooze-times";

interface Props {
  /** Called with the ISO time chosen. */
  onSnooze: (until: string) => void;
  /** Names what is snoozed, for screen readers ("Snooze Disk full", "Snooze 3 selected"). */
  label: string;
  className: string;
}

export function SnoozeMenu({ onSnooze, label, className }: Props) {
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState("");
  const [pickedPast, setPickedPast] = useState(false);
  const fieldId = useId();
  const choose = (until: Date) => {
    setOpen(false);
    onSnooze(until.toISOString());
  };
  const option = "block w-full rounded px-2 py-1.5 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800";
  return (
    <div
      className="relative"
      onKeyDown={(e) => {
        if (e.key === "Escape") setOpen(false);
      }}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button type="button" data-testid="snooze" aria-expanded={open} aria-label={label} onClick={() => setOpen(!open)} className={className}>
        Snooze
      </button>
      {open && (
        <div role="group" aria-label="Snooze until" data-testid="snooze-menu" className="absolute right-0 z-20 mt-1 w-60 space-y-1 rounded-lg border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900">
          <button type="button" data-testid="snooze-hour" autoFocus onClick={() => choose(inAnHour(Date.now()))} className={option}>
            In 1 hour
          </button>
          <button type="button" data-testid="snooze-tomorrow" onClick={() => choose(tomorrowAtNine(Date.now()))} className={option}>
            Tomorrow 9:00
          </button>
          <form
            className="flex items-center gap-1 pt-1"
            onSubmit={(e) => {
              e.preventDefault();
              const until = pickedTime(picked, Date.now());
              setPickedPast(!until);
              if (until) choose(until);
            }}
          >
            <label className="sr-only" htmlFor={fieldId}>
              Snooze until
            </label>
            <input
              id={fieldId}
              type="datetime-local"
              data-testid="snooze-at"
              value={picked}
              onChange={(e) => {
                setPicked(e.target.value);
                setPickedPast(false);
              }}
              className="min-w-0 flex-1 rounded border border-slate-300 px-1 py-1 text-xs dark:border-slate-700 dark:bg-slate-900"
            />
            <button type="submit" data-testid="snooze-at-submit" disabled={!picked} className="rounded px-2 py-1 text-xs font-medium text-brand-600 disabled:opacity-50 dark:text-brand-300">
              Snooze
            </button>
          </form>
          {pickedPast && (
            <p role="alert" data-testid="snooze-at-error" className="text-xs text-rose-700 dark:text-rose-300">
              Pick a time later than now.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
