"use client";
// The "Archived" filter's list: loaded from the history when shown, and again
// whenever something is archived (here, in another tab or on another device).
import { useCallback, useEffect, useState } from "react";
import { apiFetch } from "@/lib/api-client";
import type { NotificationPage, NotificationWithRead } from "@/lib/types";

const PAGE_SIZE = 30;

function fetchArchived(cursor: string | null) {
  return apiFetch<NotificationPage>(`/api/notifications?archived=1&limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
}

export function useArchived(shown: boolean, archiveVersion: number) {
  const [items, setItems] = useState<NotificationWithRead[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The archive version the list last loaded for: until it matches, the list is loading. */
  const [loadedVersion, setLoadedVersion] = useState<number | null>(null);

  useEffect(() => {
    if (!shown) return;
    let current = true;
    fetchArchived(null).then(
      (page) => {
        if (!current) return;
        setItems(page.items);
        setNextCursor(page.nextCursor);
        setError(null);
        setLoadedVersion(archiveVersion);
      },
      (e: Error) => {
        if (!current) return;
        setError(e.message);
        setLoadedVersion(archiveVersion);
      },
    );
    return () => {
      current = false;
    };
  }, [shown, archiveVersion]);

  const loadMore = useCallback(() => {
    if (!nextCursor) return;
    fetchArchived(nextCursor).then(
      (page) => {
        setItems((held) => [...held, ...page.items]);
        setNextCursor(page.nextCursor);
      },
      (e: Error) => setError(e.message),
    );
  }, [nextCursor]);

  return { items, loading: loadedVersion !== archiveVersion, error, hasMore: nextCursor !== null, loadMore };
}
