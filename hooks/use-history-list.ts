"use client";
// A list read from the history with a query: the "Archived" and "Muted"
// filters, and searches. Loaded when a query is set, and again when the query
// or `reloadKey` changes (something was archived, muted, or arrived). A
// failed load is tried again, with backoff and at once when the network is
// back; its error stays until one succeeds.
import { useCallback, useEffect, useRef, useState } from "react";
import { apiFetch } from "@/lib/client/api-client";
import { backoffDelay } from "@/lib/client/sse-connection";
import type { NotificationPage, NotificationWithRead } from "@/lib/shared/types";

const PAGE_SIZE = 30;
const RETRY_BASE_MS = 2_000;

function fetchPage(query: string, cursor: string | null) {
  return apiFetch<NotificationPage>(`/api/notifications?${query}&limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
}

/** `query`: URL parameters of GET /api/notifications (null: no list wanted). */
export function useHistoryList(query: string | null, reloadKey: string) {
  const [items, setItems] = useState<NotificationWithRead[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** What the list last loaded for: until it matches the asked one, the list is loading. */
  const wanted = query === null ? null : `${query}\n${reloadKey}`;
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  /** Bumped to try a failed load again; `failures` (in a row) sets the backoff. */
  const [retries, setRetries] = useState(0);
  const failures = useRef(0);
  /** What an older page is being loaded for, or null: one at a time, and none mixed into a newer list. */
  const loadingMore = useRef<string | null>(null);
  const current = useRef(wanted);
  useEffect(() => {
    current.current = wanted;
  });

  useEffect(() => {
    if (query === null || wanted === null) return;
    let live = true;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const again = () => {
      if (retry) clearTimeout(retry);
      retry = null;
      window.removeEventListener("online", again);
      if (live) setRetries((n) => n + 1);
    };
    fetchPage(query, null).then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setNextCursor(page.nextCursor);
        setError(null);
        setLoadedFor(wanted);
        failures.current = 0;
      },
      (e: Error) => {
        if (!live) return;
        setError(e.message);
        setLoadedFor(wanted);
        retry = setTimeout(again, backoffDelay(failures.current++, RETRY_BASE_MS));
        window.addEventListener("online", again);
      },
    );
    return () => {
      live = false;
      if (retry) clearTimeout(retry);
      window.removeEventListener("online", again);
    };
  }, [query, wanted, retries]);

  const loadMore = useCallback(() => {
    if (query === null || !nextCursor || loadingMore.current !== null) return;
    const asked = (loadingMore.current = current.current);
    fetchPage(query, nextCursor).then(
      (page) => {
        loadingMore.current = null;
        if (asked !== current.current) return; // the list loaded again meanwhile
        setItems((held) => [...held, ...page.items.filter((i) => !held.some((h) => h.id === i.id))]);
        setNextCursor(page.nextCursor);
      },
      (e: Error) => {
        loadingMore.current = null;
        setError(e.message);
      },
    );
  }, [query, nextCursor]);

  /** The person's Retry: at once, whatever the backoff says. */
  const retryNow = useCallback(() => setRetries((n) => n + 1), []);
  return { items, loading: loadedFor !== wanted, error, hasMore: nextCursor !== null, loadMore, retryNow };
}
