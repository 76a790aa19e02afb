"use client";
// The toasts on screen: at most a few, each leaving after TOAST_MS, all on
// one timer (set for the soonest to leave); a notification that never got a
// toast costs nothing. When more than FOLD_AFTER arrive within
// FOLD_WINDOW_MS, they fold into one "N new notifications" toast that counts
// on while they keep coming; the feed still lists every one. A notification
// with a collapse key replaces the toast of the one it replaces. A critical
// one (not yet resolved) never folds and stays until dismissed, replaced
// or expired.
import { useCallback, useEffect, useRef, useState } from "react";
import { collapseScope } from "@/lib/shared/audience";
import type { Notification } from "@/lib/shared/types";

const TOAST_MS = 6_000;
const MAX_TOASTS = 4;
const FOLD_WINDOW_MS = 2_000;
const FOLD_AFTER = 5;

interface Toast {
  notification: Notification;
  until: number;
}

export interface FoldedToast {
  count: number;
  until: number;
}

interface OnScreen {
  toasts: Toast[];
  folded: FoldedToast | null;
}

/** Critical and not yet resolved: its toast waits for the person. */
const sticks = (n: Notification) => n.severity === "critical" && n.status !== "resolved";
const lastOf = <T>(items: T[], n: number) => (n > 0 ? items.slice(-n) : []);
/** A critical toast waits for the person, or for its alert to expire. */
const criticalUntil = (n: Notification) => (n.expiresAt ? Date.parse(n.expiresAt) : Infinity);

export function useToasts() {
  const [screen, setScreen] = useState<OnScreen>({ toasts: [], folded: null });
  const arrivals = useRef<number[]>([]);

  const show = useCallback((notification: Notification) => {
    const now = Date.now();
    arrivals.current = [...arrivals.current.filter((t) => t > now - FOLD_WINDOW_MS), now];
    const burst = arrivals.current.length;
    setScreen((s) => {
      const until = now + TOAST_MS;
      const scope = collapseScope(notification);
      const others = scope ? s.toasts.filter((t) => collapseScope(t.notification) !== scope) : s.toasts;
      const critical = others.filter((t) => sticks(t.notification));
      if (sticks(notification)) {
        const plain = lastOf(others.filter((t) => !sticks(t.notification)), MAX_TOASTS - critical.length - 1);
        return { ...s, toasts: [...plain, ...critical, { notification, until: criticalUntil(notification) }] };
      }
      if (s.folded && s.folded.until > now) return { toasts: critical, folded: { count: s.folded.count + 1, until } };
      if (burst > FOLD_AFTER) return { toasts: critical, folded: { count: burst, until } };
      const plain = others.filter((t) => !sticks(t.notification));
      return { toasts: [...lastOf(plain, MAX_TOASTS - critical.length - 1), ...critical, { notification, until }], folded: null };
    });
  }, []);

  const dismiss = useCallback(
    (id: string | "folded") =>
      setScreen((s) => (id === "folded" ? { ...s, folded: null } : { ...s, toasts: s.toasts.filter((x) => x.notification.id !== id) })),
    [],
  );

  const soonest = Math.min(...screen.toasts.map((t) => t.until), screen.folded?.until ?? Infinity);
  useEffect(() => {
    if (!Number.isFinite(soonest)) return;
    const timer = setTimeout(() => {
      const now = Date.now();
      setScreen((s) => ({ toasts: s.toasts.filter((x) => x.until > now), folded: s.folded && s.folded.until > now ? s.folded : null }));
    }, Math.max(0, soonest - Date.now()));
    return () => clearTimeout(timer);
  }, [soonest]);

  return { toasts: screen.toasts.map((t) => t.notification), folded: screen.folded?.count ?? null, show, dismiss };
}
