// The Redis-backed store, written once for both ways of reaching Redis:
// Upstash over REST (upstash.ts) and plain Redis or Valkey over TCP
// (redis.ts). The event log is a Redis stream, the bus a pub/sub channel, and
// everything else small hashes and sets, so any number of instances share
// history, read state and presence. Keys: README, "What each Redis key holds".
import { Ratelimit } from "@upstash/ratelimit";
import { BackendUnavailableError } from "../errors";
import { compareIds } from "../ids";
import { collapseScope } from "../audience";
import { FUNNEL_STAGES, type Channel, type FunnelStage, type InboxEvent, type Notification, type ReadEventData } from "../types";
import type { RedisBatch, RedisClient } from "./redis-client";
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
  FUNNEL_TTL_S,
  type FunnelMark,
  type FunnelRecord,
  type InboxState,
  type StreamAdmission,
  type Store,
  type TokenRecord,
} from "./types";

const KEY = {
  log: "ntf:log",
  bus: "ntf:bus",
  channels: "ntf:channels",
  delivered: "ntf:delivered",
  presence: "ntf:presence",
  tokens: "ntf:tokens",
  tokenByHash: "ntf:token-hash",
  revokedSession: (sessionId: string) => `ntf:revoked:${sessionId}`,
  watermark: (userId: string) => `ntf:read-upto:${userId}`,
  readIds: (userId: string) => `ntf:read:${userId}`,
  seenUpTo: (userId: string) => `ntf:seen-upto:${userId}`,
  archivedUpTo: (userId: string) => `ntf:archived-upto:${userId}`,
  archivedIds: (userId: string) => `ntf:archived:${userId}`,
  /** Newest id per collapse scope. */
  collapse: "ntf:collapse",
  /** "Name <email>" of people who acknowledged anything, for the alert pages (FUNNEL_RECORD_SCRIPT writes it). */
  users: "ntf:users",
  /** One alert's funnel: stage counts and "<stage>|<member>" fields (FUNNEL_RECORD_SCRIPT, FUNNEL_READ_SCRIPT). */
  funnel: (id: string) => `ntf:funnel:${id}`,
  follows: (userId: string) => `ntf:follows:${userId}`,
  /** The processes holding a user's stream slots (ADMIT_SCRIPT); named anew when slots moved out of one sorted set. */
  streamProcesses: (userId: string) => `ntf:stream-processes:${userId}`,
  /** One process's slots for a user, scored by when each lapses at the latest. */
  streamSlots: (userId: string, processId: string) => `${KEY.streamSlotsPrefix(userId)}${processId}`,
  streamSlotsPrefix: (userId: string) => `ntf:stream-slots:${userId}:`,
  /** Set with a TTL while the process is alive: its stream slots count while it exists. */
  alive: (processId: string) => `ntf:alive:${processId}`,
  connectWindow: (userId: string, window: number) => `ntf:rl:connect:${userId}:${window}`,
};

/**
 * Stores and publishes in one atomic round trip: XADD mints the id (strictly
 * increasing across instances), then the bus message carries it. The payload
 * is spliced in as raw JSON so the script needs no JSON library.
 */
const PUBLISH_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'n', ARGV[2])
redis.call('PUBLISH', KEYS[2], '{"type":"notification","id":"' .. id .. '","n":' .. ARGV[2] .. '}')
if ARGV[3] ~= '' then redis.call('HSETNX', KEYS[3], ARGV[3], '') end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[4], ARGV[4], id) end
if ARGV[5] ~= '' then
  redis.call('HSET', 'ntf:funnel:' .. id, 'targeted', ARGV[5])
  redis.call('EXPIRE', 'ntf:funnel:' .. id, ARGV[6])
end
return id`;

/** Lua: whether stream id a is after stream id b ("<ms>-<seq>"; ms fits a Lua number exactly). */
const LUA_ID_AFTER = `
local function after(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am > bm or (am == bm and as > bs)
end`;

/** SET KEYS[1] to ARGV[1] unless it already holds a later id: a watermark only moves forward. */
const WATERMARK_SCRIPT = `${LUA_ID_AFTER}
local current = redis.call('GET', KEYS[1])
if current and not after(ARGV[1], current) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/**
 * Archives what is read, atomically: the archive watermark moves up to the
 * read watermark, ids read one by one join the archived ones, and archived
 * ids the watermark now covers are dropped (the set stays small).
 * KEYS: read watermark, read ids, archive watermark, archived ids.
 */
const ARCHIVE_READ_SCRIPT = `${LUA_ID_AFTER}
local read = redis.call('GET', KEYS[1])
local upTo = redis.call('GET', KEYS[3])
if read and (not upTo or after(read, upTo)) then
  redis.call('SET', KEYS[3], read)
  upTo = read
end
local ids = redis.call('SMEMBERS', KEYS[2])
for i = 1, #ids, 1000 do redis.call('SADD', KEYS[4], unpack(ids, i, math.min(i + 999, #ids))) end
if upTo then
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[4])) do
    if not after(id, upTo) then redis.call('SREM', KEYS[4], id) end
  end
end
return #ids`;

/** Several entries of the log by id, in one command (an acknowledgement batch costs O(1) commands). */
const EVENTS_BY_IDS_SCRIPT = `
local out = {}
for i = 1, #ARGV do
  local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i], 'COUNT', 1)[1]
  if entry then out[#out + 1] = entry end
end
return out`;

/** HMGET as a plain list (the REST client turns HMGET's reply into an object); callers send at most HMGET_MAX fields. */
const HMGET_SCRIPT = `return redis.call('HMGET', KEYS[1], unpack(ARGV))`;

/**
 * Records funnel steps in one command however many (the README's cost
 * table). Per step: id, stage, member ('' for none), count, latency ('' for
 * none). A member counts once per stage: its field "<stage>|<member>" is set
 * only once, and only then is the count added and its latency kept.
 * ARGV[1]: ttl s; ARGV[2], ARGV[3]: the acknowledging user's id and label, or ''.
 */
const FUNNEL_RECORD_SCRIPT = `
local ttl = ARGV[1]
if ARGV[2] ~= '' then redis.call('HSET', 'ntf:users', ARGV[2], ARGV[3]) end
local expire = {}
for i = 4, #ARGV, 5 do
  local key = 'ntf:funnel:' .. ARGV[i]
  local stage, member, count, latency = ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3]), ARGV[i + 4]
  if member == '' then
    -- A hub's delivery report: the alert's key has its lifetime from the publish; only a first count sets it.
    if redis.call('HINCRBY', key, stage, count) == count then expire[key] = true end
  else
    if redis.call('HSETNX', key, stage .. '|' .. member, '1') == 1 then
      if count ~= 0 then redis.call('HINCRBY', key, stage, count) end
      if latency ~= '' then
        redis.call('ZADD', key .. ':latency', latency, member)
        expire[key .. ':latency'] = true
      end
    end
    expire[key] = true
  end
end
for key in pairs(expire) do redis.call('EXPIRE', key, ttl) end
return 1`;

/** Marks per FUNNEL_RECORD_SCRIPT call: a browser's batch (at most 200) is one; a large delivery report or "mark all read" goes in several. */
const FUNNEL_MARKS_PER_CALL = 1_000;
const HMGET_MAX = 1_000;

/**
 * Reads funnels in one command: per id (ARGV), the stage counts, the number
 * of latencies, and the p50, p95 and largest (nearest rank, as lib/percentiles.ts).
 */
const FUNNEL_READ_SCRIPT = `
local out = {}
for i = 1, #ARGV do
  local key = 'ntf:funnel:' .. ARGV[i]
  local counts = redis.call('HMGET', key, ${FUNNEL_STAGES.map((s) => `'${s}'`).join(", ")})
  local n = redis.call('ZCARD', key .. ':latency')
  local picks = {}
  if n > 0 then
    for _, p in ipairs({0.5, 0.95}) do
      local rank = math.max(0, math.ceil(p * n) - 1)
      picks[#picks + 1] = redis.call('ZRANGE', key .. ':latency', rank, rank, 'WITHSCORES')[2]
    end
    picks[#picks + 1] = redis.call('ZRANGE', key .. ':latency', -1, -1, 'WITHSCORES')[2]
  end
  out[#out + 1] = {counts, n, picks}
end
return out`;

/**
 * Reads what resume needs from XINFO STREAM (the client has no XINFO STREAM):
 * the first kept id, entries ever added, and the current length; entries were
 * trimmed when more were added than are kept.
 */
const STREAM_INFO_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'0-0', 0, 0} end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local out = {'0-0', -1, 0}
for i = 1, #info, 2 do
  if info[i] == 'first-entry' and info[i + 1] then out[1] = info[i + 1][1]
  elseif info[i] == 'entries-added' then out[2] = info[i + 1]
  elseif info[i] == 'length' then out[3] = info[i + 1] end
end
return out`;

/**
 * Admits a stream in one round trip, atomically. A user's slots are kept per
 * process: a set names the processes holding any, and each process's slots
 * are a sorted set scored by when each lapses at the latest (the longest a
 * stream lives), so a slot whose release never came cannot count for ever.
 * The check costs a few commands per process, not per slot: one user may
 * hold thousands of streams (a shared token, a wallboard), and reading every
 * slot on every admission made connecting N streams O(N²) (5,000 took 8 s
 * of Redis CPU). The slots of a process that stopped saying it is alive (its
 * key expired) are dropped whole. Over the limit it refuses; else it counts
 * the open in a fixed window (the same policy as @upstash/ratelimit's
 * fixedWindow, written here because a library call cannot share the script's
 * round trip), takes the slot and answers the user's followed channels.
 * Redis's own TIME and key expiry decide, so instances' clocks need not agree.
 * KEYS: the user's processes, this process's alive key, connect window, follows, this process's slots.
 * ARGV: slot id, alive key prefix, alive ttl ms, max streams, opens per window, window ms left, max stream ms,
 *       this process's id, slots key prefix.
 */
const ADMIT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
local live = 0
for _, process in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local slots = ARGV[9] .. process
  if redis.call('EXISTS', ARGV[2] .. process) == 1 then
    redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
    live = live + redis.call('ZCARD', slots)
  else
    redis.call('DEL', slots)
    redis.call('SREM', KEYS[1], process)
  end
end
if live >= tonumber(ARGV[4]) then return {'streams'} end
local used = redis.call('INCR', KEYS[3])
if used == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[6]) end
if used > tonumber(ARGV[5]) then return {'rate'} end
redis.call('ZADD', KEYS[5], now + tonumber(ARGV[7]), ARGV[1])
redis.call('PEXPIRE', KEYS[5], ARGV[7])
redis.call('SADD', KEYS[1], ARGV[8])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return {'ok', redis.call('SMEMBERS', KEYS[4])}`;

/** What travels on the bus: a notification travels without id/createdAt, which derive from the stream id. */
type WireMessage =
  | Exclude<BusMessage, { type: "notification" | "gap" }>
  | { type: "notification"; id: string; n: NewNotification }
  /** What instances of the previous release send for a read change: still understood during a rolling deploy. */
  | { type: "read"; userId: string; data: ReadEventData };

/** Other instances' counts are read again after this long (they report changes within PRESENCE_CHANGE_DELAY_MS). */
const PRESENCE_FRESH_MS = 250;
const RESUBSCRIBE_MAX_MS = 10_000;
const GAP_FILL_PAGE = 1_000;

const CONNECT_WINDOW_MS = 60_000;
/** Bounds one pipeline's body (each admission carries the script). */
const ADMISSIONS_PER_ROUND_TRIP = 100;
/**
 * An admission round trip starts at most this often per instance. Under a
 * storm an instance is busy with the requests themselves, so connects arrive
 * a few ms apart and rarely while a round trip is out: without a pause, each
 * one went alone, and in Upstash mode each request over HTTP cost more CPU
 * than the rest of the connect (`npm run bench -- --cpu-prof-phase connect`).
 */
const ADMISSION_SPACING_MS = 50;

type AdmissionReply = [string, string[]?];

interface PendingAdmission {
  request: StreamAdmission;
  /** When the stream asked: its connect-rate window. */
  at: number;
  resolve(result: AdmissionResult): void;
  reject(error: unknown): void;
}

function connectWindowLeftMs(at: number) {
  return (Math.floor(at / CONNECT_WINDOW_MS) + 1) * CONNECT_WINDOW_MS - at;
}

function admissionResult([verdict, following]: AdmissionReply, at: number): AdmissionResult {
  if (verdict === "ok") return { ok: true, following: (following ?? []).map(String).sort() };
  if (verdict === "rate") return { ok: false, refused: "rate", retryAfterS: Math.max(1, Math.ceil(connectWindowLeftMs(at) / 1000)) };
  return { ok: false, refused: "streams", retryAfterS: STREAMS_RETRY_AFTER_S };
}

export interface RedisStoreOptions {
  mode: "upstash" | "redis";
  client: RedisClient;
  historyMax: number;
}

type StreamEntry = [string, string[]];

export class RedisStore implements Store {
  readonly mode: "upstash" | "redis";
  private readonly client: RedisClient;
  private readonly historyMax: number;
  private readonly limiters = new Map<string, Ratelimit>();
  private presenceView: { at: number; entries: Map<string, { expiresAt: number; counts: Record<string, number> }> } | null = null;
  private channelsSeeded = false;
  private trips = 0;
  private readonly pendingAdmissions: PendingAdmission[] = [];
  /** An admission pipeline is out (or about to go). */
  private admitting = false;
  /** performance.now() of the last admission round trip's start. */
  private lastAdmissionAt = -Infinity;
  /**
   * This process among all that ever ran: an instance id may be reused by
   * the next process (a restarted pod), whose liveness must not keep the dead
   * one's stream slots counting.
   */
  private readonly boot = crypto.randomUUID().slice(0, 8);

  constructor(options: RedisStoreOptions) {
    this.mode = options.mode;
    this.client = options.client;
    this.historyMax = options.historyMax;
  }

  get roundTrips() {
    return this.trips;
  }

  async publish(input: NewNotification, targeted?: number): Promise<Notification> {
    const payload = JSON.stringify(input);
    const channel = input.audience.kind === "channel" ? input.audience.channel : "";
    const scope = collapseScope(input) ?? "";
    const args = [String(this.historyMax), payload, channel, scope, targeted === undefined ? "" : String(targeted), String(FUNNEL_TTL_S)];
    const id = await this.one<string>((b) => b.eval(PUBLISH_SCRIPT, [KEY.log, KEY.bus, KEY.channels, KEY.collapse], args));
    return toNotification(id, input);
  }

  async eventsAfter(afterId: string, max: number) {
    const [entries, info] = await this.run((b) => b.xrange(KEY.log, `(${afterId}`, "+", max).eval(STREAM_INFO_SCRIPT, [KEY.log], []));
    const { firstId, entriesAdded, length } = streamInfo(info);
    // Entries before the first kept one were trimmed: a resume from before it may have a gap.
    const trimmed = entriesAdded === null || entriesAdded > length;
    return {
      events: fromEntries(entries),
      reset: trimmed && firstId !== null && compareIds(afterId, firstId) < 0,
    };
  }

  async eventsBefore(beforeId: string | null, count: number) {
    return fromEntries(await this.one((b) => b.xrevrange(KEY.log, beforeId ? `(${beforeId}` : "+", "-", count)));
  }

  async latestId() {
    return fromEntries(await this.one((b) => b.xrevrange(KEY.log, "+", "-", 1)))[0]?.id ?? null;
  }

  async eventsByIds(ids: string[]) {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    return fromEntries(await this.one((b) => b.eval(EVENTS_BY_IDS_SCRIPT, [KEY.log], unique))).sort((a, b) => compareIds(a.id, b.id));
  }

  async getInboxState(userId: string): Promise<InboxState> {
    const [watermark, readIds, seenUpTo, archivedUpTo, archivedIds] = await this.run((b) =>
      b
        .get(KEY.watermark(userId))
        .smembers(KEY.readIds(userId))
        .get(KEY.seenUpTo(userId))
        .get(KEY.archivedUpTo(userId))
        .smembers(KEY.archivedIds(userId)),
    );
    return {
      watermark: (watermark as string | null) ?? null,
      readIds: new Set(readIds as string[]),
      seenUpTo: (seenUpTo as string | null) ?? null,
      archivedUpTo: (archivedUpTo as string | null) ?? null,
      archivedIds: new Set(archivedIds as string[]),
    };
  }

  async markRead(userId: string, ids: string[]) {
    const [first, ...rest] = ids;
    if (first === undefined) return;
    await this.run((b) => b.sadd(KEY.readIds(userId), [first, ...rest]));
  }

  async markAllRead(userId: string, upToId: string) {
    const current = await this.one<string | null>((b) => b.get(KEY.watermark(userId)));
    if (current && compareIds(upToId, current) <= 0) return;
    // Ids at or before the watermark no longer need their own entries.
    await this.run((b) => b.set(KEY.watermark(userId), upToId).del(KEY.readIds(userId)));
  }

  async markSeen(userId: string, upToId: string) {
    await this.run((b) => b.eval(WATERMARK_SCRIPT, [KEY.seenUpTo(userId)], [upToId]));
  }

  async archive(userId: string, ids: string[]) {
    const [first, ...rest] = ids;
    if (first === undefined) return;
    await this.run((b) => b.sadd(KEY.archivedIds(userId), [first, ...rest]));
  }

  async archiveAllRead(userId: string) {
    await this.run((b) =>
      b.eval(ARCHIVE_READ_SCRIPT, [KEY.watermark(userId), KEY.readIds(userId), KEY.archivedUpTo(userId), KEY.archivedIds(userId)], []),
    );
  }

  async publishInboxEvent(userId: string, change: InboxEvent) {
    await this.publishWire({ type: "inbox", userId, change });
  }

  async latestInCollapseScopes(scopes: string[]) {
    return this.hmget(KEY.collapse, scopes);
  }

  async recordFunnel(marks: FunnelMark[], user?: { id: string; label: string }) {
    for (let i = 0; i < marks.length; i += FUNNEL_MARKS_PER_CALL) {
      const args = [String(FUNNEL_TTL_S), i === 0 ? (user?.id ?? "") : "", i === 0 ? (user?.label ?? "") : ""];
      for (const m of marks.slice(i, i + FUNNEL_MARKS_PER_CALL)) {
        args.push(m.notificationId, m.stage, m.member ?? "", String(m.count), m.latencyMs === undefined ? "" : String(Math.round(m.latencyMs)));
      }
      await this.run((b) => b.eval(FUNNEL_RECORD_SCRIPT, [], args));
    }
  }

  async funnels(ids: string[]): Promise<FunnelRecord[]> {
    if (!ids.length) return [];
    const replies = await this.one<[(string | null)[], number, string[]][]>((b) => b.eval(FUNNEL_READ_SCRIPT, [], ids));
    return replies.map(([counts, n, picks]) => ({
      counts: Object.fromEntries(FUNNEL_STAGES.map((stage, i) => [stage, Number(counts[i] ?? 0)])) as Record<FunnelStage, number>,
      latency: Number(n) > 0 ? { p50: Number(picks[0]), p95: Number(picks[1]), max: Number(picks[2]) } : null,
    }));
  }

  async funnelRecipients(id: string) {
    const fields = hashOf(await this.one((b) => b.hgetall(KEY.funnel(id))));
    const stages = new Map<string, Set<FunnelStage>>();
    for (const field of Object.keys(fields)) {
      const match = /^([a-z]+)\|u:(.+)$/.exec(field);
      if (!match) continue;
      const [, stage, userId] = match as unknown as [string, FunnelStage, string];
      stages.set(userId, (stages.get(userId) ?? new Set()).add(stage));
    }
    return stages;
  }

  async userLabels(userIds: string[]) {
    return this.hmget(KEY.users, userIds);
  }

  /** The fields of a hash that are set, HMGET_MAX at a time. */
  private async hmget(key: string, fields: string[]) {
    const found = new Map<string, string>();
    for (let i = 0; i < fields.length; i += HMGET_MAX) {
      const chunk = fields.slice(i, i + HMGET_MAX);
      const values = await this.one<(string | null)[]>((b) => b.eval(HMGET_SCRIPT, [key], chunk));
      chunk.forEach((field, j) => values[j] && found.set(field, values[j]));
    }
    return found;
  }

  async listChannels(): Promise<Channel[]> {
    if (!this.channelsSeeded) {
      await this.run((b) => DEFAULT_CHANNELS.reduce((batch, c) => batch.hsetnx(KEY.channels, c.name, c.description), b));
      this.channelsSeeded = true;
    }
    const all = hashOf(await this.one((b) => b.hgetall(KEY.channels)));
    return Object.entries(all)
      .map(([name, description]) => ({ name, description: String(description) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async getFollowing(userId: string) {
    return (await this.one<string[]>((b) => b.smembers(KEY.follows(userId)))).sort();
  }

  async setFollowing(userId: string, channels: string[]) {
    const [first, ...rest] = channels;
    await this.run((b) => {
      b.del(KEY.follows(userId));
      return first === undefined ? b : b.sadd(KEY.follows(userId), [first, ...rest]);
    }, true);
    await this.publishWire({ type: "follows", userId, following: [...channels] });
  }

  async createToken(record: TokenRecord) {
    await this.run((b) => b.hset(KEY.tokens, { [record.id]: JSON.stringify(record) }).hset(KEY.tokenByHash, { [record.hash]: record.id }), true);
  }

  async listTokens(userId: string) {
    return (await this.allTokens()).filter((t) => t.userId === userId);
  }

  async deleteToken(userId: string, tokenId: string) {
    const token = await this.token(tokenId);
    if (!token || token.userId !== userId) return false;
    await this.run((b) => b.hdel(KEY.tokens, [tokenId]).hdel(KEY.tokenByHash, [token.hash]), true);
    await this.publishWire({ type: "token-revoked", tokenId });
    return true;
  }

  async findTokenByHash(hash: string) {
    const id = await this.one<string | null>((b) => b.hget(KEY.tokenByHash, hash));
    return id ? this.token(id) : null;
  }

  async tokenExists(tokenId: string) {
    return (await this.token(tokenId)) !== null;
  }

  async touchToken(tokenId: string, at: string) {
    const token = await this.token(tokenId);
    if (token) await this.run((b) => b.hset(KEY.tokens, { [tokenId]: JSON.stringify({ ...token, lastUsedAt: at }) }));
  }

  async revokeSession(sessionId: string, untilMs: number) {
    const ttlMs = Math.max(1, Math.ceil(untilMs - Date.now()));
    await this.run((b) => b.set(KEY.revokedSession(sessionId), "1", ttlMs).publish(KEY.bus, JSON.stringify({ type: "session-revoked", sessionId })), true);
  }

  async isSessionRevoked(sessionId: string) {
    return (await this.one<string | null>((b) => b.get(KEY.revokedSession(sessionId)))) !== null;
  }

  // Presence: one hash, a field per instance holding its counts and expiry.
  // One round trip per report writes this instance's counts and reads every
  // other's, so limits and recipient counts need no command of their own.
  async reportPresence(instanceId: string, counts: Map<string, number>, deliveredDelta: number, ttlMs: number) {
    const entry = JSON.stringify({ expiresAt: Date.now() + ttlMs, counts: Object.fromEntries(counts) });
    const [, , all] = await this.run((b) => {
      // Alive as long as its presence (Redis expires the key): its stream slots count for as long.
      b.set(KEY.alive(this.processId(instanceId)), "1", ttlMs)
        .hset(KEY.presence, { [instanceId]: entry })
        .hgetall(KEY.presence);
      return deliveredDelta > 0 ? b.incrby(KEY.delivered, deliveredDelta) : b;
    });
    await this.updatePresenceView(hashOf(all));
  }

  async removePresence(instanceId: string) {
    await this.run((b) => b.hdel(KEY.presence, [instanceId]));
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

  async counters() {
    const [info, delivered] = await this.run((b) => b.eval(STREAM_INFO_SCRIPT, [KEY.log], []).get(KEY.delivered));
    const { entriesAdded, length } = streamInfo(info);
    return { published: entriesAdded ?? length, delivered: Number(delivered ?? 0) };
  }

  /**
   * One admission pipeline in flight per instance, and at most one every
   * ADMISSION_SPACING_MS: the admissions that arrive meanwhile (a reconnect
   * storm, a deploy) go together in the next one, so a storm costs a round
   * trip per batch, not per stream, and the batches grow with the load (a
   * full batch of ADMISSIONS_PER_ROUND_TRIP goes without waiting). A lone
   * connect goes at once; one that follows another closely waits at most the
   * spacing.
   */
  admitStream(request: StreamAdmission): Promise<AdmissionResult> {
    return new Promise((resolve, reject) => {
      this.pendingAdmissions.push({ request, at: Date.now(), resolve, reject });
      if (!this.admitting) this.scheduleAdmissions();
    });
  }

  private scheduleAdmissions() {
    this.admitting = true;
    // A full batch has nothing to wait for. The monotonic clock: a wall clock stepped back would stall every connect.
    const full = this.pendingAdmissions.length >= ADMISSIONS_PER_ROUND_TRIP;
    const wait = full ? 0 : Math.min(ADMISSION_SPACING_MS, this.lastAdmissionAt + ADMISSION_SPACING_MS - performance.now());
    if (wait > 0) setTimeout(this.flushAdmissions, wait);
    else setImmediate(this.flushAdmissions);
  }

  private flushAdmissions = async () => {
    this.lastAdmissionAt = performance.now();
    const part = this.pendingAdmissions.splice(0, ADMISSIONS_PER_ROUND_TRIP);
    try {
      const replies = await this.run((b) => part.reduce((pipeline, admission) => this.queueAdmission(pipeline, admission), b));
      part.forEach((admission, i) => admission.resolve(admissionResult(replies[i] as AdmissionReply, admission.at)));
    } catch (error) {
      for (const admission of part) admission.reject(error);
    }
    this.admitting = false;
    // What arrived while this one was out goes next, the spacing after this one's start.
    if (this.pendingAdmissions.length) this.scheduleAdmissions();
  };

  private queueAdmission(batch: RedisBatch, { request, at }: PendingAdmission): RedisBatch {
    const { userId, slotId } = request;
    const processId = this.processId(request.instanceId);
    const window = Math.floor(at / CONNECT_WINDOW_MS);
    return batch.eval(
      ADMIT_SCRIPT,
      [KEY.streamProcesses(userId), KEY.alive(processId), KEY.connectWindow(userId, window), KEY.follows(userId), KEY.streamSlots(userId, processId)],
      [
        slotId,
        KEY.alive(""),
        String(request.instanceTtlMs),
        String(request.maxStreams),
        String(request.opensPerMinute),
        String(connectWindowLeftMs(at)),
        String(request.maxStreamMs),
        processId,
        KEY.streamSlotsPrefix(userId),
      ],
    );
  }

  async releaseStream(userId: string, slotId: string, instanceId: string) {
    await this.run((b) => b.zrem(KEY.streamSlots(userId, this.processId(instanceId)), slotId));
  }

  async rateLimit(key: string, limit: number, windowS: number): Promise<RateLimitResult> {
    const name = `${limit}/${windowS}`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      limiter = new Ratelimit({
        redis: this.client.ratelimitRedis,
        limiter: Ratelimit.fixedWindow(limit, `${windowS} s`),
        prefix: "ntf:rl",
        ephemeralCache: new Map(),
      });
      this.limiters.set(name, limiter);
    }
    this.trips++;
    const result = await this.call(() => limiter.limit(key));
    return { ok: result.success, retryAfterS: result.success ? 0 : Math.max(1, Math.ceil((result.reset - Date.now()) / 1000)) };
  }

  subscribe(onMessage: (message: BusMessage) => void): BusSubscription {
    return new BusStream(this.client.subscribe, onMessage, this);
  }

  async ping() {
    await this.run((b) => b.ping());
  }

  private async publishWire(message: WireMessage) {
    await this.run((b) => b.publish(KEY.bus, JSON.stringify(message)));
  }

  private async allTokens(): Promise<TokenRecord[]> {
    const all = hashOf(await this.one((b) => b.hgetall(KEY.tokens)));
    return Object.values(all).map((v) => JSON.parse(String(v)) as TokenRecord);
  }

  private async token(id: string): Promise<TokenRecord | null> {
    const raw = await this.one<string | null>((b) => b.hget(KEY.tokens, id));
    return raw ? (JSON.parse(raw) as TokenRecord) : null;
  }

  private async presence(fresh: boolean) {
    if (fresh || !this.presenceView || Date.now() - this.presenceView.at > PRESENCE_FRESH_MS) {
      await this.updatePresenceView(hashOf(await this.one((b) => b.hgetall(KEY.presence))));
    }
    return this.presenceView!.entries;
  }

  private async updatePresenceView(all: Record<string, string>) {
    const now = Date.now();
    const entries = new Map<string, { expiresAt: number; counts: Record<string, number> }>();
    const expired: string[] = [];
    for (const [id, raw] of Object.entries(all)) {
      const entry = JSON.parse(String(raw)) as { expiresAt: number; counts: Record<string, number> };
      if (entry.expiresAt > now) entries.set(id, entry);
      else expired.push(id);
    }
    this.presenceView = { at: now, entries };
    const [first, ...rest] = expired;
    if (first !== undefined) await this.run((b) => b.hdel(KEY.presence, [first, ...rest]));
  }

  private processId(instanceId: string) {
    return `${instanceId}~${this.boot}`;
  }

  /** The replies of one round trip of commands. */
  private run(build: (batch: RedisBatch) => RedisBatch, atomic = false): Promise<unknown[]> {
    this.trips++;
    return this.call(() => build(this.client.batch(atomic)).exec());
  }

  /** The reply of a round trip of one command. */
  private async one<T = unknown>(build: (batch: RedisBatch) => RedisBatch): Promise<T> {
    return (await this.run(build))[0] as T;
  }

  /**
   * Runs a Redis call; any failure becomes BackendUnavailableError (a 503 with
   * Retry-After for the client). Matching messages for "unreachable" missed
   * some of what a dying Redis says through the REST endpoint (a publish was
   * answered 500); whatever the cause, the store failed and a retry may work.
   */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw new BackendUnavailableError(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}

/**
 * The instance's one upstream subscription, over the client's transport (an
 * SSE stream from Upstash, a subscriber connection to Redis). It
 * re-subscribes with backoff and fills the gap from the log, so a break
 * upstream loses nothing and duplicates nothing.
 */
class BusStream implements BusSubscription {
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private abort: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private attempt = 0;
  /** Newest notification id handed on; older or equal ones are dropped. */
  private lastId: string | null = null;
  /**
   * The log's newest id read before the first subscribe: where a gap fill
   * starts while nothing has been handed on yet, so a break before the first
   * event still loses nothing.
   */
  private baseline: string | null = null;
  /** Set by pause(): the next re-subscribe waits this long instead of backing off. */
  private pauseMs: number | null = null;

  constructor(
    private readonly transport: RedisClient["subscribe"],
    private readonly onMessage: (message: BusMessage) => void,
    private readonly log: {
      latestId(): Promise<string | null>;
      eventsAfter(afterId: string, max: number): Promise<{ events: Notification[]; reset: boolean }>;
    },
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    void this.connect();
  }

  close() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort?.abort();
    this.abort = null;
    this.markReady(); // nobody waits on a closed subscription
  }

  pause(ms: number) {
    if (this.closed) return;
    this.pauseMs = ms;
    this.abort?.abort(new Error(`paused for ${ms} ms by diagnostics`));
  }

  private async connect() {
    const abort = new AbortController();
    this.abort = abort;
    try {
      if (this.lastId === null && this.baseline === null) this.baseline = (await this.log.latestId()) ?? "0-0";
      // Closed or paused during that read: subscribing now would open a connection nobody closes.
      if (this.closed || abort.signal.aborted) throw abort.signal.reason ?? new Error("closed while starting");
      // Messages wait here until the gap fill is done; `live` flips in the same
      // synchronous step that empties the buffer, so none can fall between.
      const handover = { live: false, buffered: [] as WireMessage[] };
      await this.transport(
        KEY.bus,
        {
          onSubscribed: () => {
            this.subscribed(handover).catch((error: Error) => abort.abort(new Error(`catching up from the log failed: ${error.message}`)));
          },
          onMessage: (payload) => {
            const message = JSON.parse(payload) as WireMessage;
            if (handover.live) this.deliver(message);
            else handover.buffered.push(message);
          },
        },
        abort.signal,
      );
      throw new Error("the subscription ended");
    } catch (error) {
      if (this.closed) return;
      const reason = abort.signal.aborted && abort.signal.reason instanceof Error ? abort.signal.reason : (error as Error);
      const delay = this.pauseMs ?? Math.min(RESUBSCRIBE_MAX_MS, 250 * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
      this.pauseMs = null;
      console.error(`[bus] upstream subscription lost (${reason.message}); re-subscribing in ${Math.round(delay)} ms`);
      this.timer = setTimeout(() => void this.connect(), delay);
    }
  }

  /** Once subscribed: hand on what the log holds beyond the last id (what a break lost), then what arrived meanwhile. */
  private async subscribed(handover: { live: boolean; buffered: WireMessage[] }) {
    for (;;) {
      const from = this.lastId ?? this.baseline ?? "0-0";
      const { events, reset } = await this.log.eventsAfter(from, GAP_FILL_PAGE);
      // Trimmed past the last id: what was lost is gone from the log too.
      if (reset) this.onMessage({ type: "gap" });
      for (const n of events) this.deliverNotification(n);
      if (events.length < GAP_FILL_PAGE) break;
    }
    for (const message of handover.buffered) this.deliver(message);
    handover.buffered = [];
    handover.live = true;
    this.attempt = 0;
    this.markReady();
  }

  private deliver(message: WireMessage) {
    // A transport may still hand on what was already in flight when it was closed.
    if (this.closed) return;
    if (message.type === "notification") this.deliverNotification(toNotification(message.id, message.n));
    else if (message.type === "read") this.onMessage({ type: "inbox", userId: message.userId, change: { event: "read", data: message.data } });
    else this.onMessage(message);
  }

  private deliverNotification(notification: Notification) {
    if (this.closed) return;
    if (this.lastId && compareIds(notification.id, this.lastId) <= 0) return;
    this.lastId = notification.id;
    this.onMessage({ type: "notification", notification });
  }
}

/** HGETALL without the client's deserialisation answers a flat [field, value, …] list. */
function hashOf(raw: unknown): Record<string, string> {
  if (!Array.isArray(raw)) return (raw ?? {}) as Record<string, string>;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i])] = String(raw[i + 1]);
  return out;
}

function toNotification(id: string, input: NewNotification): Notification {
  return { id, ...input, createdAt: new Date(Number(id.split("-")[0])).toISOString() };
}

/**
 * The reply of STREAM_INFO_SCRIPT. Redis before 7.0 has no entries-added
 * (null): then the log counts as trimmed, so a resume from before its
 * first entry says reset rather than risk a silent gap.
 */
function streamInfo(raw: unknown): { firstId: string | null; entriesAdded: number | null; length: number } {
  const [firstId, added, length] = raw as [string, number, number];
  return { firstId: firstId === "0-0" ? null : firstId, entriesAdded: Number(added) < 0 ? null : Number(added), length: Number(length) };
}

function fromEntries(raw: unknown): Notification[] {
  // The client answers XRANGE either as entry arrays or as an { id: fields } object.
  const entries: StreamEntry[] = Array.isArray(raw)
    ? (raw as StreamEntry[])
    : Object.entries((raw ?? {}) as Record<string, Record<string, string>>).map(([id, fields]) => [id, Object.entries(fields).flat()]);
  return entries.map(([id, fields]) => toNotification(id, JSON.parse(fields[fields.indexOf("n") + 1]!) as NewNotification));
}
