// How a stream starts once it is attached: the subscription live, the sign-in
// checked again, `connected` with the inbox version (and the inbox changes
// held for it), the replay from Last-Event-ID, then the live events held
// meanwhile.
import type { InboxStore } from "../store/inbox/types";
import type { NotificationLog } from "../store/log/types";
import type { ConnectedEventData, Notification } from "../shared/types";
import type { BusListener } from "./bus-listener";
import type { Connection } from "./connection";
import { concatChunks, encodeFrame, encodeJsonEvent } from "./encode";
import type { HubOptions } from "./hub-options";
import { replay } from "./replay";
import type { RecentRevocations } from "./revocations";
import { log } from "../server/log";

export interface StreamStartHost {
  bus: Pick<BusListener, "untilLive">;
  revocations: Pick<RecentRevocations, "wasRevoked">;
  inbox: Pick<InboxStore, "getVersion">;
  log: NotificationLog;
  options: Pick<HubOptions, "instanceId" | "heartbeatMs" | "retryMs">;
  /** Ends the stream with `reconnect`. */
  rotate(connection: Connection): void;
  /** Sends events newer than the stream's cursor (hub.ts). */
  deliver(connection: Connection, frames: Uint8Array[], events: Notification[], live: boolean): void;
}

export async function startStream(host: StreamStartHost, connection: Connection, lastEventId: string | null) {
    try {
      // The subscription must be live before the replay reads the log, or an
      // event published between the two would be in neither. `connected` waits
      // for it too, so it promises that whatever is published (or revoked)
      // from then on reaches this stream.
      const isUpToDate = await host.bus.untilLive();
      // The admission asked the store about the session while the bus was live: a later revocation was heard.
      if (connection.credential && (await host.revocations.wasRevoked(connection.credential, connection.admittedWhileLive))) return host.rotate(connection);
      // The version, with every inbox change after it following `connected`: as the admission read it (the
      // changes heard since then are held, takeAdmitted), or read now that the subscription is live. A client
      // whose feed is at this version needs no new page (the resume brings what it missed): a planned rotation
      // costs no history read.
      const inboxVersion = connection.admittedInboxVersion ?? (await host.inbox.getVersion(connection.userId));
      const connected: ConnectedEventData = {
        connectionId: connection.id,
        userId: connection.userId,
        instance: host.options.instanceId,
        serverTime: new Date().toISOString(),
        heartbeatMs: host.options.heartbeatMs,
        inboxVersion,
      };
      connection.send(concatChunks([encodeFrame({ retry: host.options.retryMs }), encodeJsonEvent("connected", connected), ...connection.heldInbox]));
      connection.heldInbox = [];
      connection.started = true;
      if (lastEventId !== null && !isUpToDate(lastEventId)) await replay(host.log, connection, lastEventId, host.deliver);
    } catch (error) {
      log().error({ component: "hub" }, `replay failed for a stream: ${(error as Error).message}`);
      return connection.fail(new Error("replay failed"));
    }
    if (connection.closed) return;
    connection.replaying = false;
    const held = connection.held;
    connection.held = [];
    if (held.length) host.deliver(connection, held.map((n) => encodeJsonEvent("notification", n, n.id)), held, true);
  }
