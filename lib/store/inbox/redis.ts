// The Redis-backed inbox state: per person, a read watermark and set, a seen
// watermark, an archive watermark and set, and their mutes as JSON.
import { NO_PREFERENCES, preferencesIn } from "../../shared/preferences";
import type { Preferences } from "../../shared/types";
import type { InboxEvent } from "../../shared/types";
import type { RedisConnection } from "../redis/connection";
import { KEY } from "../redis/keys";
import type { InboxState, InboxStore } from "./types";

/** Lua: whether stream id a is after stream id b ("<ms>-<seq>"; ms fits a Lua number exactly). */
const LUA_ID_AFTER = `
local function after(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am > bm or (am == bm and as > bs)
end`;

/** SET KEYS[1] to ARGV[1] unless it already holds a later id: a watermark only moves forward. KEYS[2]: the version. */
const WATERMARK_SCRIPT = `${LUA_ID_AFTER}
redis.call('INCR', KEYS[2])
local current = redis.call('GET', KEYS[1])
if current and not after(ARGV[1], current) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/**
 * "Mark all read", atomically: the read watermark moves forward (never back)
 * and ids read one by one that it now covers are dropped; ids read after it
 * stay read. (As a GET then SET and DEL, a mark-read between the two was lost,
 * and so was every id read after the watermark.) Ids marked unread up to
 * ARGV[1] are read again, whether the watermark moved or not, except what is
 * snoozed for later than ARGV[2] (ms) and unread: that stays unread, to come
 * back so.
 * KEYS: read watermark, read ids, version, unread ids, snoozes. ARGV: the new watermark, now.
 */
const MARK_ALL_READ_SCRIPT = `${LUA_ID_AFTER}
redis.call('INCR', KEYS[3])
local current = redis.call('GET', KEYS[1])
local function isRead(id)
  if redis.call('SISMEMBER', KEYS[4], id) == 1 then return false end
  return (current and not after(id, current)) or redis.call('SISMEMBER', KEYS[2], id) == 1
end
local stays = {}
local snoozed = redis.call('HGETALL', KEYS[5])
for i = 1, #snoozed, 2 do
  local id = snoozed[i]
  if tonumber(snoozed[i + 1]) > tonumber(ARGV[2]) and not after(id, ARGV[1]) and not isRead(id) then stays[#stays + 1] = id end
end
if not current or after(ARGV[1], current) then
  redis.call('SET', KEYS[1], ARGV[1])
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    if not after(id, ARGV[1]) then redis.call('SREM', KEYS[2], id) end
  end
end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  if not after(id, ARGV[1]) then redis.call('SREM', KEYS[4], id) end
end
for i = 1, #stays, 1000 do redis.call('SADD', KEYS[4], unpack(stays, i, math.min(i + 999, #stays))) end
return 1`;

/** Lua: ARGV's ids unread: out of the read ids, and those the watermark covers into the unread ids. KEYS: read watermark, read ids, unread ids. */
const LUA_UNREAD = `
local function unread(first)
  local watermark = redis.call('GET', KEYS[1])
  for i = first, #ARGV do
    redis.call('SREM', KEYS[2], ARGV[i])
    if watermark and not after(ARGV[i], watermark) then redis.call('SADD', KEYS[3], ARGV[i]) end
  end
end`;

/** Marks ARGV's ids unread. KEYS: read watermark, read ids, unread ids, version. */
const MARK_UNREAD_SCRIPT = `${LUA_ID_AFTER}${LUA_UNREAD}
redis.call('INCR', KEYS[4])
unread(1)
return 1`;

/**
 * Snoozes ARGV[3..] until ARGV[1] (ms) and marks them unread; ARGV[1] empty
 * ends their snooze. Snoozes past by ARGV[2] (now, ms) go: they did their work.
 * KEYS: read watermark, read ids, unread ids, version, snoozes.
 */
const SNOOZE_SCRIPT = `${LUA_ID_AFTER}${LUA_UNREAD}
redis.call('INCR', KEYS[4])
local snoozed = redis.call('HGETALL', KEYS[5])
for i = 1, #snoozed, 2 do
  if tonumber(snoozed[i + 1]) <= tonumber(ARGV[2]) then redis.call('HDEL', KEYS[5], snoozed[i]) end
end
for i = 3, #ARGV do
  if ARGV[1] == '' then redis.call('HDEL', KEYS[5], ARGV[i]) else redis.call('HSET', KEYS[5], ARGV[i], ARGV[1]) end
end
if ARGV[1] ~= '' then unread(3) end
return 1`;

/** Moves ARGV's ids back to the inbox. KEYS: archive watermark, archived ids, unarchived ids, version. */
const UNARCHIVE_SCRIPT = `${LUA_ID_AFTER}
redis.call('INCR', KEYS[4])
local upTo = redis.call('GET', KEYS[1])
for _, id in ipairs(ARGV) do
  redis.call('SREM', KEYS[2], id)
  if upTo and not after(id, upTo) then redis.call('SADD', KEYS[3], id) end
end
return 1`;

/**
 * Archives what is read, atomically: the archive watermark moves up to the
 * read watermark, ids read one by one (and read ones moved back) are
 * archived, ids marked unread stay out, and archived ids the watermark now
 * covers are dropped (the set stays small).
 * KEYS: read watermark, read ids, archive watermark, archived ids, version, unread ids, unarchived ids.
 */
const ARCHIVE_READ_SCRIPT = `${LUA_ID_AFTER}
redis.call('INCR', KEYS[5])
local read = redis.call('GET', KEYS[1])
local upTo = redis.call('GET', KEYS[3])
local function isArchived(id)
  return redis.call('SISMEMBER', KEYS[4], id) == 1 or (upTo and not after(id, upTo) and redis.call('SISMEMBER', KEYS[7], id) == 0)
end
local function isRead(id)
  if redis.call('SISMEMBER', KEYS[6], id) == 1 then return false end
  return (read and not after(id, read)) or redis.call('SISMEMBER', KEYS[2], id) == 1
end
local staysOut = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[6])) do
  if not isArchived(id) then staysOut[#staysOut + 1] = id end
end
if read and (not upTo or after(read, upTo)) then
  redis.call('SET', KEYS[3], read)
  upTo = read
end
local ids = redis.call('SMEMBERS', KEYS[2])
for i = 1, #ids, 1000 do redis.call('SADD', KEYS[4], unpack(ids, i, math.min(i + 999, #ids))) end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[7])) do
  if isRead(id) then redis.call('SREM', KEYS[7], id) end
end
for i = 1, #staysOut, 1000 do redis.call('SADD', KEYS[7], unpack(staysOut, i, math.min(i + 999, #staysOut))) end
if upTo then
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[4])) do
    if not after(id, upTo) then redis.call('SREM', KEYS[4], id) end
  end
end
return #ids`;

/**
 * The whole state in one command (a script is atomic, and Upstash bills it as
 * one: as a transaction it was eight). KEYS: read watermark, read ids, seen
 * watermark, archive watermark, archived ids, version, preferences, unread
 * ids, unarchived ids, snoozes. Missing strings come back as false.
 */
const INBOX_STATE_SCRIPT = `
return {
  redis.call('GET', KEYS[1]), redis.call('SMEMBERS', KEYS[2]), redis.call('GET', KEYS[3]),
  redis.call('GET', KEYS[4]), redis.call('SMEMBERS', KEYS[5]), redis.call('GET', KEYS[6]),
  redis.call('GET', KEYS[7]), redis.call('SMEMBERS', KEYS[8]), redis.call('SMEMBERS', KEYS[9]),
  redis.call('HGETALL', KEYS[10])
}`;

export class RedisInbox implements InboxStore {
  constructor(private readonly redis: RedisConnection) {}

  async getInboxState(userId: string): Promise<InboxState> {
    // One script: the version and the marks it stands for are read at one moment.
    const keys = [
      KEY.watermark(userId),
      KEY.readIds(userId),
      KEY.seenUpTo(userId),
      KEY.archivedUpTo(userId),
      KEY.archivedIds(userId),
      KEY.inboxVersion(userId),
      KEY.preferences(userId),
      KEY.unreadIds(userId),
      KEY.unarchivedIds(userId),
      KEY.snoozedUntil(userId),
    ];
    const [watermark, readIds, seenUpTo, archivedUpTo, archivedIds, version, preferences, unreadIds, unarchivedIds, snoozes] = (await this.redis.one<unknown[]>((b) => b.eval(INBOX_STATE_SCRIPT, keys, []))).map(
      (value) => (value === false || value === undefined ? null : value),
    );
    return {
      watermark: (watermark as string | null) ?? null,
      readIds: new Set(readIds as string[]),
      unreadIds: new Set(unreadIds as string[]),
      unarchivedIds: new Set(unarchivedIds as string[]),
      snoozedUntil: snoozedFrom(snoozes as string[]),
      seenUpTo: (seenUpTo as string | null) ?? null,
      archivedUpTo: (archivedUpTo as string | null) ?? null,
      archivedIds: new Set(archivedIds as string[]),
      preferences: preferences ? preferencesIn(JSON.parse(String(preferences)) as Preferences) : NO_PREFERENCES,
      version: Number(version ?? 0),
    };
  }

  async getVersion(userId: string) {
    return Number((await this.redis.one<string | null>((b) => b.get(KEY.inboxVersion(userId)))) ?? 0);
  }

  async markRead(userId: string, ids: string[]) {
    const [first, ...rest] = ids;
    if (first === undefined) return;
    await this.redis.run(
      (b) =>
        b
          .sadd(KEY.readIds(userId), [first, ...rest])
          .srem(KEY.unreadIds(userId), [first, ...rest])
          .incrby(KEY.inboxVersion(userId), 1),
      true,
    );
  }

  async markUnread(userId: string, ids: string[]) {
    if (!ids.length) return;
    await this.redis.run((b) => b.eval(MARK_UNREAD_SCRIPT, [KEY.watermark(userId), KEY.readIds(userId), KEY.unreadIds(userId), KEY.inboxVersion(userId)], ids));
  }

  async markAllRead(userId: string, upToId: string, now: number) {
    const keys = [KEY.watermark(userId), KEY.readIds(userId), KEY.inboxVersion(userId), KEY.unreadIds(userId), KEY.snoozedUntil(userId)];
    await this.redis.run((b) => b.eval(MARK_ALL_READ_SCRIPT, keys, [upToId, String(now)]));
  }

  async markSeen(userId: string, upToId: string) {
    await this.redis.run((b) => b.eval(WATERMARK_SCRIPT, [KEY.seenUpTo(userId), KEY.inboxVersion(userId)], [upToId]));
  }

  async archive(userId: string, ids: string[]) {
    const [first, ...rest] = ids;
    if (first === undefined) return;
    await this.redis.run(
      (b) =>
        b
          .sadd(KEY.archivedIds(userId), [first, ...rest])
          .srem(KEY.unarchivedIds(userId), [first, ...rest])
          .hdel(KEY.snoozedUntil(userId), [first, ...rest])
          .incrby(KEY.inboxVersion(userId), 1),
      true,
    );
  }

  async unarchive(userId: string, ids: string[]) {
    if (!ids.length) return;
    const keys = [KEY.archivedUpTo(userId), KEY.archivedIds(userId), KEY.unarchivedIds(userId), KEY.inboxVersion(userId)];
    await this.redis.run((b) => b.eval(UNARCHIVE_SCRIPT, keys, ids));
  }

  async snooze(userId: string, ids: string[], until: number | null, now: number) {
    if (!ids.length) return;
    const keys = [KEY.watermark(userId), KEY.readIds(userId), KEY.unreadIds(userId), KEY.inboxVersion(userId), KEY.snoozedUntil(userId)];
    await this.redis.run((b) => b.eval(SNOOZE_SCRIPT, keys, [until === null ? "" : String(until), String(now), ...ids]));
  }

  async archiveAllRead(userId: string) {
    const keys = [
      KEY.watermark(userId),
      KEY.readIds(userId),
      KEY.archivedUpTo(userId),
      KEY.archivedIds(userId),
      KEY.inboxVersion(userId),
      KEY.unreadIds(userId),
      KEY.unarchivedIds(userId),
    ];
    await this.redis.run((b) => b.eval(ARCHIVE_READ_SCRIPT, keys, []));
  }

  async preferencesOf(userIds: string[]) {
    const raw = await this.redis.mget(userIds.map(KEY.preferences));
    return new Map(userIds.map((id, i) => [id, raw[i] ? preferencesIn(JSON.parse(raw[i]!) as Preferences) : NO_PREFERENCES]));
  }

  async setPreferences(userId: string, preferences: Preferences) {
    await this.redis.run((b) => b.set(KEY.preferences(userId), JSON.stringify(preferences)).incrby(KEY.inboxVersion(userId), 1), true);
  }

  async publishInboxEvent(userId: string, change: InboxEvent) {
    await this.redis.sendControl({ type: "inbox", userId, change });
  }
}

/** HGETALL's flat [id, ms, id, ms, …] as a map. */
function snoozedFrom(flat: string[]): Map<string, number> {
  const snoozed = new Map<string, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) snoozed.set(flat[i]!, Number(flat[i + 1]));
  return snoozed;
}
