// A stream that comes back with Last-Event-ID is sent what it missed from the
// log, page by page at the pace its client reads, or told to refetch
// (`reset`) when the log no longer holds it all.
import { collapseScope, isAddressedTo } from "../shared/audience";
import { isNotificationId } from "../shared/ids";
import { isExpired } from "../shared/expiry";
import type { NotificationLog } from "../store/log/types";
import type { Notification } from "../shared/types";
import type { Connection } from "./connection";
import { encodeJsonEvent } from "./encode";

const REPLAY_PAGE = 200;
/** Instances' clocks (and Redis's, which mints the ids) may differ this much. */
const FUTURE_ID_MARGIN_MS = 60_000;
export const RESET = encodeJsonEvent("reset", {});
/** The client's id is from a history this server does not hold: what it shows is gone here, not just behind. */
const STARTED_OVER = encodeJsonEvent("reset", { startedOver: true });

/** Sends `events` (a page of what the connection missed) unless it has them already. */
type Deliver = (connection: Connection, frames: Uint8Array[], events: Notification[], live: boolean) => void;

export async function replay(log: Pick<NotificationLog, "eventsAfter">, connection: Connection, lastEventId: string, deliver: Deliver) {
  if (!isNotificationId(lastEventId)) return connection.send(RESET);
  let cursor = lastEventId;
  for (let first = true; !connection.closed; first = false) {
    const { events, reset, unknownId } = await log.eventsAfter(cursor, REPLAY_PAGE);
    // Too old to resume, or trimming overtook a slow replay between two
    // pages: there is a hole, so the client refetches its history instead.
    // An id older than this store's whole history (a wiped store, an embedded
    // one that restarted): the client drops what it holds as well. An id from
    // the future (a made-up one, another store's clock): a refetch.
    if (reset || (first && (unknownId || (events.length === 0 && isFromAnotherHistory(lastEventId))))) {
      connection.sentUpTo = null;
      return connection.send(first && unknownId ? STARTED_OVER : RESET);
    }
    // Expired ones go after the collapse: a newer one that expired still replaced the older ones.
    const now = Date.now();
    const mine = newestPerCollapseScope(events.filter((n) => isAddressedTo(n.audience, connection))).filter((n) => !isExpired(n, now));
    if (mine.length) deliver(connection, mine.map((n) => encodeJsonEvent("notification", n, n.id)), mine, false);
    if (events.length < REPLAY_PAGE) return;
    await connection.waitForDrain();
    cursor = events[events.length - 1]!.id;
  }
}

/**
 * An id from the future came from another history (a store whose clock ran
 * ahead, or a made-up id). Compared with the clock, not with the log's newest
 * id: that answer would let a member binary-search when anything was last sent
 * to anyone.
 */
function isFromAnotherHistory(lastEventId: string) {
  return Number(lastEventId.split("-")[0]) > Date.now() + FUTURE_ID_MARGIN_MS;
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
