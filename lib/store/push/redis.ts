// The Redis-backed push subscriptions: one hash of everyone with a
// subscription (user id → their address, name and subscriptions, as JSON),
// read whole by a publish in one command, and one of the severities each
// person chose.
import { SEVERITIES, type Severity } from "../../shared/types";
import { hashOf, type RedisConnection } from "../redis/connection";
import { KEY } from "../redis/keys";
import { DEFAULT_PUSH_SEVERITIES, PUSH_SUBSCRIPTIONS_MAX, type PushPerson, type PushStore, type PushSubscriptionRecord } from "./types";

type Stored = { email: string; name: string; subscriptions: PushSubscriptionRecord[] };

/**
 * Adds or replaces the subscription (by endpoint), takes it from anyone else
 * who had it (the browser's last person), and drops the person's oldest past
 * the cap, in one atomic step: two browsers subscribing at once never lose
 * one another's, nor leave more than the cap. Reads every person: a
 * subscription is made once per device, a publish reads them all anyway.
 * KEYS: the people. ARGV: user id, email, name, subscription JSON, cap.
 */
const SUBSCRIBE_SCRIPT = `
local added = cjson.decode(ARGV[4])
local everyone = redis.call('HGETALL', KEYS[1])
local kept = {}
for i = 1, #everyone, 2 do
  local person = cjson.decode(everyone[i + 1])
  local others = {}
  for _, s in ipairs(person.subscriptions) do
    if s.endpoint ~= added.endpoint then others[#others + 1] = s end
  end
  if everyone[i] == ARGV[1] then
    kept = others
  elseif #others == 0 then
    redis.call('HDEL', KEYS[1], everyone[i])
  elseif #others < #person.subscriptions then
    person.subscriptions = others
    redis.call('HSET', KEYS[1], everyone[i], cjson.encode(person))
  end
end
kept[#kept + 1] = added
table.sort(kept, function(a, b) return a.createdAt < b.createdAt end)
local cap = tonumber(ARGV[5])
while #kept > cap do table.remove(kept, 1) end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({ email = ARGV[2], name = ARGV[3], subscriptions = kept }))
return #kept`;

/** Drops one subscription, and the person once they have none. KEYS: the people. ARGV: user id, endpoint. Answers 1 when there was one. */
const UNSUBSCRIBE_SCRIPT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local person = cjson.decode(raw)
local kept = {}
for _, s in ipairs(person.subscriptions) do
  if s.endpoint ~= ARGV[2] then kept[#kept + 1] = s end
end
if #kept == #person.subscriptions then return 0 end
if #kept == 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  person.subscriptions = kept
  redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(person))
end
return 1`;

export class RedisPush implements PushStore {
  constructor(private readonly redis: RedisConnection) {}

  async subscribe({ userId, email, name }: Omit<PushPerson, "severities" | "subscriptions">, subscription: PushSubscriptionRecord) {
    const args = [userId, email, name, JSON.stringify(subscription), String(PUSH_SUBSCRIPTIONS_MAX)];
    await this.redis.run((b) => b.eval(SUBSCRIBE_SCRIPT, [KEY.pushPeople], args));
  }

  async unsubscribe(userId: string, endpoint: string) {
    return (await this.redis.one<number>((b) => b.eval(UNSUBSCRIBE_SCRIPT, [KEY.pushPeople], [userId, endpoint]))) === 1;
  }

  async subscriptions(userId: string) {
    const raw = await this.redis.one<string | null>((b) => b.hget(KEY.pushPeople, userId));
    return raw ? (JSON.parse(raw) as Stored).subscriptions : [];
  }

  async people() {
    const [people, chosen] = (await this.redis.run((b) => b.hgetall(KEY.pushPeople).hgetall(KEY.pushSeverities))).map(hashOf);
    return Object.entries(people!).map(([userId, raw]) => {
      const { email, name, subscriptions } = JSON.parse(raw) as Stored;
      return { userId, email, name, severities: parseSeverities(chosen![userId]), subscriptions };
    });
  }

  async severities(userId: string) {
    return parseSeverities(await this.redis.one<string | null>((b) => b.hget(KEY.pushSeverities, userId)));
  }

  async setSeverities(userId: string, severities: Severity[]) {
    await this.redis.run((b) => b.hset(KEY.pushSeverities, { [userId]: severities.join(",") }));
  }
}

function parseSeverities(raw: string | null | undefined): Severity[] {
  if (raw === null || raw === undefined) return [...DEFAULT_PUSH_SEVERITIES];
  return raw.split(",").filter((s): s is Severity => (SEVERITIES as readonly string[]).includes(s));
}
