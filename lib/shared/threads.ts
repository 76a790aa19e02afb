// A thread: the notifications of one collapse key (and audience), the
// newest shown with the history of the earlier ones ("fired 10:02 ·
// resolved 10:15").
import { compareIds } from "./ids";
import type { Notification, NotificationWithRead, ThreadEntry } from "./types";

/** A thread keeps its newest this many (the store's and a card's); the log's trimming (HISTORY_MAX) bounds it too. */
export const THREAD_MAX = 20;

/** What a thread keeps of an earlier notification. */
export function threadEntry({ id, title, severity, status, createdAt }: Notification): ThreadEntry {
  return { id, title, severity, createdAt, ...(status ? { status } : {}) };
}

/** The thread of a notification that replaces `replaced` (held items of its scope): theirs and them, oldest first, the newest THREAD_MAX. */
export function threadAfter(replaced: NotificationWithRead[]): ThreadEntry[] {
  const entries = new Map<string, ThreadEntry>();
  for (const item of replaced) {
    for (const entry of item.thread ?? []) entries.set(entry.id, entry);
    entries.set(item.id, threadEntry(item));
  }
  return [...entries.values()].sort((a, b) => compareIds(a.id, b.id)).slice(-THREAD_MAX);
}
