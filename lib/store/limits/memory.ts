// The embedded rate limiter: fixed windows in a map, the same policy as
// @upstash/ratelimit's fixedWindow in the Redis-backed modes.
import type { RateLimiter, RateLimitResult } from "./types";

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { window: number; count: number }>();

  async rateLimit(key: string, limit: number, windowS: number): Promise<RateLimitResult> {
    return this.hit(key, limit, windowS);
  }

  /** Synchronous, for callers that must check and act in one step (stream admission). */
  hit(key: string, limit: number, windowS: number): RateLimitResult {
    const windowMs = windowS * 1000;
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const entry = this.windows.get(key);
    const count = entry && entry.window === window ? entry.count : 0;
    if (count >= limit) return { ok: false, retryAfterS: Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000)) };
    this.windows.set(key, { window, count: count + 1 });
    return { ok: true, retryAfterS: 0 };
  }
}
