"use client";
// The toasts on screen: at most a few, each leaving after TOAST_MS, all on
// one timer (set for the oldest); a notification that never got a toast
// costs nothing.
import { useCallback, useEffect, useState } from "react";
import type { Notification } from "@/lib/types";

const TOAST_MS = 6_000;
const MAX_TOASTS = 4;

interface Toast {
  notification: Notification;
  until: number;
}

export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);

  const show = useCallback((notification: Notification) => {
    setToasts((t) => [...t.slice(-(MAX_TOASTS - 1)), { notification, until: Date.now() + TOAST_MS }]);
  }, []);

  const dismiss = useCallback((id: string) => setToasts((t) => t.filter((x) => x.notification.id !== id)), []);

  const first = toasts[0]?.until;
  useEffect(() => {
    if (first === undefined) return;
    const timer = setTimeout(() => setToasts((t) => t.filter((x) => x.until > Date.now())), Math.max(0, first - Date.now()));
    return () => clearTimeout(timer);
  }, [first]);

  return { toasts: toasts.map((t) => t.notification), show, dismiss };
}
