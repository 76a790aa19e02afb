"use client";
// The "Archived" filter's list: loaded from the history when shown, and again
// whenever something is archived (here, in another tab or on another device).
import { useCallback, useEffect, useRef, useState } from "react";
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
  /** The archive version an older page is being loaded for, or null: one at a time, and none mixed into a newer list. */
  const loadingMore = useRef<number | null>(null);
  const version = useRef(archiveVersion);
  useEffect(() => {
    version.current = archiveVersion;
  });

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
    if (!nextCursor || loadingMore.current !== null) return;
    const asked = (loadingMore.current = version.current);
    fetchArchived(nextCursor).then(
      (page) => {
        loadingMore.current = null;
        if (asked !== version.current) return; // the list loaded again meanwhile
        setItems((held) => [...held, ...page.items.filter((i) => !held.some((h) => h.id === i.id))]);
        setNextCursor(page.nextCursor);
      },
      (e: Error) => {
        loadingMore.current = null;
        setError(e.message);
      },
    );
  }, [nextCursor]);

  return { items, loading: loadedVersion !== archiveVersion, error, hasMore: nextCursor !== null, loadMore };
}
