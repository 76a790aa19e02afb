// The embedded limiter's own bound (Redis expires its window keys itself).
import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "./memory";

describe("embedded rate limiter", () => {
  it("forgets a key once its window has ended, so a flood of new keys (emails, addresses) cannot grow it for ever", async () => {
    const limiter = new MemoryRateLimiter();
    for (let i = 0; i < 500; i++) await limiter.rateLimit(`signin:someone-${i}@example.com`, 10, 1);
    expect(limiter.size).toBe(500);
    await new Promise((r) => setTimeout(r, 1_050)); // their one-second windows end
    for (let i = 0; i < 1_000; i++) await limiter.rateLimit(`other-${i % 10}`, 10_000, 60);
    expect(limiter.size).toBe(10);
  });
});
