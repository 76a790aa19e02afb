// The embedded presence and stream admission: one process, so every slot is
// this instance's.
import type { MemoryRateLimiter } from "../limits/memory";
import { presenceKey, STREAMS_RETRY_AFTER_S, type AdmissionResult, type InstancePresence, type Presence, type StreamAdmission } from "./types";

interface InstanceReport {
  counts: Map<string, number>;
  expiresAt: number;
}

export class MemoryPresence implements Presence {
  private readonly reports = new Map<string, InstanceReport>();
  /** Open streams' slots per user. */
  private readonly streamSlots = new Map<string, Set<string>>();
  private delivered = 0;

  constructor(
    private readonly limiter: MemoryRateLimiter,
    private readonly getFollowing: (userId: string) => Promise<string[]>,
  ) {}

  async reportPresence(instanceId: string, counts: Map<string, number>, deliveredDelta: number, ttlMs: number) {
    this.reports.set(instanceId, { counts: new Map(counts), expiresAt: Date.now() + ttlMs });
    this.delivered += deliveredDelta;
  }

  async removePresence(instanceId: string) {
    this.reports.delete(instanceId);
  }

  async liveInstances(): Promise<InstancePresence[]> {
    return this.live().map(([id, p]) => ({ id, connections: p.counts.get(presenceKey.all) ?? 0 }));
  }

  async countElsewhere(key: string, exceptInstance: string) {
    let total = 0;
    for (const [id, p] of this.live()) if (id !== exceptInstance) total += p.counts.get(key) ?? 0;
    return total;
  }

  async deliveredCount() {
    return this.delivered;
  }

  async admitStream({ userId, slotId, maxStreams, opensPerMinute }: StreamAdmission): Promise<AdmissionResult> {
    // Checked and taken in one synchronous step, as the Redis script does: an
    // await in between let every one of a burst of opens pass the check.
    const slots = this.streamSlots.get(userId) ?? new Set<string>();
    if (slots.size >= maxStreams) return { ok: false, refused: "streams", retryAfterS: STREAMS_RETRY_AFTER_S };
    const limit = this.limiter.hit(`connect:${userId}`, opensPerMinute, 60);
    if (!limit.ok) return { ok: false, refused: "rate", retryAfterS: limit.retryAfterS };
    this.streamSlots.set(userId, slots.add(slotId));
    return { ok: true, following: await this.getFollowing(userId) };
  }

  async releaseStream(userId: string, slotId: string) {
    const slots = this.streamSlots.get(userId);
    slots?.delete(slotId);
    if (slots?.size === 0) this.streamSlots.delete(userId);
  }

  private live() {
    const now = Date.now();
    return [...this.reports.entries()].filter(([, p]) => p.expiresAt > now);
  }
}
