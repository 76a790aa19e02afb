// How a person's inbox state reads for one notification: read, archived,
// snoozed. The one reading the embedded store, counts and pages share.
import { compareIds } from "../../shared/ids";
import type { InboxState } from "./types";

/** Whether `id` is at or before the watermark `mark` (none: nothing is). */
export function atOrBefore(id: string, mark: string | null) {
  return mark !== null && compareIds(id, mark) <= 0;
}

export function isRead(id: string, state: Pick<InboxState, "watermark" | "readIds" | "unreadIds">) {
  return !state.unreadIds.has(id) && (atOrBefore(id, state.watermark) || state.readIds.has(id));
}

export function isArchived(id: string, state: Pick<InboxState, "archivedUpTo" | "archivedIds" | "unarchivedIds">) {
  return state.archivedIds.has(id) || (atOrBefore(id, state.archivedUpTo) && !state.unarchivedIds.has(id));
}

/** Snoozed and not yet back at `now` (ms). */
export function isSnoozed(id: string, state: Pick<InboxState, "snoozedUntil">, now: number) {
  return (state.snoozedUntil.get(id) ?? 0) > now;
}
