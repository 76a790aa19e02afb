// The Redis-backed log: a Redis stream (XADD mints ids strictly increasing
// across instances), published on the bus in the same script, and one
// stream of ids per audience that a person's pages merge and a search
// looks through (each entry keeps its words).
import { audienceKey, collapseScope } from "../../shared/audience";
import { compareIds } from "../../shared/ids";
import { wordField } from "../../shared/search-words";
import type { BusMessage, BusSubscription } from "../bus/types";
import { FUNNEL_TTL_S } from "../funnel/types";
import type { RedisConnection } from "../redis/connection";
import { KEY } from "../redis/keys";
import { fromEntries, toNotification } from "../redis/wire";
import { RedisSubscription } from "../bus/redis";
import { THREAD_MAX } from "../../shared/threads";
import type { NewNotification, NotificationLog, Outgoing } from "./types";
import { log } from "../../server/log";

/**
 * Stores and publishes a batch in one atomic round trip, in order: XADD
 * mints each id, then the bus message carries it; the collapse scope's
 * newest id kept and the funnel started in the same step.
 * Each entry keeps its words beside it (`w`, wordField): that is the search
 * index, trimmed with the entry. One whose revision (signature, order) was
 * applied under its collapse scope already, or is older than the last one
 * applied, is left out (''). The payload is spliced in as raw JSON so the
 * script needs no JSON library. KEYS: log, bus, collapse, revisions, then
 * each one's audience index; ARGV: HISTORY_MAX, the funnel's TTL,
 * THREAD_MAX (a scope's thread, KEY.thread, keeps its newest ids), then
 * publishArgs for each: payload, collapse scope, targeted, words,
 * signature, order.
 */
const PUBLISH_ALL_SCRIPT = `
local ids = {}
for k = 5, #KEYS do
  local a = 3 + (k - 5) * 6
  local payload, scope, targeted, words, signature, order = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6]
  local applied = false
  if scope ~= '' and signature ~= '' then
    local last = redis.call('HGET', KEYS[4], scope)
    if last then
      local lastOrder, lastSignature = string.match(last, '^([^|]*)|(.*)$')
      applied = lastSignature == signature or (order ~= '' and lastOrder ~= '' and tonumber(order) < tonumber(lastOrder))
    end
  end
  if applied then
    ids[#ids + 1] = ''
  else
    local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'n', payload, 'w', words)
    -- The audience's index is bounded as the log is; ids it holds that the log trimmed are skipped when read (they are its oldest).
    redis.call('XADD', KEYS[k], 'MAXLEN', '~', ARGV[1], id, 'i', '')
    redis.call('PUBLISH', KEYS[2], '{"type":"notification","id":"' .. id .. '","n":' .. payload .. '}')
    if scope ~= '' then
      redis.call('HSET', KEYS[3], scope, id)
      redis.call('RPUSH', 'ntf:thread:' .. scope, id)
      redis.call('LTRIM', 'ntf:thread:' .. scope, -tonumber(ARGV[3]), -1)
    end
    if scope ~= '' and signature ~= '' then redis.call('HSET', KEYS[4], scope, order .. '|' .. signature) end
    if targeted ~= '' then
      redis.call('HSET', 'ntf:funnel:' .. id, 'targeted', targeted)
      redis.call('EXPIRE', 'ntf:funnel:' .. id, ARGV[2])
    end
    ids[#ids + 1] = id
  end
end
return ids`;

/**
 * Lua shared by the page and search scripts: the ids of the indexes (KEYS[2]
 * on) in the range ARGV[1] (end) to ARGV[2] (start), merged newest first:
 * nextId() answers the next, or nil; ARGV[3] is how many the caller takes.
 */
const MERGED_INDEXES = `
local count = tonumber(ARGV[3])
-- Each index is read newest first, a chunk at a time (a search that looks at a thousand among a hundred
-- followed channels reads what it merges, not a thousand of each), and merged by their heads, each id
-- parsed once (a sort with a parsing comparator held Redis for 100 ms with 100 followed channels).
local chunk = math.min(count, 100)
local function fill(list)
  local entries = redis.call('XREVRANGE', list.key, list.before, ARGV[2], 'COUNT', chunk)
  list.items, list.at, list.done = {}, 1, #entries < chunk
  for j, entry in ipairs(entries) do
    local ms, seq = string.match(entry[1], '^(%d+)-(%d+)$')
    list.items[j] = { entry[1], tonumber(ms), tonumber(seq) }
  end
  if #entries > 0 then list.before = '(' .. entries[#entries][1] end
end
local lists = {}
for i = 2, #KEYS do
  local list = { key = KEYS[i], before = ARGV[1] }
  fill(list)
  if #list.items > 0 then lists[#lists + 1] = list end
end
local function nextId()
  local best, bestHead = nil, nil
  for _, list in ipairs(lists) do
    if not list.items[list.at] and not list.done then fill(list) end
    local head = list.items[list.at]
    if head and (not bestHead or head[2] > bestHead[2] or (head[2] == bestHead[2] and head[3] > bestHead[3])) then
      best, bestHead = list, head
    end
  end
  if not best then return nil end
  best.at = best.at + 1
  return bestHead[1]
end`;

/**
 * One page of a person's history in one command: the newest ids of their
 * indexes in the range, then those entries from the log (an id the log
 * trimmed is skipped: it is the oldest). KEYS: the log, then the indexes;
 * ARGV: the range's end and start (XREVRANGE's syntax) and the count.
 */
const INDEX_PAGE_SCRIPT = `${MERGED_INDEXES}
local out = {}
for _ = 1, count do
  local id = nextId()
  if not id then break end
  local entry = redis.call('XRANGE', KEYS[1], id, id, 'COUNT', 1)[1]
  if entry then out[#out + 1] = entry end
end
return out`;

/**
 * A search in one command: looks at the next ARGV[3] ids of the indexes as
 * INDEX_PAGE_SCRIPT does and answers the entries holding every word (ARGV[4]
 * on) in their `w` field, and the last id looked at ('' when the indexes ran
 * out). An entry an older release wrote has no `w`: its lowercased JSON is
 * searched instead, and the caller matches what it answers exactly.
 */
const SEARCH_SCRIPT = `${MERGED_INDEXES}
local out, last = {}, ''
for _ = 1, count do
  local id = nextId()
  if not id then last = '' break end
  last = id
  local entry = redis.call('XRANGE', KEYS[1], id, id, 'COUNT', 1)[1]
  if entry then
    local fields, words, json = entry[2], nil, ''
    for f = 1, #fields, 2 do
      if fields[f] == 'w' then words = fields[f + 1] elseif fields[f] == 'n' then json = fields[f + 1] end
    end
    local found = true
    for a = 4, #ARGV do
      local hit = words and string.find(words, ' ' .. ARGV[a] .. ' ', 1, true) or (not words and string.find(string.lower(json), ARGV[a], 1, true))
      if not hit then
        found = false
        break
      end
    end
    if found then out[#out + 1] = entry end
  end
end
return {out, last}`;

/**
 * Drops up to 1,000 of the word indexes an older release kept (a stream per
 * word, and the set naming them) a call: the search index is now the words
 * each entry keeps. KEYS: the old set; ARGV: the old streams' prefix.
 */
const OLD_WORDS_A_CALL = 1_000;
const DROP_OLD_WORD_INDEXES_SCRIPT = `
local words = redis.call('ZRANGE', KEYS[1], 0, 999)
for _, word in ipairs(words) do redis.call('UNLINK', ARGV[1] .. word) end
if #words > 0 then redis.call('ZREM', KEYS[1], unpack(words)) end
return #words`;

/**
 * Builds the audience indexes from the log, once: a log written by a release
 * without them is indexed in one pass. Atomic, so each index is rebuilt whole
 * from the log (which holds everything, also what this release's publishes
 * indexed already): streams only append, so nothing is inserted in between.
 * KEYS: the log, the built mark; ARGV: the index key prefix. Entries name
 * their audience in their JSON; a pattern reads it (no JSON library).
 */
const BUILD_AUDIENCE_INDEXES_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local rebuilt = {}
for _, entry in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
  local json = entry[2][2]
  local kind = string.match(json, '"audience":{"kind":"(%a+)"')
  local key = 'all'
  if kind == 'user' then key = 'user:' .. string.match(json, '"userId":"([^"]*)"')
  elseif kind == 'channel' then key = 'channel:' .. string.match(json, '"channel":"([^"]*)"') end
  local index = ARGV[1] .. key
  if not rebuilt[index] then
    redis.call('DEL', index)
    rebuilt[index] = true
  end
  redis.call('XADD', index, entry[1], 'i', '')
end
redis.call('SET', KEYS[2], '1')
return 1`;

/** Several entries of the log by id, in one command (an acknowledgement batch costs O(1) commands). */
/** The entries of each collapse scope's thread (ARGV, KEY.thread's ids) that the log (KEYS[1]) still holds. */
const THREADS_SCRIPT = `
local out = {}
for _, scope in ipairs(ARGV) do
  for _, id in ipairs(redis.call('LRANGE', 'ntf:thread:' .. scope, 0, -1)) do
    local entry = redis.call('XRANGE', KEYS[1], id, id, 'COUNT', 1)[1]
    if entry then out[#out + 1] = entry end
  end
end
return out`;

const EVENTS_BY_IDS_SCRIPT = `
local out = {}
for i = 1, #ARGV do
  local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i], 'COUNT', 1)[1]
  if entry then out[#out + 1] = entry end
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

export class RedisLog implements NotificationLog {
  private indexesBuilt: Promise<void> | null = null;

  constructor(
    private readonly redis: RedisConnection,
    private readonly historyMax: number,
  ) {}

  async publish(input: NewNotification, targeted?: number) {
    return (await this.publishAll([{ notification: input, targeted }]))[0]!;
  }

  async publishAll(batch: Outgoing[]) {
    if (!batch.length) return [];
    const keys = [KEY.log, KEY.bus, KEY.collapse, KEY.revisions, ...batch.map(({ notification }) => KEY.audience(audienceKey(notification.audience)))];
    const args = [String(this.historyMax), String(FUNNEL_TTL_S), String(THREAD_MAX), ...batch.flatMap(publishArgs)];
    const ids = await this.redis.one<string[]>((b) => b.eval(PUBLISH_ALL_SCRIPT, keys, args));
    return batch.map(({ notification }, i) => (ids[i] ? toNotification(ids[i], notification) : null));
  }

  async eventsAfter(afterId: string, max: number) {
    // From afterId itself (one entry more): whether the log holds it comes in the same round trip.
    const [entries, info] = await this.redis.run((b) => b.xrange(KEY.log, afterId, "+", max + 1).eval(STREAM_INFO_SCRIPT, [KEY.log], []));
    const { firstId, entriesAdded, length } = streamInfo(info);
    const all = fromEntries(entries);
    const held = all[0]?.id === afterId;
    // Entries before the first kept one were trimmed: a resume from before it may have a gap.
    const trimmed = entriesAdded === null || entriesAdded > length;
    const beforeKept = firstId !== null && compareIds(afterId, firstId) < 0;
    return {
      events: held ? all.slice(1) : all.slice(0, max),
      reset: trimmed && beforeKept,
      unknownId: !held && !trimmed && (firstId === null || beforeKept),
    };
  }

  async eventsBefore(beforeId: string | null, count: number) {
    if (beforeId === "0-0") return [];
    return fromEntries(await this.redis.one((b) => b.xrevrange(KEY.log, beforeId ? `(${beforeId}` : "+", "-", count)));
  }

  async eventsInIndexes(indexes: string[], { before, after }: { before: string | null; after: string | null }, count: number) {
    // Nothing is before the first id there can be (and Redis refuses the range "(0-0").
    if (before === "0-0") return [];
    await this.upgraded();
    return fromEntries(await this.redis.one((b) => b.eval(INDEX_PAGE_SCRIPT, ...pageArgs(indexes, { before, after }, count))));
  }

  async searchIndexes(indexes: string[], range: { before: string | null; after: string | null }, count: number, words: string[]) {
    if (range.before === "0-0") return { events: [], lastLookedAt: null };
    await this.upgraded();
    const [keys, args] = pageArgs(indexes, range, count);
    const [entries, last] = await this.redis.one<[unknown, string]>((b) => b.eval(SEARCH_SCRIPT, keys, [...args, ...words]));
    return { events: fromEntries(entries), lastLookedAt: last || null };
  }

  /**
   * Once per process: indexes a log that a release without audience indexes wrote (pages wait for it),
   * and drops the word indexes a release before this one kept, in the background (a no-op where there
   * are none; during a rolling deploy an old instance may add a few more, which the next start drops).
   */
  private upgraded(): Promise<void> {
    this.indexesBuilt ??= (async () => {
      await this.redis.one((b) => b.eval(BUILD_AUDIENCE_INDEXES_SCRIPT, [KEY.log, KEY.audienceIndexesBuilt], [KEY.audience("")]));
      void this.dropOldWordIndexes();
    })().then(
        () => undefined,
        (error: unknown) => {
          this.indexesBuilt = null;
          throw error;
        },
      );
    return this.indexesBuilt;
  }

  private async dropOldWordIndexes() {
    const { set, prefix } = KEY.oldWordIndexes;
    try {
      while ((await this.redis.one<number>((b) => b.eval(DROP_OLD_WORD_INDEXES_SCRIPT, [set], [prefix]))) === OLD_WORDS_A_CALL);
    } catch (error) {
      log().error({ component: "store" }, `dropping the old word indexes failed (the next start tries again): ${(error as Error).message}`);
    }
  }

  async latestId() {
    return fromEntries(await this.redis.one((b) => b.xrevrange(KEY.log, "+", "-", 1)))[0]?.id ?? null;
  }

  async eventsByIds(ids: string[]) {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    return fromEntries(await this.redis.one((b) => b.eval(EVENTS_BY_IDS_SCRIPT, [KEY.log], unique))).sort((a, b) => compareIds(a.id, b.id));
  }

  async latestInCollapseScopes(scopes: string[]) {
    return this.redis.hmget(KEY.collapse, scopes);
  }

  async threadsOf(scopes: string[]) {
    const unique = [...new Set(scopes)];
    if (!unique.length) return [];
    return fromEntries(await this.redis.one((b) => b.eval(THREADS_SCRIPT, [KEY.log], unique))).sort((a, b) => compareIds(a.id, b.id));
  }

  async publishedCount() {
    const { entriesAdded, length } = streamInfo(await this.redis.one((b) => b.eval(STREAM_INFO_SCRIPT, [KEY.log], [])));
    return entriesAdded ?? length;
  }

  subscribe(onMessage: (message: BusMessage) => void): BusSubscription {
    return new RedisSubscription(this.redis.client.subscribe, onMessage, this);
  }
}

/** One notification's ARGV in PUBLISH_ALL_SCRIPT. */
function publishArgs({ notification, targeted, revision }: Outgoing): string[] {
  return [
    JSON.stringify(notification),
    collapseScope(notification) ?? "",
    targeted === undefined ? "" : String(targeted),
    wordField(notification),
    revision?.signature ?? "",
    revision?.order === undefined ? "" : String(revision.order),
  ];
}

/** KEYS and ARGV of the page and search scripts: the log and the indexes; the range (XREVRANGE's syntax) and the count. */
function pageArgs(indexes: string[], { before, after }: { before: string | null; after: string | null }, count: number): [string[], string[]] {
  return [
    [KEY.log, ...[...new Set(indexes)].map(KEY.audience)],
    [before ? `(${before}` : "+", after ? `(${after}` : "-", String(count)],
  ];
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
