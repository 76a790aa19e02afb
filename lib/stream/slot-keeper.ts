// Keeps this instance's stream slots in the store true to its open streams,
// whatever the store did meanwhile. A release that fails (the store is down
// as the stream closes), an admission whose answer was lost (a stall: the
// client got 503, the script ran later), or slots dropped because this
// instance was cut off for longer than its TTL would each leave the per-user
// limit wrong for as long as a stream lives. So a user whose slots are in
// doubt is reconciled with the store as soon as it answers: its slots here
// become exactly its open streams here, as far as the limit allows beside
// the other instances, and the streams that do not fit are ended (their
// clients come back and are admitted or refused like any new stream).
import type { Presence } from "../store/presence/types";
import { log } from "../server/log";

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;

export interface SlotKeeperOptions {
  instanceId: string;
  maxStreamsPerUser: number;
  slotTtlMs: number;
  /** This instance's open streams' slots for a user, oldest first. */
  openSlots(userId: string): string[];
  /** Every user with an open stream here. */
  openUsers(): Iterable<string>;
  /** Streams whose slots could not be kept: they must end. */
  onDropped(userId: string, slotIds: string[]): void;
}

export class SlotKeeper {
  private readonly doubtful = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private running = false;

  constructor(
    private readonly presence: Pick<Presence, "releaseStream" | "handOverStream" | "reclaimSlots">,
    private readonly options: SlotKeeperOptions,
  ) {}

  get pending() {
    return this.timer !== null;
  }

  /** `handOver`: the stream rotated and its browser's next admission takes the slot over (Presence.handOverStream). */
  release(userId: string, slotId: string, handOver = false) {
    const released = handOver ? this.presence.handOverStream(userId, slotId, this.options.instanceId) : this.presence.releaseStream(userId, slotId, this.options.instanceId);
    released.catch((error: Error) => {
      log().error({ component: "hub" }, `releasing a stream slot failed (${error.message}); reconciling once the store answers`);
      this.doubt(userId);
    });
  }

  /** The store may hold slots for this user that no open stream here has, or lack some. */
  doubt(userId: string) {
    this.doubtful.add(userId);
    this.schedule(RETRY_FIRST_MS);
  }

  /** The store dropped every slot of this instance (it had stopped counting as alive). */
  doubtAll() {
    for (const userId of this.options.openUsers()) this.doubtful.add(userId);
    this.schedule(0);
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.doubtful.clear();
  }

  private schedule(delayMs: number) {
    if (this.timer || this.running || !this.doubtful.size) return;
    this.timer = setTimeout(() => void this.reconcile(), delayMs);
  }

  private async reconcile() {
    this.timer = null;
    this.running = true;
    const { instanceId, maxStreamsPerUser, slotTtlMs } = this.options;
    try {
      for (const userId of [...this.doubtful]) {
        const slotIds = this.options.openSlots(userId);
        const dropped = await this.presence.reclaimSlots({ userId, instanceId, slotIds, maxStreams: maxStreamsPerUser, maxStreamMs: slotTtlMs });
        this.doubtful.delete(userId);
        if (dropped.length) this.options.onDropped(userId, dropped);
      }
      this.attempt = 0;
    } catch (error) {
      log().error({ component: "hub" }, `reconciling stream slots failed: ${(error as Error).message}`);
      this.attempt++;
    }
    this.running = false;
    this.schedule(Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.attempt));
  }
}
