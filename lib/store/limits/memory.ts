// The embedded rate limiter: fixed windows in a map, the same policy as
// @upstash/ratelimit's fixedWindow in the Redis-backed modes.
import type { RateLimiter, RateLimitResult } from "./types";

/** Windows are swept this often (in hits): a key not hit since its window ended holds nothing worth keeping. */
const SWEEP_EVERY = 1_000;

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { window: number; count: number; endsAt: number }>();
  private hits = 0;

  async rateLimit(key: string, limit: number, windowS: number, cost = 1): Promise<RateLimitResult> {
    return this.hit(key, limit, windowS, cost);
  }

  /** Synchronous, for callers that must check and act in one step (stream admission). */
  hit(key: string, limit: number, windowS: number, cost = 1): RateLimitResult {
    const windowMs = windowS * 1000;
    const now = Date.now();
    if (++this.hits % SWEEP_EVERY === 0) this.sweep(now);
    const window = Math.floor(now / windowMs);
    const entry = this.windows.get(key);
    const count = entry && entry.window === window ? entry.count : 0;
    if (count + cost > limit) return { ok: false, retryAfterS: Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000)) };
    this.windows.set(key, { window, count: count + cost, endsAt: (window + 1) * windowMs });
    return { ok: true, retryAfterS: 0 };
  }

  /** How many keys it holds: stays bounded by the keys hit within their windows. */
  get size() {
    return this.windows.size;
  }

  private sweep(now: number) {
    for (const [key, entry] of this.windows) if (entry.endsAt <= now) this.windows.delete(key);
  }
}
