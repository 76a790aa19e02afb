// This instance's open-stream counts (all, per user, per channel) and their
// reports to the store, which make recipient counts exact across instances
// (the per-user limit is kept by the slots, not by these). Presence is
// reported per instance, never per stream: every interval while streams are
// open, and soon after a change (debounced), so counts on other instances
// are fresh within a second while an idle stream costs nothing. A change that
// changed nothing by the time it is reported (a stream's planned rotation:
// one closes, its next opens) is not reported, and a browser's stream moving
// between instances (its rotation's departure, and the arrival that replaces
// it) waits for the interval's report (the hub does not schedule one): on
// Upstash every report is billed.
import type { Presence } from "../store/presence/types";
import { presenceKey } from "../store/presence/types";
import { log } from "../server/log";

/** Every report renews this instance's alive key; a process that dies without a word counts for 3 intervals (ttlMs) at most. */
export const PRESENCE_INTERVAL_MS = 20_000;
/** A change in open streams is reported this soon (debounced), so limits and counts elsewhere are fresh within a second. */
const PRESENCE_CHANGE_DELAY_MS = 250;

export class PresenceReporter {
  private readonly counts = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dueAt = 0;
  private deliveredUnreported = 0;
  /** Set by silence(): the instance is stopping and its presence is gone; no report may bring it back. */
  private silenced = false;
  /** The counts last reported (a change that leaves them as they were is not reported). */
  private reportedCounts = "";
  /** When the last report went (performance.now()): the interval's report is never further than intervalMs after it. */
  private lastReportAt = performance.now();

  private readonly intervalMs: number;

  constructor(
    private readonly presence: Pick<Presence, "reportPresence">,
    private readonly instanceId: string,
    private readonly events: {
      /** Whether any stream is open: reports are scheduled only then. */
      hasStreams: () => boolean;
      /** A report found that this instance had stopped counting as alive. */
      onLapsed: () => void;
      /** A report went through; it started at `startedAt` (Date.now()), and the bus carries a beat from it. */
      onReported?: (startedAt: number) => void;
      intervalMs?: number;
    },
  ) {
    this.intervalMs = events.intervalMs ?? PRESENCE_INTERVAL_MS;
  }

  /** How long this instance's presence (and so its streams' slots) counts without a new report. */
  get ttlMs() {
    return 3 * this.intervalMs;
  }

  get pending() {
    return this.timer !== null;
  }

  localCount(key: string) {
    return this.counts.get(key) ?? 0;
  }

  /** A stream opened (+1) or closed (-1). */
  countStream(userId: string, following: Iterable<string>, delta: number) {
    this.bump(presenceKey.all, delta);
    this.bump(presenceKey.user(userId), delta);
    for (const channel of following) this.bump(presenceKey.channel(channel), delta);
  }

  /** A stream now follows other channels. */
  moveFollows(from: Iterable<string>, to: Iterable<string>) {
    for (const channel of from) this.bump(presenceKey.channel(channel), -1);
    for (const channel of to) this.bump(presenceKey.channel(channel), 1);
  }

  countDelivered(n: number) {
    this.deliveredUnreported += n;
  }

  /** Deliveries made since the last report: the store's total lacks them until the next. */
  get unreportedDeliveries() {
    return this.deliveredUnreported;
  }

  /**
   * A report after `delayMs`: a change's (sent only if the counts changed), or the interval's (always
   * sent: it renews the alive key and carries the beat the bus listener waits for).
   */
  schedule(delayMs = PRESENCE_CHANGE_DELAY_MS, when: "if-changed" | "always" = delayMs < this.intervalMs ? "if-changed" : "always") {
    if (this.silenced || !this.events.hasStreams()) return;
    const dueAt = performance.now() + delayMs;
    if (this.timer) {
      if (this.dueAt <= dueAt) return;
      clearTimeout(this.timer);
    }
    this.dueAt = dueAt;
    const timer = setTimeout(async () => {
      this.timer = null;
      await this.report(when);
      // A change during the report, or the last stream leaving and a new one
      // coming, scheduled a report of its own: then that chain goes on, not this one.
      // A change's report that found nothing to say keeps the interval's deadline.
      if (!this.timer) this.schedule(Math.max(0, this.lastReportAt + this.intervalMs - performance.now()), "always");
    }, delayMs);
    this.timer = timer;
    timer.unref?.();
  }

  /** The last stream is gone: one final report, and no more until a stream opens. */
  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.report("always");
  }

  /** One last report (its delivery counts), then none: settles when that one is done. */
  silence(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const last = this.report("always");
    this.silenced = true;
    return last;
  }

  private bump(key: string, delta: number) {
    const next = (this.counts.get(key) ?? 0) + delta;
    if (next > 0) this.counts.set(key, next);
    else this.counts.delete(key);
  }

  private async report(when: "always" | "if-changed") {
    if (this.silenced) return;
    const counts = JSON.stringify([...this.counts].sort());
    if (when === "if-changed" && counts === this.reportedCounts) return;
    this.reportedCounts = counts;
    this.lastReportAt = performance.now();
    const delivered = this.deliveredUnreported;
    this.deliveredUnreported = 0;
    try {
      const startedAt = Date.now();
      const { lapsed } = await this.presence.reportPresence(this.instanceId, new Map(this.counts), delivered, this.ttlMs);
      if (lapsed) this.events.onLapsed();
      this.events.onReported?.(startedAt);
    } catch (error) {
      this.deliveredUnreported += delivered;
      this.reportedCounts = "";
      log().error({ component: "hub" }, `presence report failed: ${(error as Error).message}`);
    }
  }
}
