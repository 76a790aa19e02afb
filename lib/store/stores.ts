// The store, by concern: one small interface each (in its folder, with its
// embedded and Redis backends side by side), handed out together by the
// factory in index.ts. A route or the hub takes only the parts it uses.
import type { Credentials } from "./credentials/types";
import type { Directory } from "./directory/types";
import type { FunnelStore } from "./funnel/types";
import type { InboxStore } from "./inbox/types";
import type { RateLimiter } from "./limits/types";
import type { NotificationLog } from "./log/types";
import type { Presence } from "./presence/types";
import type { PushStore } from "./push/types";
import type { EscalationStore } from "./escalations/types";

export interface Stores {
  readonly mode: "embedded" | "upstash" | "redis";
  /** Round trips made to the backing service so far (0 for the embedded store). */
  readonly roundTrips: number;
  /** Commands sent to Redis, as Upstash bills them (0 in embedded mode). */
  readonly commandsSent: number;
  readonly log: NotificationLog;
  readonly inbox: InboxStore;
  readonly funnel: FunnelStore;
  readonly directory: Directory;
  readonly credentials: Credentials;
  readonly presence: Presence;
  readonly limits: RateLimiter;
  readonly push: PushStore;
  readonly escalations: EscalationStore;
  /** Throws when the backing service cannot be reached. */
  ping(): Promise<void>;
}
