// Stream admission in the Redis-backed modes: a slot under the per-user
// limit, counted exactly over every instance, with the connect rate limit
// and the user's follows, in one script; admissions that arrive together go
// in one round trip.
import type { RedisBatch } from "../redis/client";
import type { RedisConnection } from "../redis/connection";
import { withoutMarker } from "../directory/types";
import { KEY } from "../redis/keys";
import { STREAMS_RETRY_AFTER_S, type AdmissionResult, type SlotClaim, type StreamAdmission } from "./types";

/**
 * Lua, shared by ADMIT_SCRIPT and RECLAIM_SCRIPT: Redis's own time in ms,
 * and the live slots of a user's processes (but `except`), dropping the
 * lapsed ones and, whole, those of processes no longer alive.
 */
const LUA_LIVE_SLOTS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function live_slots(processes, alive_prefix, slots_prefix, except)
  local live = 0
  for _, process in ipairs(redis.call('SMEMBERS', processes)) do
    if process ~= except then
      local slots = slots_prefix .. process
      if redis.call('EXISTS', alive_prefix .. process) == 1 then
        redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
        live = live + redis.call('ZCARD', slots)
      else
        redis.call('DEL', slots)
        redis.call('SREM', processes, process)
      end
    end
  end
  return live
end`;

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
 * A browser's new stream replaces its older one: the older slot (found
 * through the user's browsers hash, "<process>|<slot>") does not count, and
 * once admitted it is dropped and a `stream-replaced` message tells whichever
 * instance holds that stream to end it.
 * A signed-out session is refused before anything is taken, and an admitted
 * stream learns the user's inbox version too: one billed command opens a
 * stream, where a sign-out check and a version read were two more.
 * KEYS: the user's processes, this process's alive key, connect window, follows, this process's slots,
 *       the user's browsers, the bus, the session's sign-out mark, the user's inbox version.
 * ARGV: slot id, alive key prefix, alive ttl ms, max streams, opens per window, window ms left, max stream ms,
 *       this process's id, slots key prefix, browser id ('' for none), the stream-replaced message up to its slot id,
 *       '1' when a session signed the stream in.
 */
const ADMIT_SCRIPT = `${LUA_LIVE_SLOTS}
if ARGV[12] == '1' and redis.call('EXISTS', KEYS[8]) == 1 then return {'signed-out'} end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
local live = live_slots(KEYS[1], ARGV[2], ARGV[9], nil)
local replaced = nil
if ARGV[10] ~= '' then
  local held = redis.call('HGET', KEYS[6], ARGV[10])
  if held then
    local sep = string.find(held, '|', 1, true)
    local process, slot = string.sub(held, 1, sep - 1), string.sub(held, sep + 1)
    if redis.call('ZSCORE', ARGV[9] .. process, slot) then
      replaced = {ARGV[9] .. process, slot}
      live = live - 1
    end
  end
end
if live >= tonumber(ARGV[4]) then return {'streams'} end
local used = redis.call('INCR', KEYS[3])
if used == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[6]) end
if used > tonumber(ARGV[5]) then return {'rate'} end
if replaced then
  redis.call('ZREM', replaced[1], replaced[2])
  redis.call('PUBLISH', KEYS[7], ARGV[11] .. replaced[2] .. '"}')
end
if ARGV[10] ~= '' then
  redis.call('HSET', KEYS[6], ARGV[10], ARGV[8] .. '|' .. ARGV[1])
  redis.call('PEXPIRE', KEYS[6], ARGV[7])
end
redis.call('ZADD', KEYS[5], now + tonumber(ARGV[7]), ARGV[1])
redis.call('PEXPIRE', KEYS[5], ARGV[7])
redis.call('SADD', KEYS[1], ARGV[8])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return {'ok', redis.call('SMEMBERS', KEYS[4]), redis.call('GET', KEYS[9]) or '0', replaced and 1 or 0}`;

/**
 * Makes one process's slots for a user exactly the given ones, as far as the
 * limit allows beside the other live processes' slots (counted as
 * ADMIT_SCRIPT counts them); answers the ids it could not keep.
 * KEYS: the user's processes, this process's slots.
 * ARGV: alive key prefix, slots key prefix, this process's id, max streams, max stream ms, slot ids…
 */
const RECLAIM_SCRIPT = `${LUA_LIVE_SLOTS}
local others = live_slots(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
redis.call('DEL', KEYS[2])
local room = tonumber(ARGV[4]) - others
local dropped = {}
for i = 6, #ARGV do
  if i - 5 <= room then redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[i])
  else dropped[#dropped + 1] = ARGV[i] end
end
if room > 0 and #ARGV >= 6 then
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
  redis.call('SADD', KEYS[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
return dropped`;

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

type AdmissionReply = [string, string[]?, (string | number)?, number?];

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

function admissionResult([verdict, following, inboxVersion, replaced]: AdmissionReply, at: number): AdmissionResult {
  if (verdict === "ok") return { ok: true, following: withoutMarker(following ?? []), inboxVersion: Number(inboxVersion ?? 0), replacedOlder: Number(replaced) === 1 };
  if (verdict === "signed-out") return { ok: false, refused: "signed-out" };
  if (verdict === "rate") return { ok: false, refused: "rate", retryAfterS: Math.max(1, Math.ceil(connectWindowLeftMs(at) / 1000)) };
  return { ok: false, refused: "streams", retryAfterS: STREAMS_RETRY_AFTER_S };
}

export class RedisAdmissions {
  private readonly pendingAdmissions: PendingAdmission[] = [];
  /** An admission pipeline is out (or about to go). */
  private admitting = false;
  /** performance.now() of the last admission round trip's start. */
  private lastAdmissionAt = -Infinity;

  constructor(private readonly redis: RedisConnection) {}

  /**
   * One admission pipeline in flight per instance, and at most one every
   * ADMISSION_SPACING_MS: the admissions that arrive meanwhile (a reconnect
   * storm, a deploy) go together in the next one, so a storm costs a round
   * trip per batch, not per stream, and the batches grow with the load (a
   * full batch of ADMISSIONS_PER_ROUND_TRIP goes without waiting). A lone
   * connect goes at once; one that follows another closely waits at most the
   * spacing.
   */
  admit(request: StreamAdmission): Promise<AdmissionResult> {
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
      const replies = await this.redis.run((b) => part.reduce((pipeline, admission) => this.queueAdmission(pipeline, admission), b));
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
    const processId = this.redis.processId(request.instanceId);
    const window = Math.floor(at / CONNECT_WINDOW_MS);
    return batch.eval(
      ADMIT_SCRIPT,
      [
        KEY.streamProcesses(userId),
        KEY.alive(processId),
        KEY.connectWindow(userId, window),
        KEY.follows(userId),
        KEY.streamSlots(userId, processId),
        KEY.streamBrowsers(userId),
        KEY.bus,
        KEY.revokedSession(request.sessionId ?? ""),
        KEY.inboxVersion(userId),
      ],
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
        request.browserId ?? "",
        // Slot ids are UUIDs: the script closes the string after one as it is.
        JSON.stringify({ type: "stream-replaced", userId, slotId: "" }).slice(0, -2),
        request.sessionId === undefined ? "" : "1",
      ],
    );
  }

  async release(userId: string, slotId: string, instanceId: string) {
    await this.redis.run((b) => b.zrem(KEY.streamSlots(userId, this.redis.processId(instanceId)), slotId));
  }

  async reclaim({ userId, instanceId, slotIds, maxStreams, maxStreamMs }: SlotClaim): Promise<string[]> {
    const processId = this.redis.processId(instanceId);
    const dropped = await this.redis.one<string[]>((b) =>
      b.eval(
        RECLAIM_SCRIPT,
        [KEY.streamProcesses(userId), KEY.streamSlots(userId, processId)],
        [KEY.alive(""), KEY.streamSlotsPrefix(userId), processId, String(maxStreams), String(maxStreamMs), ...slotIds],
      ),
    );
    return (dropped ?? []).map(String);
  }
}
