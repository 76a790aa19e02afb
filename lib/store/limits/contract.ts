// What every backend of rate limits must do (run against each by contract.ts).
import { describe, expect, it } from "vitest";
import { useStores, type MakeStores } from "../contract-fixture";

export function runLimitsContract(name: string, make: MakeStores) {
  describe(`${name}: rate limits`, () => {
    const stores = useStores(make);

    it("limits a key to its budget and says when to retry", async () => {
      const results = [];
      // An hour's window: a minute's could turn over between the calls (the fourth then passes; seen once).
      for (let i = 0; i < 4; i++) results.push(await stores().limits.rateLimit("test-key", 3, 3600));
      expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
      expect(results[3]!.retryAfterS).toBeGreaterThanOrEqual(1);
      expect((await stores().limits.rateLimit("other-key", 3, 3600)).ok).toBe(true);
    });

    it("takes a batch's cost at once: one that does not fit in what is left is refused whole", async () => {
      expect((await stores().limits.rateLimit("batch-key", 5, 3600, 3)).ok).toBe(true);
      const over = await stores().limits.rateLimit("batch-key", 5, 3600, 3);
      expect(over.ok).toBe(false);
      expect(over.retryAfterS).toBeGreaterThanOrEqual(1);
      expect((await stores().limits.rateLimit("batch-key-2", 5, 3600, 6)).ok).toBe(false);
      // A refused batch spends nothing: what was left still takes hits.
      expect((await stores().limits.rateLimit("batch-key", 5, 3600, 2)).ok).toBe(true);
      expect((await stores().limits.rateLimit("batch-key-2", 5, 3600, 5)).ok).toBe(true);
    });

    it("allows a claim once while it lives, and again once released", async () => {
      const limits = stores().limits;
      expect(await limits.claimOnce("delivery-1", 3600)).toBe(true);
      expect(await limits.claimOnce("delivery-1", 3600)).toBe(false);
      expect(await limits.claimOnce("delivery-2", 3600)).toBe(true);
      await limits.release("delivery-1");
      expect(await limits.claimOnce("delivery-1", 3600)).toBe(true);
      // Kept longer once what it allowed is done: still refused.
      await limits.keep("delivery-1", 86_400);
      expect(await limits.claimOnce("delivery-1", 3600)).toBe(false);
    });

  });
}
