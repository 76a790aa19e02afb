// The Redis-backed funnels: a hash per alert (stage counts and one field per
// member and stage) and a sorted set of display latencies, both expiring
// FUNNEL_TTL_S after their last change.
import { FUNNEL_STAGES, type FunnelStage } from "../../shared/types";
import { hashOf, type RedisConnection } from "../redis/connection";
import { KEY } from "../redis/keys";
import { FUNNEL_TTL_S, type FunnelMark, type FunnelRecord, type FunnelStore } from "./types";

/**
 * Records funnel steps in one command however many (docs/operations.md's cost
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

export class RedisFunnel implements FunnelStore {
  constructor(private readonly redis: RedisConnection) {}

  async recordFunnel(marks: FunnelMark[], user?: { id: string; label: string }) {
    for (let i = 0; i < marks.length; i += FUNNEL_MARKS_PER_CALL) {
      const args = [String(FUNNEL_TTL_S), i === 0 ? (user?.id ?? "") : "", i === 0 ? (user?.label ?? "") : ""];
      for (const m of marks.slice(i, i + FUNNEL_MARKS_PER_CALL)) {
        args.push(m.notificationId, m.stage, m.member ?? "", String(m.count), m.latencyMs === undefined ? "" : String(Math.round(m.latencyMs)));
      }
      await this.redis.run((b) => b.eval(FUNNEL_RECORD_SCRIPT, [], args));
    }
  }

  async funnels(ids: string[]): Promise<FunnelRecord[]> {
    if (!ids.length) return [];
    const replies = await this.redis.one<[(string | null)[], number, string[]][]>((b) => b.eval(FUNNEL_READ_SCRIPT, [], ids));
    return replies.map(([counts, n, picks]) => ({
      counts: Object.fromEntries(FUNNEL_STAGES.map((stage, i) => [stage, Number(counts[i] ?? 0)])) as Record<FunnelStage, number>,
      latency: Number(n) > 0 ? { p50: Number(picks[0]), p95: Number(picks[1]), max: Number(picks[2]) } : null,
    }));
  }

  async funnelRecipients(id: string) {
    const fields = hashOf(await this.redis.one((b) => b.hgetall(KEY.funnel(id))));
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
    return this.redis.hmget(KEY.users, userIds);
  }
}
