// What every backend of the funnel must do (run against each by contract.ts).
import { describe, expect, it } from "vitest";
import { funnelMember } from "../funnel/types";
import { alert, useStores, type MakeStores } from "../contract-fixture";

export function runFunnelContract(name: string, make: MakeStores) {
  describe(`${name}: the funnel`, () => {
    const stores = useStores(make);

    it("records funnels: counts, once per member, latency percentiles, recipients and their labels", async () => {
      const n = await stores().log.publish(alert("funnel"));
      const other = await stores().log.publish(alert("untouched"));
      await stores().funnel.recordFunnel([{ notificationId: n.id, stage: "targeted", count: 3 }]);
      await stores().funnel.recordFunnel([
        { notificationId: n.id, stage: "delivered", count: 2 },
        { notificationId: n.id, stage: "delivered", member: funnelMember.user("bob"), count: 0 },
      ]);
      for (const [person, latencyMs] of [["carol", 120], ["dave", 40], ["carol", 999], ["erin", 300]] as const) {
        await stores().funnel.recordFunnel([{ notificationId: n.id, stage: "displayed", member: funnelMember.user(person), count: 1, latencyMs }]);
      }
      await stores().funnel.recordFunnel(
        [
          { notificationId: n.id, stage: "displayed", member: funnelMember.user("alice"), count: 0 },
          { notificationId: n.id, stage: "read", member: funnelMember.user("alice"), count: 1 },
          { notificationId: n.id, stage: "read", member: funnelMember.user("alice"), count: 1 },
        ],
        { id: "alice", label: "Alice <alice@example.com>" },
      );
      // Muted for frank as it reached him: counted once, however often his browsers say so.
      for (let i = 0; i < 2; i++) await stores().funnel.recordFunnel([{ notificationId: n.id, stage: "muted", member: funnelMember.user("frank"), count: 1 }]);
      const [funnel, none] = await stores().funnel.funnels([n.id, other.id]);
      expect(funnel).toEqual({ counts: { targeted: 3, delivered: 2, muted: 1, displayed: 3, read: 1, opened: 0, snoozed: 0, unread: 0, acknowledged: 0 }, latency: { p50: 120, p95: 300, max: 300 } });
      expect(none).toEqual({ counts: { targeted: 0, delivered: 0, muted: 0, displayed: 0, read: 0, opened: 0, snoozed: 0, unread: 0, acknowledged: 0 }, latency: null });
      const counted = await stores().log.publish(alert("targeted as it goes out"), 4);
      expect((await stores().funnel.funnels([counted.id]))[0]!.counts.targeted).toBe(4);
      const stages = await stores().funnel.funnelRecipients(n.id);
      expect(Object.fromEntries([...stages].map(([user, s]) => [user, [...s].sort()]))).toEqual({
        alice: ["displayed", "read"],
        bob: ["delivered"],
        carol: ["displayed"],
        dave: ["displayed"],
        erin: ["displayed"],
        frank: ["muted"],
      });
      expect([...(await stores().funnel.userLabels(["alice", "bob"]))]).toEqual([["alice", "Alice <alice@example.com>"]]);
      // A large report goes in several calls and loses nothing.
      const many = Array.from({ length: 2_500 }, (_, i) => ({ notificationId: other.id, stage: "delivered" as const, member: funnelMember.user(`user-${i}`), count: 1 }));
      await stores().funnel.recordFunnel(many);
      expect((await stores().funnel.funnels([other.id]))[0]!.counts.delivered).toBe(2_500);
      expect((await stores().funnel.funnelRecipients(other.id)).size).toBe(2_500);
    });
  });
}
