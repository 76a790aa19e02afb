// The Redis-backed presence: one hash, a field per instance holding its
// counts and expiry. One round trip per report writes this instance's counts
// and reads every other's, so limits and recipient counts need no command of
// their own.
import type { ControlMessage } from "../bus/types";
import { hashOf, type RedisConnection } from "../redis/connection";
import { KEY } from "../redis/keys";
import { RedisAdmissions } from "./redis-admission";
import { presenceKey, type InstancePresence, type Presence, type SlotClaim, type StreamAdmission } from "./types";

/** Other instances' counts are read again after this long (they report changes within PRESENCE_CHANGE_DELAY_MS). */
const PRESENCE_FRESH_MS = 250;

/**
 * One report in one command (Upstash bills a script as one; as a pipeline it
 * was four or five): whether this process was still alive, its alive key and
 * counts renewed, the deliveries added, and every instance's counts read.
 * KEYS: alive key, presence hash, delivered counter. ARGV: ttl ms, instance id, its entry, deliveries.
 */
const REPORT_SCRIPT = `
local wasAlive = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
if tonumber(ARGV[4]) > 0 then redis.call('INCRBY', KEYS[3], ARGV[4]) end
redis.call('PUBLISH', KEYS[4], ARGV[5])
return {wasAlive, redis.call('HGETALL', KEYS[2])}`;

interface InstanceReport {
  expiresAt: number;
  counts: Record<string, number>;
}

export class RedisPresence implements Presence {
  private view: { at: number; entries: Map<string, InstanceReport> } | null = null;
  private readonly admissions: RedisAdmissions;

  constructor(private readonly redis: RedisConnection) {
    this.admissions = new RedisAdmissions(redis);
  }

  async reportPresence(instanceId: string, counts: Map<string, number>, deliveredDelta: number, ttlMs: number) {
    const entry = JSON.stringify({ expiresAt: Date.now() + ttlMs, counts: Object.fromEntries(counts) });
    const alive = KEY.alive(this.redis.processId(instanceId));
    // Heard back by this instance's own subscription, in the same billed command (bus-listener.ts).
    const beat: ControlMessage = { type: "beat", instanceId };
    // Alive as long as its presence (Redis expires the key): its stream slots count for as long.
    const [wasAlive, all] = await this.redis.one<[number, unknown]>((b) =>
      b.eval(REPORT_SCRIPT, [alive, KEY.presence, KEY.delivered, KEY.bus], [String(ttlMs), instanceId, entry, String(deliveredDelta), JSON.stringify(beat)]),
    );
    await this.updateView(hashOf(all));
    return { lapsed: Number(wasAlive) === 0 };
  }

  async removePresence(instanceId: string) {
    // Without its alive key, the next admission anywhere drops this process's slots whole.
    await this.redis.run((b) => b.hdel(KEY.presence, [instanceId]).del(KEY.alive(this.redis.processId(instanceId))));
  }

  async liveInstances(): Promise<InstancePresence[]> {
    const view = await this.presence(true);
    return [...view.entries()].map(([id, p]) => ({ id, connections: p.counts[presenceKey.all] ?? 0 }));
  }

  async countElsewhere(key: string, exceptInstance: string) {
    let total = 0;
    for (const [id, p] of await this.presence(false)) if (id !== exceptInstance) total += p.counts[key] ?? 0;
    return total;
  }

  async deliveredCount() {
    return Number((await this.redis.one<string | null>((b) => b.get(KEY.delivered))) ?? 0);
  }

  admitStream(request: StreamAdmission) {
    return this.admissions.admit(request);
  }

  releaseStream(userId: string, slotId: string, instanceId: string) {
    return this.admissions.release(userId, slotId, instanceId);
  }

  /** A release is a billed command: the browser's next admission replaces the slot (or it lapses), at no cost. */
  async handOverStream() {}

  reclaimSlots(claim: SlotClaim) {
    return this.admissions.reclaim(claim);
  }

  private async presence(fresh: boolean) {
    if (fresh || !this.view || Date.now() - this.view.at > PRESENCE_FRESH_MS) {
      await this.updateView(hashOf(await this.redis.one((b) => b.hgetall(KEY.presence))));
    }
    return this.view!.entries;
  }

  private async updateView(all: Record<string, string>) {
    const now = Date.now();
    const entries = new Map<string, InstanceReport>();
    const expired: string[] = [];
    for (const [id, raw] of Object.entries(all)) {
      const entry = JSON.parse(String(raw)) as InstanceReport;
      if (entry.expiresAt > now) entries.set(id, entry);
      else expired.push(id);
    }
    this.view = { at: now, entries };
    const [first, ...rest] = expired;
    if (first !== undefined) await this.redis.run((b) => b.hdel(KEY.presence, [first, ...rest]));
  }
}
