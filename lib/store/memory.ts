// The embedded store: everything in this process's memory, for a single
// instance with nothing to install. History is bounded by HISTORY_MAX.
import { EventEmitter } from "node:events";
import { compareIds, nextId } from "../ids";
import { collapseScope } from "../audience";
import { percentiles } from "../percentiles";
import type { Channel, FunnelStage, InboxEvent, Notification } from "../types";
import {
  DEFAULT_CHANNELS,
  presenceKey,
  STREAMS_RETRY_AFTER_S,
  type BusMessage,
  type BusSubscription,
  type InstancePresence,
  type NewNotification,
  type AdmissionResult,
  type RateLimitResult,
  type FunnelMark,
  type FunnelRecord,
  type InboxState,
  type StreamAdmission,
  type Store,
  type TokenRecord,
} from "./types";

interface Presence {
  counts: Map<string, number>;
  expiresAt: number;
}

export class MemoryStore implements Store {
  readonly mode = "embedded" as const;
  readonly roundTrips = 0;
  private readonly log: Notification[] = [];
  /** Newest id dropped from the log: a resume from before it has a gap. */
  private maxTrimmedId: string | null = null;
  private lastId: string | null = null;
  private readonly inboxes = new Map<string, InboxState>();
  /** Newest id per collapse scope. */
  private readonly collapsed = new Map<string, string>();
  /** Per alert: counts, members' stages, latencies by member. Dropped with the alert from the log. */
  private readonly funnelData = new Map<string, { counts: Map<FunnelStage, number>; members: Map<string, Set<FunnelStage>>; latency: Map<string, number> }>();
  private readonly labels = new Map<string, string>();
  private readonly channels = new Map<string, Channel>(DEFAULT_CHANNELS.map((c) => [c.name, c]));
  private readonly follows = new Map<string, string[]>();
  private readonly tokens = new Map<string, TokenRecord>();
  /** Signed-out session ids and until when they stay refused (their cookies' expiry). */
  private readonly revokedSessions = new Map<string, number>();
  private readonly presence = new Map<string, Presence>();
  private readonly rateWindows = new Map<string, { window: number; count: number }>();
  /** Open streams' slots per user (one process: every slot is this instance's). */
  private readonly streamSlots = new Map<string, Set<string>>();
  private published = 0;
  private delivered = 0;
  private readonly bus = new EventEmitter().setMaxListeners(0);

  constructor(private readonly historyMax: number) {}

  async publish(input: NewNotification, targeted?: number): Promise<Notification> {
    const id = nextId(this.lastId, Date.now());
    const notification: Notification = { id, ...input, createdAt: new Date(Number(id.split("-")[0])).toISOString() };
    this.lastId = id;
    this.log.push(notification);
    const scope = collapseScope(notification);
    if (scope) this.collapsed.set(scope, id);
    if (this.log.length > this.historyMax) {
      const dropped = this.log.splice(0, this.log.length - this.historyMax);
      this.maxTrimmedId = dropped[dropped.length - 1]!.id;
      for (const n of dropped) {
        this.funnelData.delete(n.id);
        const droppedScope = collapseScope(n);
        if (droppedScope && this.collapsed.get(droppedScope) === n.id) this.collapsed.delete(droppedScope);
      }
    }
    if (input.audience.kind === "channel" && !this.channels.has(input.audience.channel)) {
      this.channels.set(input.audience.channel, { name: input.audience.channel, description: "" });
    }
    this.published++;
    if (targeted !== undefined) await this.recordFunnel([{ notificationId: id, stage: "targeted", count: targeted }]);
    this.emit({ type: "notification", notification });
    return notification;
  }

  async eventsAfter(afterId: string, max: number) {
    const reset = this.maxTrimmedId !== null && compareIds(afterId, this.maxTrimmedId) < 0;
    const start = this.firstIndexAfter(afterId);
    return { events: this.log.slice(start, start + max), reset };
  }

  async eventsBefore(beforeId: string | null, count: number) {
    const end = beforeId ? this.firstIndexAtOrAfter(beforeId) : this.log.length;
    return this.log.slice(Math.max(0, end - count), end).reverse();
  }

  async latestId() {
    return this.lastId;
  }

  async eventsByIds(ids: string[]) {
    const found = new Map<string, Notification>();
    for (const id of ids) {
      const candidate = this.log[this.firstIndexAtOrAfter(id)];
      if (candidate?.id === id) found.set(id, candidate);
    }
    return [...found.values()].sort((a, b) => compareIds(a.id, b.id));
  }

  async getInboxState(userId: string): Promise<InboxState> {
    const state = this.stateOf(userId);
    return { ...state, readIds: new Set(state.readIds), archivedIds: new Set(state.archivedIds) };
  }

  async markRead(userId: string, ids: string[]) {
    const state = this.stateOf(userId);
    for (const id of ids) if (!state.watermark || compareIds(id, state.watermark) > 0) state.readIds.add(id);
  }

  async markAllRead(userId: string, upToId: string) {
    const state = this.stateOf(userId);
    if (state.watermark && compareIds(upToId, state.watermark) <= 0) return;
    state.watermark = upToId;
    for (const id of state.readIds) if (compareIds(id, upToId) <= 0) state.readIds.delete(id);
  }

  async markSeen(userId: string, upToId: string) {
    const state = this.stateOf(userId);
    if (!state.seenUpTo || compareIds(upToId, state.seenUpTo) > 0) state.seenUpTo = upToId;
  }

  async archive(userId: string, ids: string[]) {
    const state = this.stateOf(userId);
    for (const id of ids) state.archivedIds.add(id);
  }

  async archiveAllRead(userId: string) {
    const state = this.stateOf(userId);
    if (state.watermark && (!state.archivedUpTo || compareIds(state.watermark, state.archivedUpTo) > 0)) state.archivedUpTo = state.watermark;
    for (const id of state.readIds) state.archivedIds.add(id);
    // Ids the watermark covers need no entry of their own (as the Redis script drops them).
    for (const id of state.archivedIds) if (state.archivedUpTo && compareIds(id, state.archivedUpTo) <= 0) state.archivedIds.delete(id);
  }

  async publishInboxEvent(userId: string, change: InboxEvent) {
    this.emit({ type: "inbox", userId, change });
  }

  async latestInCollapseScopes(scopes: string[]) {
    return entriesOf(this.collapsed, scopes);
  }

  async recordFunnel(marks: FunnelMark[], user?: { id: string; label: string }) {
    if (user) this.labels.set(user.id, user.label);
    for (const { notificationId, stage, member, count, latencyMs } of marks) {
      let funnel = this.funnelData.get(notificationId);
      if (!funnel) this.funnelData.set(notificationId, (funnel = { counts: new Map(), members: new Map(), latency: new Map() }));
      if (member !== undefined) {
        const stages = funnel.members.get(member) ?? new Set<FunnelStage>();
        if (stages.has(stage)) continue;
        funnel.members.set(member, stages.add(stage));
        if (latencyMs !== undefined) funnel.latency.set(member, latencyMs);
      }
      funnel.counts.set(stage, (funnel.counts.get(stage) ?? 0) + count);
    }
  }

  async funnels(ids: string[]): Promise<FunnelRecord[]> {
    return ids.map((id) => {
      const funnel = this.funnelData.get(id);
      const count = (stage: FunnelStage) => funnel?.counts.get(stage) ?? 0;
      return {
        counts: { targeted: count("targeted"), delivered: count("delivered"), displayed: count("displayed"), read: count("read"), opened: count("opened") },
        latency: percentiles([...(funnel?.latency.values() ?? [])].sort((a, b) => a - b)),
      };
    });
  }

  async funnelRecipients(id: string) {
    const stages = new Map<string, Set<FunnelStage>>();
    for (const [member, reached] of this.funnelData.get(id)?.members ?? []) {
      if (member.startsWith("u:")) stages.set(member.slice(2), new Set(reached));
    }
    return stages;
  }

  async userLabels(userIds: string[]) {
    return entriesOf(this.labels, userIds);
  }

  async listChannels() {
    return [...this.channels.values()];
  }

  async getFollowing(userId: string) {
    return [...(this.follows.get(userId) ?? [])];
  }

  async setFollowing(userId: string, channels: string[]) {
    this.follows.set(userId, [...channels]);
    this.emit({ type: "follows", userId, following: [...channels] });
  }

  async createToken(record: TokenRecord) {
    this.tokens.set(record.id, { ...record });
  }

  async listTokens(userId: string) {
    return [...this.tokens.values()].filter((t) => t.userId === userId).map((t) => ({ ...t }));
  }

  async deleteToken(userId: string, tokenId: string) {
    const token = this.tokens.get(tokenId);
    if (!token || token.userId !== userId) return false;
    this.tokens.delete(tokenId);
    this.emit({ type: "token-revoked", tokenId });
    return true;
  }

  async findTokenByHash(hash: string) {
    for (const token of this.tokens.values()) if (token.hash === hash) return { ...token };
    return null;
  }

  async tokenExists(tokenId: string) {
    return this.tokens.has(tokenId);
  }

  async touchToken(tokenId: string, at: string) {
    const token = this.tokens.get(tokenId);
    if (token) token.lastUsedAt = at;
  }

  async revokeSession(sessionId: string, untilMs: number) {
    const now = Date.now();
    for (const [id, until] of this.revokedSessions) if (until <= now) this.revokedSessions.delete(id);
    this.revokedSessions.set(sessionId, untilMs);
    this.emit({ type: "session-revoked", sessionId });
  }

  async isSessionRevoked(sessionId: string) {
    const until = this.revokedSessions.get(sessionId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.revokedSessions.delete(sessionId);
    return false;
  }

  async reportPresence(instanceId: string, counts: Map<string, number>, deliveredDelta: number, ttlMs: number) {
    this.presence.set(instanceId, { counts: new Map(counts), expiresAt: Date.now() + ttlMs });
    this.delivered += deliveredDelta;
  }

  async removePresence(instanceId: string) {
    this.presence.delete(instanceId);
  }

  async liveInstances(): Promise<InstancePresence[]> {
    return this.live().map(([id, p]) => ({ id, connections: p.counts.get(presenceKey.all) ?? 0 }));
  }

  async countElsewhere(key: string, exceptInstance: string) {
    let total = 0;
    for (const [id, p] of this.live()) if (id !== exceptInstance) total += p.counts.get(key) ?? 0;
    return total;
  }

  async counters() {
    return { published: this.published, delivered: this.delivered };
  }

  async admitStream({ userId, slotId, maxStreams, opensPerMinute }: StreamAdmission): Promise<AdmissionResult> {
    // Checked and taken in one synchronous step, as the Redis script does: an
    // await in between let every one of a burst of opens pass the check.
    const slots = this.streamSlots.get(userId) ?? new Set<string>();
    if (slots.size >= maxStreams) return { ok: false, refused: "streams", retryAfterS: STREAMS_RETRY_AFTER_S };
    const limit = this.countHit(`connect:${userId}`, opensPerMinute, 60);
    if (!limit.ok) return { ok: false, refused: "rate", retryAfterS: limit.retryAfterS };
    this.streamSlots.set(userId, slots.add(slotId));
    return { ok: true, following: await this.getFollowing(userId) };
  }

  async releaseStream(userId: string, slotId: string) {
    const slots = this.streamSlots.get(userId);
    slots?.delete(slotId);
    if (slots?.size === 0) this.streamSlots.delete(userId);
  }

  async rateLimit(key: string, limit: number, windowS: number): Promise<RateLimitResult> {
    return this.countHit(key, limit, windowS);
  }

  // Fixed window, the same policy as @upstash/ratelimit's fixedWindow in Upstash mode.
  private countHit(key: string, limit: number, windowS: number): RateLimitResult {
    const windowMs = windowS * 1000;
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const entry = this.rateWindows.get(key);
    const count = entry && entry.window === window ? entry.count : 0;
    if (count >= limit) return { ok: false, retryAfterS: Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000)) };
    this.rateWindows.set(key, { window, count: count + 1 });
    return { ok: true, retryAfterS: 0 };
  }

  subscribe(onMessage: (message: BusMessage) => void): BusSubscription {
    let closed = false;
    let resumeTimer: ReturnType<typeof setTimeout> | null = null;
    const detach = () => void this.bus.off("message", onMessage);
    this.bus.on("message", onMessage);
    return {
      ready: Promise.resolve(),
      close: () => {
        closed = true;
        if (resumeTimer) clearTimeout(resumeTimer);
        detach();
      },
      pause: (ms) => {
        if (closed || resumeTimer) return;
        detach();
        const pausedAfter = this.lastId ?? "0-0";
        resumeTimer = setTimeout(() => {
          resumeTimer = null;
          if (closed) return;
          // What was published during the pause comes from the log, then live again (same turn: nothing between);
          // what the log no longer holds is a gap every stream must be told of.
          if (this.maxTrimmedId && compareIds(pausedAfter, this.maxTrimmedId) < 0) onMessage({ type: "gap" });
          for (const notification of this.log.slice(this.firstIndexAfter(pausedAfter))) onMessage({ type: "notification", notification });
          this.bus.on("message", onMessage);
        }, ms);
      },
    };
  }

  async ping() {}

  /** Listeners on the in-process bus: zero when no hub holds a subscription. */
  get subscriberCount() {
    return this.bus.listenerCount("message");
  }

  private emit(message: BusMessage) {
    this.bus.emit("message", message);
  }

  private stateOf(userId: string): InboxState {
    let state = this.inboxes.get(userId);
    if (!state) this.inboxes.set(userId, (state = { watermark: null, readIds: new Set(), seenUpTo: null, archivedUpTo: null, archivedIds: new Set() }));
    return state;
  }

  private live() {
    const now = Date.now();
    return [...this.presence.entries()].filter(([, p]) => p.expiresAt > now);
  }

  private firstIndexAfter(id: string) {
    return this.search((candidate) => compareIds(candidate, id) > 0);
  }

  private firstIndexAtOrAfter(id: string) {
    return this.search((candidate) => compareIds(candidate, id) >= 0);
  }

  /** Binary search over the id-ordered log for the first entry matching `pred`. */
  private search(pred: (id: string) => boolean) {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pred(this.log[mid]!.id)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** The entries of `map` under these keys (those it has), as HMGET answers them. */
function entriesOf<V>(map: Map<string, V>, keys: string[]): Map<string, V> {
  const found = new Map<string, V>();
  for (const key of keys) {
    const value = map.get(key);
    if (value !== undefined) found.set(key, value);
  }
  return found;
}
