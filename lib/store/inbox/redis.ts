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
 * and so was every id read after the watermark.)
 * KEYS: read watermark, read ids, version. ARGV: the new watermark.
 */
const MARK_ALL_READ_SCRIPT = `${LUA_ID_AFTER}
redis.call('INCR', KEYS[3])
local current = redis.call('GET', KEYS[1])
if current and not after(ARGV[1], current) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if not after(id, ARGV[1]) then redis.call('SREM', KEYS[2], id) end
end
return 1`;

/**
 * Archives what is read, atomically: the archive watermark moves up to the
 * read watermark, ids read one by one join the archived ones, and archived
 * ids the watermark now covers are dropped (the set stays small).
 * KEYS: read watermark, read ids, archive watermark, archived ids, version.
 */
const ARCHIVE_READ_SCRIPT = `${LUA_ID_AFTER}
redis.call('INCR', KEYS[5])
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

/**
 * The whole state in one command (a script is atomic, and Upstash bills it as
 * one: as a transaction it was eight). KEYS: read watermark, read ids, seen
 * watermark, archive watermark, archived ids, version, preferences. Missing
 * strings come back as false.
 */
const INBOX_STATE_SCRIPT = `
return {
  redis.call('GET', KEYS[1]), redis.call('SMEMBERS', KEYS[2]), redis.call('GET', KEYS[3]),
  redis.call('GET', KEYS[4]), redis.call('SMEMBERS', KEYS[5]), redis.call('GET', KEYS[6]),
  redis.call('GET', KEYS[7])
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
    ];
    const [watermark, readIds, seenUpTo, archivedUpTo, archivedIds, version, preferences] = (await this.redis.one<unknown[]>((b) => b.eval(INBOX_STATE_SCRIPT, keys, []))).map(
      (value) => (value === false || value === undefined ? null : value),
    );
    return {
      watermark: (watermark as string | null) ?? null,
      readIds: new Set(readIds as string[]),
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
    await this.redis.run((b) => b.sadd(KEY.readIds(userId), [first, ...rest]).incrby(KEY.inboxVersion(userId), 1), true);
  }

  async markAllRead(userId: string, upToId: string) {
    await this.redis.run((b) => b.eval(MARK_ALL_READ_SCRIPT, [KEY.watermark(userId), KEY.readIds(userId), KEY.inboxVersion(userId)], [upToId]));
  }

  async markSeen(userId: string, upToId: string) {
    await this.redis.run((b) => b.eval(WATERMARK_SCRIPT, [KEY.seenUpTo(userId), KEY.inboxVersion(userId)], [upToId]));
  }

  async archive(userId: string, ids: string[]) {
    const [first, ...rest] = ids;
    if (first === undefined) return;
    await this.redis.run((b) => b.sadd(KEY.archivedIds(userId), [first, ...rest]).incrby(KEY.inboxVersion(userId), 1), true);
  }

  async archiveAllRead(userId: string) {
    await this.redis.run((b) =>
      b.eval(
        ARCHIVE_READ_SCRIPT,
        [KEY.watermark(userId), KEY.readIds(userId), KEY.archivedUpTo(userId), KEY.archivedIds(userId), KEY.inboxVersion(userId)],
        [],
      ),
    );
  }

  async setPreferences(userId: string, preferences: Preferences) {
    await this.redis.run((b) => b.set(KEY.preferences(userId), JSON.stringify(preferences)).incrby(KEY.inboxVersion(userId), 1), true);
  }

  async publishInboxEvent(userId: string, change: InboxEvent) {
    await this.redis.sendControl({ type: "inbox", userId, change });
  }
}
