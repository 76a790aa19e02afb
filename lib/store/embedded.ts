// The embedded store: every concern in this process's memory, for a single
// instance with nothing to install. History is bounded by HISTORY_MAX.
import { MemoryCredentials } from "./credentials/memory";
import { MemoryDirectory } from "./directory/memory";
import { MemoryFunnel } from "./funnel/memory";
import { MemoryInbox } from "./inbox/memory";
import { MemoryRateLimiter } from "./limits/memory";
import { MemoryLog } from "./log/memory";
import { MemoryPresence } from "./presence/memory";
import type { Stores } from "./stores";
import { MemoryBus } from "./bus/memory";
import { MemoryPush } from "./push/memory";
import { MemoryEscalations } from "./escalations/memory";

export interface EmbeddedStores extends Stores {
  readonly mode: "embedded";
  /** Listeners on the in-process bus: zero when no hub holds a subscription. */
  readonly subscriberCount: number;
}

export function embeddedStores(historyMax: number): EmbeddedStores {
  const bus = new MemoryBus();
  const funnel = new MemoryFunnel();
  const directory = new MemoryDirectory(bus);
  const limits = new MemoryRateLimiter();
  const log = new MemoryLog(historyMax, bus, {
    published: (n, targeted) => {
      if (targeted !== undefined) void funnel.recordFunnel([{ notificationId: n.id, stage: "targeted", count: targeted }]);
    },
    trimmed: (n) => funnel.forget(n.id),
  });
  const inbox = new MemoryInbox(bus);
  const credentials = new MemoryCredentials(bus);
  const standing = async (userId: string, sessionId?: string) => ({
    following: await directory.getFollowing(userId),
    inboxVersion: await inbox.getVersion(userId),
    signedOut: sessionId !== undefined && (await credentials.isSessionRevoked(sessionId)),
  });
  return {
    mode: "embedded",
    roundTrips: 0,
    commandsSent: 0,
    log,
    inbox,
    funnel,
    directory,
    credentials,
    presence: new MemoryPresence(bus, limits, standing),
    limits,
    push: new MemoryPush(),
    escalations: new MemoryEscalations(bus),
    ping: async () => {},
    get subscriberCount() {
      return bus.listenerCount;
    },
  };
}
