// The Redis-backed escalation state: a key per acknowledgement (first wins
// with SET NX, kept as long as the alert's funnel), the due-time set as a sorted set that a script claims from,
// a list per alert of what its escalation did, and a hash of defaults.
import { SEVERITIES, type Audience } from "../../shared/types";
import type { BusMessage } from "../bus/types";
import { FUNNEL_TTL_S } from "../funnel/types";
import { hashOf, type RedisConnection } from "../redis/connection";
import { KEY } from "../redis/keys";
import { dueMember, type Acknowledgement, type DueStep, type EscalationDefaults, type EscalationEvent, type EscalationStore } from "./types";

/**
 * SET NX, then the value kept either way: the first acknowledgement wins, and
 * only the first is told on the bus. KEYS: the alert's acknowledgement, the bus.
 * ARGV: JSON, the bus message, seconds to keep it.
 */
const ACKNOWLEDGE_SCRIPT = `
local first = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[3])
if first then redis.call('PUBLISH', KEYS[2], ARGV[2]) end
return { first and 1 or 0, redis.call('GET', KEYS[1]) }`;

/**
 * The due members, each moved LEASE ms on in the same atomic step (two
 * instances claiming at once never get the same step), and the soonest due
 * time left: one command whether anything is due or not, so a poller pays
 * one a poll and knows when to look next.
 * KEYS: the due set. ARGV: now (ms), lease (ms), max. Answers {next or false, member, score, …}.
 */
const CLAIM_SCRIPT = `
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
for i = 1, #due, 2 do redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), due[i]) end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
table.insert(due, 1, first[2] or false)
return due`;

const SCHEDULE_SCRIPT = `redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])`;
const DONE_SCRIPT = `return redis.call('ZREM', KEYS[1], ARGV[1])`;
const RECORD_SCRIPT = `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])`;
const HISTORY_SCRIPT = `return redis.call('LRANGE', KEYS[1], 0, -1)`;

export class RedisEscalations implements EscalationStore {
  constructor(private readonly redis: RedisConnection) {}

  async acknowledge(alertId: string, acknowledgement: Acknowledgement, audience: Audience) {
    const told: BusMessage = { type: "acknowledged", audience, data: { id: alertId, acknowledgement } };
    const args = [JSON.stringify(acknowledgement), JSON.stringify(told), String(FUNNEL_TTL_S)];
    const [first, kept] = await this.redis.one<[number, string]>((b) => b.eval(ACKNOWLEDGE_SCRIPT, [KEY.acknowledgement(alertId), KEY.bus], args));
    return { acknowledgement: JSON.parse(kept) as Acknowledgement, first: first === 1 };
  }

  async acknowledgements(alertIds: string[]) {
    const values = await this.redis.mget(alertIds.map(KEY.acknowledgement));
    return new Map(alertIds.flatMap((id, i) => (values[i] ? [[id, JSON.parse(values[i]!) as Acknowledgement] as const] : [])));
  }

  async schedule(step: DueStep) {
    await this.redis.run((b) => b.eval(SCHEDULE_SCRIPT, [KEY.due], [String(step.dueAt), dueMember(step)]));
  }

  async claimDue(now: number, leaseMs: number, max: number) {
    const [next, ...raw] = await this.redis.one<[string | null, ...string[]]>((b) => b.eval(CLAIM_SCRIPT, [KEY.due], [String(now), String(leaseMs), String(max)]));
    const steps: DueStep[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) steps.push({ ...(JSON.parse(raw[i]!) as Omit<DueStep, "dueAt">), dueAt: Number(raw[i + 1]) });
    return { steps, nextDueAt: next ? Number(next) : null };
  }

  async done(step: DueStep) {
    await this.redis.run((b) => b.eval(DONE_SCRIPT, [KEY.due], [dueMember(step)]));
  }

  async record(alertId: string, event: EscalationEvent) {
    await this.redis.run((b) => b.eval(RECORD_SCRIPT, [KEY.escalationLog(alertId)], [JSON.stringify(event), String(FUNNEL_TTL_S)]));
  }

  async history(alertId: string) {
    return (await this.redis.one<string[]>((b) => b.eval(HISTORY_SCRIPT, [KEY.escalationLog(alertId)], []))).map((raw) => JSON.parse(raw) as EscalationEvent);
  }

  async defaults() {
    const raw = hashOf(await this.redis.one((b) => b.hgetall(KEY.escalationDefaults)));
    return Object.fromEntries(SEVERITIES.flatMap((s) => (raw[s] ? [[s, Number(raw[s])]] : []))) as EscalationDefaults;
  }

  async setDefaults(defaults: EscalationDefaults) {
    const values = Object.fromEntries(SEVERITIES.flatMap((s) => (defaults[s] !== undefined ? [[s, String(defaults[s])]] : [])));
    await this.redis.run((b) => (Object.keys(values).length ? b.del(KEY.escalationDefaults).hset(KEY.escalationDefaults, values) : b.del(KEY.escalationDefaults)), true);
  }
}
