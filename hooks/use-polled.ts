"use client";
// A GET polled while the page is visible (admin figures): every `intervalMs`
// while its answer changes, then less and less often while it does not (up
// to SLOW_MS), back to every `intervalMs` as soon as it changes, the page is
// shown again, or `wake` moves on (something was published:
// use-activity-wake.ts). An /admin left open all day costs a request every
// two minutes while nothing happens, not thirty a minute (on Upstash each
// command is billed). A 403 or 404 stops it: asking again would
// not change the answer.
import { useEffect, useRef, useState } from "react";
import { ApiClientError, apiFetch } from "@/lib/client/api-client";

/** The longest wait between two polls of an answer that stopped changing (and so how stale a figure nothing announces, such as open streams, may be). */
export const SLOW_MS = 120_000;

interface PolledOptions<T> {
  /** The part of an answer the page shows (a change elsewhere, such as a server's memory, does not count as one). */
  shownOf?: (value: T) => unknown;
  /** A count that moves on when the answer is likely to have changed: it is asked at once, then fast again. */
  wake?: number;
}

export function usePolled<T>(url: string, intervalMs: number, { shownOf = (value) => value, wake = 0 }: PolledOptions<T> = {}) {
  const shown = useRef(shownOf);
  useEffect(() => {
    shown.current = shownOf;
  });
  const [data, setData] = useState<{ url: string; value: T } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const askNow = useRef<(() => void) | null>(null);
  useEffect(() => {
    let active = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let waitMs = intervalMs;
    let last: string | null = null;
    const stop = () => {
      active = false;
      if (timer) clearTimeout(timer);
      document.removeEventListener("visibilitychange", onShown);
    };
    const next = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(load, waitMs);
    };
    const load = () => {
      if (!active) return;
      // Hidden: no poll until it is shown again (shown() loads at once).
      if (document.visibilityState !== "visible") return;
      apiFetch<T>(url).then(
        (value) => {
          if (!active) return;
          const text = JSON.stringify(shown.current(value));
          waitMs = text === last ? Math.min(waitMs * 2, SLOW_MS) : intervalMs;
          last = text;
          setData({ url, value });
          setError(null);
          next();
        },
        (e: Error) => {
          if (!active) return;
          setError(e.message);
          if (e instanceof ApiClientError && (e.status === 403 || e.status === 404)) return stop();
          next();
        },
      );
    };
    const onShown = () => {
      waitMs = intervalMs;
      load();
    };
    askNow.current = onShown;
    load();
    document.addEventListener("visibilitychange", onShown);
    return stop;
  }, [url, intervalMs]);
  useEffect(() => {
    if (wake > 0) askNow.current?.();
  }, [wake]);
  // What another URL answered is not shown for this one.
  return { data: data?.url === url ? data.value : null, error };
}
