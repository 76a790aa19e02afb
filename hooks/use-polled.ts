"use client";
// A GET polled every few seconds while the page is visible (admin figures).
// A 403 or 404 stops it: asking again would not change the answer.
import { useEffect, useState } from "react";
import { ApiClientError, apiFetch } from "@/lib/api-client";

export function usePolled<T>(url: string, intervalMs: number) {
  const [data, setData] = useState<{ url: string; value: T } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let active = true;
    const stop = () => {
      active = false;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", load);
    };
    const load = () => {
      if (!active || document.visibilityState !== "visible") return;
      apiFetch<T>(url).then(
        (value) => active && (setData({ url, value }), setError(null)),
        (e: Error) => {
          if (!active) return;
          setError(e.message);
          if (e instanceof ApiClientError && (e.status === 403 || e.status === 404)) stop();
        },
      );
    };
    const timer = setInterval(load, intervalMs);
    load();
    document.addEventListener("visibilitychange", load);
    return stop;
  }, [url, intervalMs]);
  // What another URL answered is not shown for this one.
  return { data: data?.url === url ? data.value : null, error };
}
