// Upstash mode's client: the shared Redis store over Upstash's REST API, through the
// official @upstash/redis client (so it runs in serverless functions).
import { Redis } from "@upstash/redis";
import { createParser } from "eventsource-parser";
import type { BusTransport, RedisBatch, RedisClient } from "./client";

export function upstashClient(url: string, token: string): RedisClient {
  const redis = new Redis({
    url,
    token,
    // Fail fast when Redis is away: the route answers 503 and the client retries.
    retry: { retries: 1, backoff: () => 200 },
    signal: () => AbortSignal.timeout(5_000),
    enableTelemetry: false,
    // Values are JSON strings we parse ourselves.
    automaticDeserialization: false,
  });
  return {
    batch: (atomic = false) => new UpstashBatch(atomic ? redis.multi() : redis.pipeline()),
    subscribe: subscribeOverSse(url, token),
    ratelimitRedis: redis,
  };
}

type Pipeline = ReturnType<Redis["pipeline"]>;

class UpstashBatch implements RedisBatch {
  constructor(private readonly p: Pipeline) {}
  get size() {
    return this.p.length();
  }
  eval(script: string, keys: string[], args: string[]) {
    this.p.eval(script, keys, args);
    return this;
  }
  get(key: string) {
    this.p.get(key);
    return this;
  }
  set(key: string, value: string, pxMs?: number) {
    this.p.set(key, value, pxMs === undefined ? undefined : { px: pxMs });
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
  sadd(key: string, [first, ...rest]: [string, ...string[]]) {
    this.p.sadd(key, first, ...rest);
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
    this.p.xrange(key, start, end, count);
    return this;
  }
  xrevrange(key: string, end: string, start: string, count: number) {
    this.p.xrevrange(key, end, start, count);
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
  exec() {
    return this.p.exec<unknown[]>();
  }
}

/**
 * The subscribe endpoint read as an SSE stream with eventsource-parser.
 * Written here rather than with the client's `subscribe()` because that one
 * does not report a dropped stream, and the store must re-subscribe and fill
 * the gap when it drops.
 */
function subscribeOverSse(url: string, token: string): BusTransport {
  return async (channel, { onSubscribed, onMessage }, signal) => {
    const res = await fetch(`${url.replace(/\/$/, "")}/subscribe/${channel}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      signal,
    });
    if (!res.ok || !res.body) throw new Error(`subscribe answered ${res.status}`);
    const parser = createParser({
      onEvent: (event) => {
        // "subscribe,<channel>,<count>" or "message,<channel>,<payload, which may hold commas>"
        const [kind, , ...rest] = event.data.split(",");
        if (kind === "subscribe") onSubscribed();
        else if (kind === "message") onMessage(rest.join(","));
      },
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  };
}
