// Rate limits for routes (publish, acknowledgements, sign-in, …), and things
// allowed once (a webhook delivery).

export interface RateLimitResult {
  ok: boolean;
  retryAfterS: number;
}

export interface RateLimiter {
  /** Fixed-window-or-better limiter: `limit` hits per `windowS` for `key`; one call takes `cost` hits at once. */
  rateLimit(key: string, limit: number, windowS: number, cost?: number): Promise<RateLimitResult>;
  /** True the first time `key` is claimed, on any instance; false again until `ttlS` passed or it is released. */
  claimOnce(key: string, ttlS: number): Promise<boolean>;
  /** Gives a claim back (what it allowed failed: a retry may have it). */
  release(key: string): Promise<void>;
  /** Keeps a claim `ttlS` from now (what it allowed is done: claimed briefly, kept long). */
  keep(key: string, ttlS: number): Promise<void>;
}
