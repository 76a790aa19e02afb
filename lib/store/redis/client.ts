// The Redis commands the shared store sends, as one small interface with two
// adapters: @upstash/redis over REST (serverless) and ioredis over TCP (your
// own servers). The store, its keys and its scripts are written once against
// this (redis-backed.ts and each concern's redis.ts); each adapter only translates calls and replies.
import type { Ratelimit } from "@upstash/ratelimit";

/** Commands queued into one round trip; `exec()` answers their replies in order (raw: strings, arrays, numbers). */
export interface RedisBatch {
  eval(script: string, keys: string[], args: string[]): RedisBatch;
  get(key: string): RedisBatch;
  /** SET, expiring after `pxMs` when given. */
  set(key: string, value: string, pxMs?: number): RedisBatch;
  zrem(key: string, member: string): RedisBatch;
  del(key: string): RedisBatch;
  exists(key: string): RedisBatch;
  sadd(key: string, members: [string, ...string[]]): RedisBatch;
  srem(key: string, members: [string, ...string[]]): RedisBatch;
  smembers(key: string): RedisBatch;
  hget(key: string, field: string): RedisBatch;
  hset(key: string, values: Record<string, string>): RedisBatch;
  hgetall(key: string): RedisBatch;
  hdel(key: string, fields: [string, ...string[]]): RedisBatch;
  incrby(key: string, by: number): RedisBatch;
  xrange(key: string, start: string, end: string, count: number): RedisBatch;
  xrevrange(key: string, end: string, start: string, count: number): RedisBatch;
  publish(channel: string, message: string): RedisBatch;
  ping(): RedisBatch;
  /** Commands queued: what Upstash bills for the round trip (a script is one). */
  readonly size: number;
  exec(): Promise<unknown[]>;
}

/** Opens the bus subscription; resolves when it ends for good, rejects when it breaks. */
export type BusTransport = (
  channel: string,
  handlers: { onSubscribed(): void; onMessage(payload: string): void },
  signal: AbortSignal,
) => Promise<void>;

export interface RedisClient {
  /** One round trip; `atomic` runs the commands as one transaction (MULTI/EXEC). */
  batch(atomic?: boolean): RedisBatch;
  subscribe: BusTransport;
  /** What @upstash/ratelimit sends its scripts through. */
  readonly ratelimitRedis: ConstructorParameters<typeof Ratelimit>[0]["redis"];
}
