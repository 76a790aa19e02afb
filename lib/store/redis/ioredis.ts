// Redis mode's client: the shared Redis store over TCP with ioredis, for `next start`
// on your own servers, Docker or Kubernetes, with Redis 6.2+ or Valkey. Same
// keys and scripts as Upstash mode; one subscriber connection per instance.
import type { Ratelimit } from "@upstash/ratelimit";
import IORedis, { type ChainableCommander } from "ioredis";
import type { BusTransport, RedisBatch, RedisClient } from "./client";
import { scriptRewriter } from "./script-flags";

export function ioredisClient(url: string): RedisClient {
  const redis = new IORedis(url, {
    // Fail fast when Redis is away (a command waits for at most one reconnect):
    // the route answers 503 and the client retries.
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    commandTimeout: 5_000,
    connectionName: "ntf-commands",
  });
  redis.on("error", () => {}); // each failed command reports its own error
  return {
    batch: (atomic = false) => new IORedisBatch(atomic ? redis.multi() : redis.pipeline()),
    subscribe: subscribeOverConnection(url),
    ratelimitRedis: ratelimitAdapter(redis),
  };
}

class IORedisBatch implements RedisBatch {
  constructor(private readonly p: ChainableCommander) {}
  get size() {
    // A transaction's MULTI and EXEC are not queued commands.
    return (this.p as unknown as { length: number }).length;
  }
  eval(script: string, keys: string[], args: string[]) {
    this.p.eval(script, keys.length, ...keys, ...args);
    return this;
  }
  get(key: string) {
    this.p.get(key);
    return this;
  }
  set(key: string, value: string, pxMs?: number) {
    if (pxMs === undefined) this.p.set(key, value);
    else this.p.set(key, value, "PX", pxMs);
    return this;
  }
  zrem(key: string, member: string) {
    this.p.zrem(key, member);
    return this;
  }
  del(key: string) {
    this.p.del(key);
    return this;
  }
  exists(key: string) {
    this.p.exists(key);
    return this;
  }
  sadd(key: string, members: [string, ...string[]]) {
    this.p.sadd(key, ...members);
    return this;
  }
  srem(key: string, members: [string, ...string[]]) {
    this.p.srem(key, ...members);
    return this;
  }
  smembers(key: string) {
    this.p.smembers(key);
    return this;
  }
  hget(key: string, field: string) {
    this.p.hget(key, field);
    return this;
  }
  hset(key: string, values: Record<string, string>) {
    this.p.hset(key, values);
    return this;
  }
  hgetall(key: string) {
    this.p.hgetall(key);
    return this;
  }
  hdel(key: string, fields: [string, ...string[]]) {
    this.p.hdel(key, ...fields);
    return this;
  }
  incrby(key: string, by: number) {
    this.p.incrby(key, by);
    return this;
  }
  xrange(key: string, start: string, end: string, count: number) {
    this.p.xrange(key, start, end, "COUNT", count);
    return this;
  }
  xrevrange(key: string, end: string, start: string, count: number) {
    this.p.xrevrange(key, end, start, "COUNT", count);
    return this;
  }
  publish(channel: string, message: string) {
    this.p.publish(channel, message);
    return this;
  }
  ping() {
    this.p.ping();
    return this;
  }
  async exec() {
    const results = await this.p.exec();
    if (!results) throw new Error("EXECABORT the transaction was discarded");
    return results.map(([error, reply]) => {
      if (error) throw error;
      return reply;
    });
  }
}

/**
 * @upstash/ratelimit sends its scripts with EVALSHA, then EVAL; they carry an
 * Upstash-only shebang flag that redis-server refuses, so scripts are sent
 * without it, and EVALSHA of the original's hash maps to the rewritten one.
 */
function ratelimitAdapter(redis: IORedis): ConstructorParameters<typeof Ratelimit>[0]["redis"] {
  const rewrite = scriptRewriter();
  const script = (name: "EVAL" | "EVALSHA") => (scriptOrSha: string, keys: string[], args: unknown[]) => {
    const [command, ...rest] = rewrite([name, scriptOrSha, keys.length, ...keys, ...args.map(String)]);
    return redis.call(String(command), ...rest);
  };
  // Only these three are called (its Redis type is a Pick of them); the casts bridge ioredis's reply types.
  return {
    eval: script("EVAL"),
    evalsha: script("EVALSHA"),
    get: (key: string) => redis.get(key),
    set: (key: string, value: string) => redis.set(key, value),
  } as unknown as ConstructorParameters<typeof Ratelimit>[0]["redis"];
}

/** A subscriber connection of its own; it ends (rejecting) when the connection drops, and never reconnects by itself. */
function subscribeOverConnection(url: string): BusTransport {
  return (channel, { onSubscribed, onMessage }, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return resolve();
      const subscriber = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, autoResubscribe: false, connectionName: "ntf-bus" });
      let ended = false;
      const end = (error?: Error) => {
        if (ended) return;
        ended = true;
        subscriber.disconnect();
        if (error) reject(error);
        else resolve();
      };
      signal.addEventListener("abort", () => end(), { once: true });
      subscriber.on("error", () => {}); // "close" follows and ends the subscription
      subscriber.on("close", () => end(new Error("the subscriber connection closed")));
      subscriber.on("message", (_channel: string, payload: string) => !ended && onMessage(payload));
      subscriber
        .connect()
        .then(() => subscriber.subscribe(channel))
        .then(() => !ended && onSubscribed(), (error: Error) => end(error));
    });
}
