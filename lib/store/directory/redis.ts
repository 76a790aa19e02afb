// The Redis-backed directory: a hash of channels, a set of follows per person.
import type { Channel } from "../../shared/types";
import { hashOf, type RedisConnection } from "../redis/connection";
import { KEY } from "../redis/keys";
import { DEFAULT_CHANNELS, type Directory } from "./types";

export class RedisDirectory implements Directory {
  private channelsSeeded = false;

  constructor(private readonly redis: RedisConnection) {}

  async listChannels(): Promise<Channel[]> {
    if (!this.channelsSeeded) {
      await this.redis.run((b) => DEFAULT_CHANNELS.reduce((batch, c) => batch.hsetnx(KEY.channels, c.name, c.description), b));
      this.channelsSeeded = true;
    }
    const all = hashOf(await this.redis.one((b) => b.hgetall(KEY.channels)));
    return Object.entries(all)
      .map(([name, description]) => ({ name, description: String(description) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async getFollowing(userId: string) {
    return (await this.redis.one<string[]>((b) => b.smembers(KEY.follows(userId)))).sort();
  }

  async setFollowing(userId: string, channels: string[]) {
    const [first, ...rest] = channels;
    await this.redis.run((b) => {
      b.del(KEY.follows(userId));
      return first === undefined ? b : b.sadd(KEY.follows(userId), [first, ...rest]);
    }, true);
    await this.redis.sendControl({ type: "follows", userId, following: [...channels] });
  }
}
