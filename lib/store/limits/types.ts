// Rate limits for routes (publish, acknowledgements, sign-in, …).

export interface RateLimitResult {
  ok: boolean;
  retryAfterS: number;
}

export interface RateLimiter {
  /** Fixed-window-or-better limiter: `limit` hits per `windowS` for `key`; one call takes `cost` hits at once. */
  rateLimit(key: string, limit: number, windowS: number, cost?: number): Promise<RateLimitResult>;
}
