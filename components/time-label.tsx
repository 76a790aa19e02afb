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

export function ExactTime({ iso }: { iso: string }) {
  const onClient = useSyncExternalStore(subscribeNever, () => true, () => false);
  if (!onClient) return <time />;
  return <time dateTime={iso}>{new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso))}</time>;
}
