// What every backend of push subscriptions must do (run against each by contract.ts).
import { describe, expect, it } from "vitest";
import { useStores, type MakeStores } from "../contract-fixture";
import { PUSH_SUBSCRIPTIONS_MAX, type PushSubscriptionRecord } from "./types";

const subscription = (n: number): PushSubscriptionRecord => ({
  endpoint: `https://push.example/${n}`,
  keys: { p256dh: `p${n}`, auth: `a${n}` },
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
});
const alice = { userId: "u_alice", email: "alice@example.com", name: "Alice" };

export function runPushContract(name: string, make: MakeStores) {
  describe(`${name}: push subscriptions`, () => {
    const stores = useStores(make);

    it("keeps a person's subscriptions by endpoint, and the person while they have one", async () => {
      const push = stores().push;
      expect(await push.people()).toEqual([]);
      await push.subscribe(alice, subscription(1));
      await push.subscribe(alice, { ...subscription(1), keys: { p256dh: "new", auth: "new" } });
      await push.subscribe(alice, subscription(2));
      expect((await push.subscriptions("u_alice")).map((s) => s.keys.p256dh).sort()).toEqual(["new", "p2"]);
      expect(await push.people()).toEqual([{ ...alice, severities: ["error", "critical"], subscriptions: await push.subscriptions("u_alice") }]);
      expect(await push.unsubscribe("u_bob", subscription(1).endpoint)).toBe(false);
      expect(await push.unsubscribe("u_alice", subscription(1).endpoint)).toBe(true);
      await push.unsubscribe("u_alice", subscription(2).endpoint);
      expect(await push.subscriptions("u_alice")).toEqual([]);
      expect(await push.people()).toEqual([]);
    });

    it("keeps at most the cap per person, dropping the oldest, even when browsers subscribe at once", async () => {
      const push = stores().push;
      const count = PUSH_SUBSCRIPTIONS_MAX + 3;
      await Promise.all(Array.from({ length: count }, (_, i) => push.subscribe(alice, subscription(i))));
      const kept = (await push.subscriptions("u_alice")).map((s) => s.endpoint).sort();
      expect(kept).toEqual(Array.from({ length: PUSH_SUBSCRIPTIONS_MAX }, (_, i) => subscription(i + 3).endpoint).sort());
    });

    it("gives a browser to the last person who subscribed it: the one before gets no more of its pushes", async () => {
      const push = stores().push;
      const bob = { userId: "u_bob", email: "bob@example.com", name: "Bob" };
      await push.subscribe(alice, subscription(1));
      await push.subscribe(alice, subscription(2));
      await push.subscribe(bob, { ...subscription(1), createdAt: subscription(5).createdAt });
      expect((await push.subscriptions("u_alice")).map((s) => s.endpoint)).toEqual([subscription(2).endpoint]);
      expect((await push.subscriptions("u_bob")).map((s) => s.endpoint)).toEqual([subscription(1).endpoint]);
      await push.subscribe(bob, subscription(2));
      expect((await push.people()).map((p) => p.userId)).toEqual(["u_bob"]);
    });

    it("remembers the severities a person chose, none included", async () => {
      const push = stores().push;
      expect(await push.severities("u_alice")).toEqual(["error", "critical"]);
      await push.setSeverities("u_alice", ["warning", "critical"]);
      await push.subscribe(alice, subscription(1));
      expect(await push.people()).toEqual([{ ...alice, severities: ["warning", "critical"], subscriptions: [subscription(1)] }]);
      await push.setSeverities("u_alice", []);
      expect(await push.severities("u_alice")).toEqual([]);
    });
  });
}
