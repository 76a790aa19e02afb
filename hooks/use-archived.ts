"use client";
// The "Archived" filter's list: loaded from the history when shown, and again
// whenever something is archived (here, in another tab or on another device).
import { useCallback, useEffect, useState } from "react";
import { apiFetch } from "@/lib/api-client";
import type { NotificationPage, NotificationWithRead } from "@/lib/types";

const PAGE_SIZE = 30;

export function useArchived(shown: boolean, archiveVersion: number) {
  const [items, setItems] = useState<NotificationWithRead[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The archive version the list last loaded for: until it matches, the list is loading. */
  const [loadedVersion, setLoadedVersion] = useState<number | null>(null);

  const load = useCallback(async (cursor: string | null, version: number) => {
    const url = `/api/notifications?archived=1&limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const result = await apiFetch<NotificationPage>(url).then(
      (page) => ({ page, error: null }),
      (e: Error) => ({ page: null, error: e.message }),
    );
    if (result.page) {
      const { items: more, nextCursor: next } = result.page;
      setItems((held) => (cursor ? [...held, ...more] : more));
      setNextCursor(next);
    }
    setError(result.error);
    setLoadedVersion(version);
  }, []);

  useEffect(() => {
    if (shown) void load(null, archiveVersion);
  }, [shown, archiveVersion, load]);

  const loadMore = useCallback(() => void (nextCursor && load(nextCursor, archiveVersion)), [load, nextCursor, archiveVersion]);
  return { items, loading: loadedVersion !== archiveVersion, error, hasMore: nextCursor !== null, loadMore };
}
