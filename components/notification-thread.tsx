"use client";
// A thread's history on its newest card: "fired 10:02 · resolved 10:15",
// and on "History" the earlier notifications, each with its time, status
// and title. Times in the reader's zone, filled in by the browser.
import { useState, useSyncExternalStore } from "react";
import { exactTime } from "@/lib/client/relative-time";
import type { Notification, ThreadEntry } from "@/lib/shared/types";

const subscribeNever = () => () => {};
const clockTime = (iso: string) => new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));

export function NotificationThread({ latest, earlier }: { latest: Notification; earlier: ThreadEntry[] }) {
  const [open, setOpen] = useState(false);
  const onClient = useSyncExternalStore(subscribeNever, () => true, () => false);
  const steps = [...earlier, latest];
  return (
    <div data-testid="thread" className="mt-2 text-xs text-slate-600 dark:text-slate-400">
      <p data-testid="thread-summary">{onClient && steps.map((e) => `${e.status ?? "sent"} ${clockTime(e.createdAt)}`).join(" · ")}</p>
      <button type="button" data-testid="thread-toggle" aria-expanded={open} onClick={() => setOpen(!open)} className="mt-1 font-medium text-brand-600 hover:underline dark:text-brand-300">
        {open ? "Hide history" : `History (${earlier.length} earlier)`}
      </button>
      {open && (
        <ol data-testid="thread-list" className="mt-1 space-y-0.5 border-l-2 border-slate-200 pl-2 dark:border-slate-700">
          {[...earlier].reverse().map((e) => (
            <li key={e.id} data-testid="thread-entry">
              <time dateTime={e.createdAt}>{onClient ? exactTime(e.createdAt) : ""}</time> · {e.status ?? e.severity} · <span dir="auto">{e.title}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
