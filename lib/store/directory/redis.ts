// The Redis-backed directory: a hash of channels (name → JSON of the rest),
// a set of follows per person.
import type { Channel } from "../../shared/types";
import { hashOf, type RedisConnection } from "../redis/connection";
import { KEY } from "../redis/keys";
import { CHOSEN_MARKER, DEFAULT_CHANNELS, followedByDefault, withoutMarker, type Directory, type Person } from "./types";

/** The catalog a deployment starts with, written once ever: a channel an admin deleted stays deleted. KEYS: channels, seeded; ARGV: name, value pairs. */
const SEED_SCRIPT = `
if redis.call('SET', KEYS[2], '1', 'NX') then
  for i = 1, #ARGV, 2 do redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return redis.call('HGETALL', KEYS[1])`;

/** A person's first follows, unless they chose meanwhile. KEYS: follows; ARGV: the marker and the default channels. Answers {1 when written, follows}. */
const FIRST_FOLLOWS_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('SMEMBERS', KEYS[1])} end
redis.call('SADD', KEYS[1], unpack(ARGV))
return {1, ARGV}`;

const stored = ({ description, followedByDefault }: Channel) => JSON.stringify({ description, followedByDefault });

/** A value written by a release before the catalog had defaults is the description alone. */
function parsed(name: string, value: string): Channel {
  try {
    const { description, followedByDefault } = JSON.parse(value) as Partial<Channel>;
    if (typeof description === "string") return { name, description, followedByDefault: followedByDefault === true };
  } catch {}
  return { name, description: value, followedByDefault: false };
}

export class RedisDirectory implements Directory {
  private channelsSeeded = false;

  constructor(private readonly redis: RedisConnection) {}

  async listChannels(): Promise<Channel[]> {
    const raw = this.channelsSeeded
      ? await this.redis.one((b) => b.hgetall(KEY.channels))
      : await this.redis.one((b) => b.eval(SEED_SCRIPT, [KEY.channels, KEY.channelsSeeded], DEFAULT_CHANNELS.flatMap((c) => [c.name, stored(c)])));
    this.channelsSeeded = true;
    return Object.entries(hashOf(raw))
      .map(([name, value]) => parsed(name, String(value)))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async putChannel(channel: Channel) {
    const added = await this.redis.one<number>((b) => b.hset(KEY.channels, { [channel.name]: stored(channel) }));
    return Number(added) === 1 ? "created" : "updated";
  }

  async deleteChannel(name: string) {
    // Seeded first: else a later first read would bring a seeded channel deleted now back.
    if (!this.channelsSeeded) await this.listChannels();
    return Number(await this.redis.one<number>((b) => b.hdel(KEY.channels, [name]))) === 1;
  }

  async getFollowing(userId: string) {
    const members = await this.redis.one<string[]>((b) => b.smembers(KEY.follows(userId)));
    if (members.length) return withoutMarker(members);
    const defaults = followedByDefault(await this.listChannels());
    const [written, following] = await this.redis.one<[number, string[]]>((b) => b.eval(FIRST_FOLLOWS_SCRIPT, [KEY.follows(userId)], [CHOSEN_MARKER, ...defaults]));
    const result = withoutMarker(following);
    if (Number(written) === 1) await this.redis.sendControl({ type: "follows", userId, following: result });
    return result;
  }

  async followingOf(userIds: string[]) {
    if (!userIds.length) return new Map<string, string[]>();
    const [sets, defaults] = await Promise.all([this.redis.smembersOf(userIds.map(KEY.follows)), this.listChannels().then(followedByDefault)]);
    return new Map(userIds.map((id, i) => [id, sets[i]!.length ? withoutMarker(sets[i]!) : [...defaults].sort()]));
  }

  async setFollowing(userId: string, channels: string[]) {
    await this.redis.run((b) => b.del(KEY.follows(userId)).sadd(KEY.follows(userId), [CHOSEN_MARKER, ...channels]), true);
    await this.redis.sendControl({ type: "follows", userId, following: [...channels] });
  }

  async rememberPerson({ id, ...person }: Person) {
    await this.redis.run((b) => b.hset(KEY.people, { [id]: JSON.stringify(person) }));
  }

  async people() {
    const all = hashOf(await this.redis.one((b) => b.hgetall(KEY.people)));
    return Object.entries(all).map(([id, raw]) => ({ id, ...(JSON.parse(raw) as Omit<Person, "id">) }));
  }
}
