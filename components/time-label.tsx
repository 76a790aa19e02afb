"use client";
// A notification's time: relative ("3 minutes ago"), kept current by the
// page's one minute clock, with the exact time in the title; or the exact
// time itself. Both in the reader's language and time zone, which the server
// does not know: it renders an empty <time> and the browser fills it (no
// hydration mismatch).
import { useSyncExternalStore } from "react";
import { currentMinute, subscribeMinutes } from "@/lib/client/minute-clock";
import { exactTime, relativeTime } from "@/lib/client/relative-time";

const subscribeNever = () => () => {};
const onServer = () => 0;

export function RelativeTime({ iso }: { iso: string }) {
  const now = useSyncExternalStore(subscribeMinutes, currentMinute, onServer);
  if (!now) return <time />;
  return (
    <time dateTime={iso} title={exactTime(iso)} data-testid="relative-time">
      {relativeTime(iso, now)}
    </time>
  );
}

/** `sameDayShort`: today's time alone ("10:04"), another day's with its date. */
export function ExactTime({ iso, sameDayShort = false }: { iso: string; sameDayShort?: boolean }) {
  const onClient = useSyncExternalStore(subscribeNever, () => true, () => false);
  if (!onClient) return <time />;
  const today = sameDayShort && new Date(iso).toDateString() === new Date().toDateString();
  return (
    <time dateTime={iso} title={today ? exactTime(iso) : undefined}>
      {new Intl.DateTimeFormat(undefined, today ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso))}
    </time>
  );
}
