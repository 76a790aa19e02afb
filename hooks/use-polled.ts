"use client";
// A GET polled every few seconds while the page is visible (admin figures).
import { useEffect, useState } from "react";
import { apiFetch } from "@/lib/api-client";

export function usePolled<T>(url: string, intervalMs: number) {
  const [data, setData] = useState<{ url: string; value: T } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let active = true;
    const load = () => {
      if (document.visibilityState !== "visible") return;
      apiFetch<T>(url).then(
        (value) => active && (setData({ url, value }), setError(null)),
        (e: Error) => active && setError(e.message),
      );
    };
    load();
    const timer = setInterval(load, intervalMs);
    document.addEventListener("visibilitychange", load);
    return () => {
      active = false;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", load);
    };
  }, [url, intervalMs]);
  // What another URL answered is not shown for this one.
  return { data: data?.url === url ? data.value : null, error };
}
