// The embedded presence and stream admission: one process, so every slot is
// this instance's.
import type { MemoryBus } from "../bus/memory";
import type { MemoryRateLimiter } from "../limits/memory";
import {
  presenceKey,
  STREAMS_RETRY_AFTER_S,
  type AdmissionResult,
  type InstancePresence,
  type Presence,
  type SlotClaim,
  type StreamAdmission,
} from "./types";

interface InstanceReport {
  counts: Map<string, number>;
  expiresAt: number;
}

export class MemoryPresence implements Presence {
  private readonly reports = new Map<string, InstanceReport>();
  /** Open streams' slots per user: slot id → the instance holding it (instances share this process in tests only). */
  private readonly streamSlots = new Map<string, Map<string, string>>();
  /** Per user, each browser's current slot. */
  private readonly browserSlots = new Map<string, Map<string, string>>();
  private delivered = 0;

  constructor(
    private readonly bus: MemoryBus,
    private readonly limiter: MemoryRateLimiter,
    /** What an admission answers besides the slot: the user's follows and inbox version, and whether the session was signed out. */
    private readonly standing: (userId: string, sessionId?: string) => Promise<{ following: string[]; inboxVersion: number; signedOut: boolean }>,
  ) {}

  async reportPresence(instanceId: string, counts: Map<string, number>, deliveredDelta: number, ttlMs: number) {
    this.reports.set(instanceId, { counts: new Map(counts), expiresAt: Date.now() + ttlMs });
    this.delivered += deliveredDelta;
    this.bus.send({ type: "beat", instanceId });
    return { lapsed: false };
  }

  async removePresence(instanceId: string) {
    this.reports.delete(instanceId);
    // One process: every slot is this instance's.
    this.streamSlots.clear();
    this.browserSlots.clear();
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

  async admitStream({ userId, slotId, browserId, instanceId, maxStreams, opensPerMinute, sessionId }: StreamAdmission): Promise<AdmissionResult> {
    // Read first, then checked and taken in one synchronous step, as the Redis script does: an
    // await in between let every one of a burst of opens pass the check.
    const { following, inboxVersion, signedOut } = await this.standing(userId, sessionId);
    if (signedOut) return { ok: false, refused: "signed-out" };
    const slots = this.streamSlots.get(userId) ?? new Map<string, string>();
    const browsers = this.browserSlots.get(userId) ?? new Map<string, string>();
    const replaced = browserId === undefined ? undefined : browsers.get(browserId);
    const counted = slots.size - (replaced !== undefined && slots.has(replaced) ? 1 : 0);
    if (counted >= maxStreams) return { ok: false, refused: "streams", retryAfterS: STREAMS_RETRY_AFTER_S };
    const limit = this.limiter.hit(`connect:${userId}`, opensPerMinute, 60);
    if (!limit.ok) return { ok: false, refused: "rate", retryAfterS: limit.retryAfterS };
    const replacedOlder = replaced !== undefined && slots.delete(replaced);
    if (replacedOlder) this.bus.send({ type: "stream-replaced", userId, slotId: replaced });
    this.streamSlots.set(userId, slots.set(slotId, instanceId));
    if (browserId !== undefined) this.browserSlots.set(userId, browsers.set(browserId, slotId));
    return { ok: true, following, inboxVersion, replacedOlder };
  }


  async releaseStream(userId: string, slotId: string) {
    this.freeSlot(userId, slotId);
  }

  /** Releasing costs nothing here, and a slot in memory never lapses: a rotation releases it. */
  async handOverStream(userId: string, slotId: string) {
    this.freeSlot(userId, slotId);
  }

  private freeSlot(userId: string, slotId: string) {
    const slots = this.streamSlots.get(userId);
    slots?.delete(slotId);
    if (slots?.size === 0) this.streamSlots.delete(userId);
    const browsers = this.browserSlots.get(userId);
    for (const [browser, slot] of browsers ?? []) if (slot === slotId) browsers!.delete(browser);
    if (browsers?.size === 0) this.browserSlots.delete(userId);
  }

  async reclaimSlots({ userId, instanceId, slotIds, maxStreams }: SlotClaim) {
    const slots = this.streamSlots.get(userId) ?? new Map<string, string>();
    for (const [slot, holder] of slots) if (holder === instanceId) slots.delete(slot);
    const room = Math.max(0, maxStreams - slots.size);
    for (const slot of slotIds.slice(0, room)) slots.set(slot, instanceId);
    if (slots.size) this.streamSlots.set(userId, slots);
    else this.streamSlots.delete(userId);
    return slotIds.slice(room);
  }

  private live() {
    const now = Date.now();
    return [...this.reports.entries()].filter(([, p]) => p.expiresAt > now);
  }
}
