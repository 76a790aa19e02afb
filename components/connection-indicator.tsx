"use client";
// Live / Delayed (the server cannot reach its store) / Reconnecting (with a
// countdown) / Offline, from the stream's state;
// a stream refused for too many devices says so, never just "Connecting…".
import { useSyncExternalStore } from "react";
import { StreamError, type SSEStatus } from "@/lib/client/sse-types";

function subscribeOnline(callback: () => void) {
  window.addEventListener("online", callback);
  window.addEventListener("offline", callback);
  return () => {
    window.removeEventListener("online", callback);
    window.removeEventListener("offline", callback);
  };
}

interface Props {
  status: SSEStatus;
  retryInMs: number | null;
  error?: StreamError | Error | null;
  /** The stream is open but the server cannot reach its store: new alerts and marks wait. */
  delayed?: boolean;
}

export function ConnectionIndicator({ status, retryInMs, error, delayed = false }: Props) {
  const online = useSyncExternalStore(subscribeOnline, () => navigator.onLine, () => true);
  const tooMany = error instanceof StreamError && error.kind === "too-many";
  const seconds = retryInMs !== null ? Math.ceil(retryInMs / 1000) : null;
  const countdown = seconds !== null ? ` Retrying in ${seconds} s.` : "";
  const [label, dot] =
    !online || status === "closed"
      ? [seconds !== null && status !== "closed" ? `Offline · retrying in ${seconds} s` : "Offline", "bg-slate-400"]
      : status === "open"
        ? delayed
          ? ["Delayed: the server cannot reach its store", "bg-amber-500"]
          : ["Live", "bg-emerald-500"]
        : tooMany
          ? [`Too many devices connected: close one.${countdown}`, "bg-rose-500"]
          : [seconds !== null ? `Reconnecting in ${seconds} s` : "Connecting…", "bg-amber-500 animate-pulse"];
  return (
    <span data-testid="connection-status" role="status" className="inline-flex items-center gap-2 rounded-full bg-white px-3 py-1 text-sm shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <span className={`h-2 w-2 shrink-0 rounded-full ${dot}`} aria-hidden />
      {label}
    </span>
  );
}
