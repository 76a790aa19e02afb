// A stream that comes back with Last-Event-ID is sent what it missed from the
// log, page by page at the pace its client reads, or told to refetch
// (`reset`) when the log no longer holds it all.
import { collapseScope, isAddressedTo } from "../audience";
import { compareIds, isNotificationId } from "../ids";
import type { NotificationLog } from "../store/log/types";
import type { Notification } from "../types";
import type { Connection } from "./connection";
import { encodeJsonEvent } from "./encode";

const REPLAY_PAGE = 200;
export const RESET = encodeJsonEvent("reset", {});

/** Sends `events` (a page of what the connection missed) unless it has them already. */
type Deliver = (connection: Connection, frames: Uint8Array[], events: Notification[], live: boolean) => void;

export async function replay(log: Pick<NotificationLog, "eventsAfter" | "latestId">, connection: Connection, lastEventId: string, deliver: Deliver) {
  if (!isNotificationId(lastEventId)) return connection.send(RESET);
  let cursor = lastEventId;
  for (let first = true; !connection.closed; first = false) {
    const { events, reset } = await log.eventsAfter(cursor, REPLAY_PAGE);
    // Too old to resume, an id this store never issued (a wiped store), or
    // trimming overtook a slow replay between two pages: there is a hole,
    // so the client refetches its history instead.
    if (reset || (first && events.length === 0 && (await isFromAnotherHistory(log, lastEventId)))) {
      connection.sentUpTo = null;
      return connection.send(RESET);
    }
    const mine = newestPerCollapseScope(events.filter((n) => isAddressedTo(n.audience, connection)));
    if (mine.length) deliver(connection, mine.map((n) => encodeJsonEvent("notification", n, n.id)), mine, false);
    if (events.length < REPLAY_PAGE) return;
    await connection.waitForDrain();
    cursor = events[events.length - 1]!.id;
  }
}

/** An id newer than anything in the log (or an empty log) came from a store that was wiped. */
async function isFromAnotherHistory(log: Pick<NotificationLog, "latestId">, lastEventId: string) {
  const latest = await log.latestId();
  return latest === null || compareIds(lastEventId, latest) > 0;
}

/**
 * A replay hands on only the newest per collapse scope: a client that missed
 * "Deploy 42: building" and "Deploy 42: live" gets the second. (Across two
 * replay pages both may go; the client replaces the older.)
 */
function newestPerCollapseScope(events: Notification[]): Notification[] {
  const newest = new Map<string, string>();
  for (const n of events) {
    const scope = collapseScope(n);
    if (scope) newest.set(scope, n.id);
  }
  if (!newest.size) return events;
  return events.filter((n) => {
    const scope = collapseScope(n);
    return !scope || newest.get(scope) === n.id;
  });
}
