"use client";
// Notifications per minute over the last 15 minutes, as plain SVG bars, on
// the page's minute clock. The server renders it empty (its clock is not the
// browser's, and the first page of the feed comes rendered with the page).
import { useSyncExternalStore } from "react";
import { currentMinute as clockNow, subscribeMinutes } from "@/lib/client/minute-clock";
import type { Notification } from "@/lib/shared/types";

const MINUTES = 15;

export function ActivityChart({ items }: { items: Pick<Notification, "createdAt">[] }) {
  const now = useSyncExternalStore(subscribeMinutes, clockNow, () => null);
  const currentMinute = now === null ? -Infinity : Math.floor(now / 60_000);
  const counts = new Array<number>(MINUTES).fill(0);
  for (const item of items) {
    // One that arrived after the last tick (or from a server clock a little ahead) counts in this minute, not nowhere.
    const age = Math.max(0, currentMinute - Math.floor(Date.parse(item.createdAt) / 60_000));
    if (age >= 0 && age < MINUTES) counts[MINUTES - 1 - age]!++;
  }
  const max = Math.max(1, ...counts);
  const total = counts.reduce((a, b) => a + b, 0);
  return (
    <figure className="rounded-xl bg-white p-4 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <figcaption className="mb-2 flex items-baseline justify-between text-sm">
        <span className="font-semibold">Last 15 minutes</span>
        <span className="text-slate-600 dark:text-slate-400">{total} received</span>
      </figcaption>
      <svg viewBox={`0 0 ${MINUTES * 10} 50`} className="h-20 w-full" role="img" aria-label={`${total} notifications in the last 15 minutes`}>
        {counts.map((count, i) => {
          const height = (count / max) * 46;
          return (
            <rect key={i} x={i * 10 + 1} y={48 - height} width={8} height={Math.max(height, 1)} rx={1.5} className={count ? "fill-brand-500" : "fill-slate-200 dark:fill-slate-800"}>
              <title>{`${count} in minute −${MINUTES - 1 - i}`}</title>
            </rect>
          );
        })}
      </svg>
    </figure>
  );
}
