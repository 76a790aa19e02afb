// The Redis-backed rate limiter: @upstash/ratelimit's fixed window, one
// limiter per budget, through whichever client the mode uses.
import { Ratelimit } from "@upstash/ratelimit";
import type { RedisConnection } from "../redis/connection";
import { KEY } from "../redis/keys";
import type { RateLimiter, RateLimitResult } from "./types";

/** SET NX with a TTL: the first claim answers OK, the others nil until the key lapses. */
const CLAIM_SCRIPT = `return redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1])`;

export class RedisRateLimiter implements RateLimiter {
  private readonly limiters = new Map<string, Ratelimit>();

  constructor(private readonly redis: RedisConnection) {}

  async claimOnce(key: string, ttlS: number) {
    return (await this.redis.one<string | null>((b) => b.eval(CLAIM_SCRIPT, [KEY.once(key)], [String(ttlS)]))) !== null;
  }

  async release(key: string) {
    await this.redis.run((b) => b.del(KEY.once(key)));
  }

  async keep(key: string, ttlS: number) {
    await this.redis.run((b) => b.set(KEY.once(key), "1", ttlS * 1000));
  }

  async rateLimit(key: string, limit: number, windowS: number, cost = 1): Promise<RateLimitResult> {
    const name = `${limit}/${windowS}`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      limiter = new Ratelimit({
        redis: this.redis.client.ratelimitRedis,
        limiter: Ratelimit.fixedWindow(limit, `${windowS} s`),
        prefix: "ntf:rl",
        ephemeralCache: new Map(),
      });
      this.limiters.set(name, limiter);
    }
    // The fixed window counts a refused hit too (INCRBY, then the check): a batch that cannot fit is
    // refused on what remains, before it is counted, so it does not spend the budget it was refused.
    if (cost > 1) {
      const { remaining, reset } = await this.redis.counted(() => limiter.getRemaining(key));
      if (remaining < cost) return { ok: false, retryAfterS: Math.max(1, Math.ceil((reset - Date.now()) / 1000)) };
    }
    const result = await this.redis.counted(() => limiter.limit(key, { rate: cost }));
    return { ok: result.success, retryAfterS: result.success ? 0 : Math.max(1, Math.ceil((result.reset - Date.now()) / 1000)) };
  }
}
