// The funnel's "delivered" stage, counted by each instance's hub: per
// notification, the streams it was written to and, for user and channel
// audiences (the ones an alert's page lists), whose they were. Handed to the
// store at most once a second, in one command however many notifications
// (store.recordFunnel), so a fan-out costs the store nothing per stream.
import { funnelMember, type FunnelMark, type FunnelStore } from "../store/funnel/types";
import type { Notification } from "../shared/types";
import { log } from "../server/log";

export const DELIVERY_REPORT_MS = 1_000;

export interface DeliveryCount {
  streams: number;
  /** Null for an audience of everyone: counted, not listed. */
  users: Set<string> | null;
}

export class DeliveryTally {
  private pending = new Map<string, DeliveryCount>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly funnel: FunnelStore,
    private readonly reportMs = DELIVERY_REPORT_MS,
  ) {}

  /** The running count of one notification: the fan-out adds to it per stream. */
  countOf(n: Notification): DeliveryCount {
    let count = this.pending.get(n.id);
    if (!count) {
      this.pending.set(n.id, (count = { streams: 0, users: n.audience.kind === "all" ? null : new Set() }));
      this.schedule();
    }
    return count;
  }

  add(n: Notification, userId: string) {
    const count = this.countOf(n);
    count.streams++;
    count.users?.add(userId);
  }

  /** Reports what is pending now (also when the last stream leaves). */
  async report() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const pending = this.pending;
    if (!pending.size) return;
    this.pending = new Map();
    const marks: FunnelMark[] = [];
    for (const [notificationId, { streams, users }] of pending) {
      if (streams) marks.push({ notificationId, stage: "delivered", count: streams });
      for (const userId of users ?? []) marks.push({ notificationId, stage: "delivered", member: funnelMember.user(userId), count: 0 });
    }
    try {
      await this.funnel.recordFunnel(marks);
    } catch (error) {
      // Counts only; the next report may reach the store. Not retried, so a long outage cannot pile them up.
      log().error({ component: "hub" }, `delivery counts lost: ${(error as Error).message}`);
    }
  }

  private schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.report(), this.reportMs);
    this.timer.unref?.();
  }
}
