// The embedded rate limiter: fixed windows in a map, the same policy as
// @upstash/ratelimit's fixedWindow in the Redis-backed modes.
import type { RateLimiter, RateLimitResult } from "./types";

/** Windows are swept this often (in hits): a key not hit since its window ended holds nothing worth keeping. */
const SWEEP_EVERY = 1_000;
/** Claims held at most; past it the oldest goes (a bound on memory, whatever a sender does). */
const CLAIMS_MAX = 100_000;

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { window: number; count: number; endsAt: number }>();
  private hits = 0;
  /** Claims by key, with when each lapses (insertion order: the oldest first). */
  private readonly claims = new Map<string, number>();

  async claimOnce(key: string, ttlS: number): Promise<boolean> {
    const now = Date.now();
    const lapsesAt = this.claims.get(key);
    if (lapsesAt !== undefined && lapsesAt > now) return false;
    this.keepUntil(key, now + ttlS * 1000);
    return true;
  }

  async release(key: string) {
    this.claims.delete(key);
  }

  async keep(key: string, ttlS: number) {
    this.keepUntil(key, Date.now() + ttlS * 1000);
  }

  private keepUntil(key: string, lapsesAt: number) {
    // Moved to the end: the first one is the one kept or claimed the longest ago, which goes when full.
    this.claims.delete(key);
    if (this.claims.size >= CLAIMS_MAX) this.claims.delete(this.claims.keys().next().value!);
    this.claims.set(key, lapsesAt);
  }

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
