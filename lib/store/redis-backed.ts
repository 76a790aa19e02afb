// The Redis-backed store, written once for both ways of reaching Redis:
// Upstash over REST (upstash.ts) and plain Redis or Valkey over TCP
// (ioredis.ts). The log is a Redis stream, the bus a pub/sub channel, and
// everything else small hashes and sets, so any number of instances share
// history, read state and presence. Keys: keys.ts and docs/operations.md.
import { RedisCredentials } from "./credentials/redis";
import { RedisDirectory } from "./directory/redis";
import { RedisFunnel } from "./funnel/redis";
import { RedisInbox } from "./inbox/redis";
import { RedisRateLimiter } from "./limits/redis";
import { RedisLog } from "./log/redis";
import { RedisPresence } from "./presence/redis";
import { RedisPush } from "./push/redis";
import { RedisEscalations } from "./escalations/redis";
import type { Stores } from "./stores";
import type { RedisClient } from "./redis/client";
import { RedisConnection } from "./redis/connection";
import { ioredisClient } from "./redis/ioredis";
import { upstashClient } from "./redis/upstash";

export interface RedisStores extends Stores {
  readonly mode: "upstash" | "redis";
}

export function redisBackedStores(mode: "upstash" | "redis", client: RedisClient, historyMax: number): RedisStores {
  const redis = new RedisConnection(client);
  return {
    mode,
    get roundTrips() {
      return redis.roundTrips;
    },
    get commandsSent() {
      return redis.commandsSent;
    },
    log: new RedisLog(redis, historyMax),
    inbox: new RedisInbox(redis),
    funnel: new RedisFunnel(redis),
    directory: new RedisDirectory(redis),
    credentials: new RedisCredentials(redis),
    presence: new RedisPresence(redis),
    limits: new RedisRateLimiter(redis),
    push: new RedisPush(redis),
    escalations: new RedisEscalations(redis),
    ping: async () => void (await redis.run((b) => b.ping())),
  };
}

export function upstashStores({ url, token, historyMax }: { url: string; token: string; historyMax: number }) {
  return redisBackedStores("upstash", upstashClient(url, token), historyMax);
}

export function redisStores({ url, historyMax }: { url: string; historyMax: number }) {
  return redisBackedStores("redis", ioredisClient(url), historyMax);
}
