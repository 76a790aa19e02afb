// The Redis-backed log: a Redis stream (XADD mints ids strictly increasing
// across instances), published on the bus in the same script.
import { collapseScope } from "../../audience";
import { compareIds } from "../../ids";
import type { BusMessage, BusSubscription } from "../bus";
import { FUNNEL_TTL_S } from "../funnel/types";
import type { RedisConnection } from "../redis/connection";
import { KEY } from "../redis/keys";
import { fromEntries, toNotification } from "../redis/wire";
import { RedisSubscription } from "./redis-subscription";
import type { NewNotification, NotificationLog } from "./types";

/**
 * Stores and publishes in one atomic round trip: XADD mints the id, then the
 * bus message carries it; the channel is learnt, the collapse scope's newest
 * id kept and the funnel started in the same step. The payload is spliced
 * in as raw JSON so the script needs no JSON library.
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

/** Several entries of the log by id, in one command (an acknowledgement batch costs O(1) commands). */
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
  constructor(
    private readonly redis: RedisConnection,
    private readonly historyMax: number,
  ) {}

  async publish(input: NewNotification, targeted?: number) {
    const payload = JSON.stringify(input);
    const channel = input.audience.kind === "channel" ? input.audience.channel : "";
    const scope = collapseScope(input) ?? "";
    const args = [String(this.historyMax), payload, channel, scope, targeted === undefined ? "" : String(targeted), String(FUNNEL_TTL_S)];
    const id = await this.redis.one<string>((b) => b.eval(PUBLISH_SCRIPT, [KEY.log, KEY.bus, KEY.channels, KEY.collapse], args));
    return toNotification(id, input);
  }

  async eventsAfter(afterId: string, max: number) {
    const [entries, info] = await this.redis.run((b) => b.xrange(KEY.log, `(${afterId}`, "+", max).eval(STREAM_INFO_SCRIPT, [KEY.log], []));
    const { firstId, entriesAdded, length } = streamInfo(info);
    // Entries before the first kept one were trimmed: a resume from before it may have a gap.
    const trimmed = entriesAdded === null || entriesAdded > length;
    return {
      events: fromEntries(entries),
      reset: trimmed && firstId !== null && compareIds(afterId, firstId) < 0,
    };
  }

  async eventsBefore(beforeId: string | null, count: number) {
    return fromEntries(await this.redis.one((b) => b.xrevrange(KEY.log, beforeId ? `(${beforeId}` : "+", "-", count)));
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

  async publishedCount() {
    const { entriesAdded, length } = streamInfo(await this.redis.one((b) => b.eval(STREAM_INFO_SCRIPT, [KEY.log], [])));
    return entriesAdded ?? length;
  }

  subscribe(onMessage: (message: BusMessage) => void): BusSubscription {
    return new RedisSubscription(this.redis.client.subscribe, onMessage, this);
  }
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
