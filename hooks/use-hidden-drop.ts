"use client";
// Whether this tab lets go of the stream: every tab of the browser has been
// hidden for `afterMs` (HIDDEN_STREAM_DROP_MIN), and desktop notifications,
// which need the stream while nothing is in view, are off. Shown again, it
// takes the stream back at once and resumes by id. An open stream keeps a
// function instance alive on Vercel: a browser left in the background all day
// costs that for nothing (docs/bill.md).
import { useEffect, useState } from "react";
import type { TabAttention } from "@/lib/client/tab-attention";

/** `desktopOn`: whether desktop notifications are on now (read when the time is up). */
export function useHiddenDrop(attention: TabAttention | null, desktopOn: () => boolean, afterMs: number): boolean {
  const [dropped, setDropped] = useState(false);
  useEffect(() => {
    if (!attention || afterMs <= 0) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const check = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (document.visibilityState === "visible") return setDropped(false);
      // Hidden: look again once the time is up (another tab may be in view, or come into view meanwhile).
      timer = setTimeout(() => {
        if (document.visibilityState === "visible") return;
        if (attention.anyTabVisible() || desktopOn()) return check();
        setDropped(true);
      }, afterMs);
    };
    check();
    document.addEventListener("visibilitychange", check);
    return () => {
      if (timer) clearTimeout(timer);
      document.removeEventListener("visibilitychange", check);
    };
  }, [attention, desktopOn, afterMs]);
  return dropped;
}
