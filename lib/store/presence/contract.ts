// What every backend of presence and stream admission must do (run against each by contract.ts).
import { describe, expect, it } from "vitest";
import { until } from "@/testing/until";
import type { BusMessage } from "../bus/types";
import { useStores, type MakeStores } from "../contract-fixture";

export function runPresenceContract(name: string, make: MakeStores) {
  describe(`${name}: presence and stream admission`, () => {
    const stores = useStores(make);

    const admission = (userId: string, slotId: string, instanceId: string, limits: { maxStreams?: number; opensPerMinute?: number } = {}) => ({
      userId,
      slotId,
      instanceId,
      maxStreams: limits.maxStreams ?? 3,
      opensPerMinute: limits.opensPerMinute ?? 100,
      maxStreamMs: 60_000,
      instanceTtlMs: 30_000,
    });

    it("sums presence over live instances and forgets expired ones", async () => {
      await stores().presence.reportPresence("a", new Map([["all", 3], ["user:alice", 2]]), 5, 60_000);
      await stores().presence.reportPresence("b", new Map([["all", 1], ["user:alice", 1]]), 2, 200);
      expect(await stores().presence.countElsewhere("user:alice", "a")).toBe(1);
      expect(await stores().presence.countElsewhere("user:alice", "c")).toBe(3);
      expect((await stores().presence.liveInstances()).sort((x, y) => x.id.localeCompare(y.id))).toEqual([
        { id: "a", connections: 3 },
        { id: "b", connections: 1 },
      ]);
      await new Promise((r) => setTimeout(r, 300));
      expect(await stores().presence.liveInstances()).toEqual([{ id: "a", connections: 3 }]);
      expect(await stores().presence.deliveredCount()).toBe(7);
    });

    it("admits streams up to the per-user limit over every instance, and frees a slot on release", async () => {
      await stores().directory.setFollowing("alice", ["deploys"]);
      expect(await stores().presence.admitStream(admission("alice", "s1", "a"))).toEqual({ ok: true, following: ["deploys"], inboxVersion: 0, replacedOlder: false });
      expect((await stores().presence.admitStream(admission("alice", "s2", "a"))).ok).toBe(true);
      expect((await stores().presence.admitStream(admission("alice", "s3", "b"))).ok).toBe(true);
      for (const instance of ["a", "b"]) {
        expect(await stores().presence.admitStream(admission("alice", `s4${instance}`, instance))).toMatchObject({ ok: false, refused: "streams" });
      }
      expect((await stores().presence.admitStream(admission("bob", "s1", "a"))).ok).toBe(true);
      await stores().presence.releaseStream("alice", "s1", "a");
      expect((await stores().presence.admitStream(admission("alice", "s5", "b"))).ok).toBe(true);
    });

    it("holds the limit exactly when many streams of one user ask at once, and a storm of asks costs round trips per batch", async () => {
      const before = stores().roundTrips;
      const results = await Promise.all(Array.from({ length: 150 }, (_, i) => stores().presence.admitStream(admission(i < 30 ? "dave" : `user${i}`, `s${i}`, i % 2 ? "a" : "b"))));
      expect(results.slice(0, 30).filter((r) => r.ok)).toHaveLength(3);
      expect(results.slice(30).every((r) => r.ok)).toBe(true);
      // Embedded: no round trips at all; Redis-backed: one per 100 admissions, not one each.
      expect(stores().roundTrips - before).toBeLessThanOrEqual(stores().mode === "embedded" ? 0 : 2);
    });

    it("counts stream opens per minute, refusing past the budget without taking a slot", async () => {
      const limits = { maxStreams: 10, opensPerMinute: 2 };
      expect((await stores().presence.admitStream(admission("carol", "s1", "a", limits))).ok).toBe(true);
      expect((await stores().presence.admitStream(admission("carol", "s2", "a", limits))).ok).toBe(true);
      const refused = await stores().presence.admitStream(admission("carol", "s3", "a", limits));
      expect(refused).toMatchObject({ ok: false, refused: "rate" });
      expect(refused.ok === false && "retryAfterS" in refused && refused.retryAfterS).toBeGreaterThanOrEqual(1);
    });

    it("answers the user's inbox version and refuses a signed-out session, before taking anything", async () => {
      await stores().inbox.markRead("hana", ["1700000000000-0"]);
      await stores().directory.setFollowing("hana", ["deploys"]);
      const version = await stores().inbox.getVersion("hana");
      expect(version).toBeGreaterThan(0);
      const limits = { maxStreams: 1, opensPerMinute: 1 };
      await stores().credentials.revokeSession("sess-out", Date.now() + 60_000);
      expect(await stores().presence.admitStream({ ...admission("hana", "s0", "a", limits), sessionId: "sess-out" })).toEqual({ ok: false, refused: "signed-out" });
      // The refusal took neither the slot nor the connect budget: the next open, from a live session, gets both.
      expect(await stores().presence.admitStream({ ...admission("hana", "s1", "a", limits), sessionId: "sess-in" })).toEqual({ ok: true, following: ["deploys"], inboxVersion: version, replacedOlder: false });
      expect(await stores().presence.admitStream(admission("ivan", "s1", "a"))).toMatchObject({ ok: true, inboxVersion: 0 });
    });

    it("hands a rotated stream's slot over to its browser's next admission, at the limit, on any instance", async () => {
      const limits = { maxStreams: 1 };
      const browser = (slotId: string, instanceId: string) => ({ ...admission("jude", slotId, instanceId, limits), browserId: "laptop" });
      expect((await stores().presence.admitStream(browser("s1", "a"))).ok).toBe(true);
      await stores().presence.handOverStream("jude", "s1", "a");
      expect((await stores().presence.admitStream(browser("s2", "b"))).ok).toBe(true);
      // The slot is the new stream's: another browser is still over the limit.
      expect(await stores().presence.admitStream({ ...admission("jude", "s3", "a", limits), browserId: "phone" })).toMatchObject({ ok: false, refused: "streams" });
    });

    it("lets a browser's new stream replace its older one, wherever it is, so the limit counts browsers", async () => {
      const received: BusMessage[] = [];
      const subscription = stores().log.subscribe((m) => received.push(m));
      await subscription.ready;
      const limits = { maxStreams: 2 };
      const browser = (slotId: string, browserId: string, instanceId: string) => ({ ...admission("erin", slotId, instanceId, limits), browserId });
      expect((await stores().presence.admitStream(browser("s1", "laptop", "a"))).ok).toBe(true);
      expect((await stores().presence.admitStream(browser("s2", "phone", "b"))).ok).toBe(true);
      // At the limit, the laptop's reload still gets in, on another instance: its older stream is told to end.
      expect(await stores().presence.admitStream(browser("s3", "laptop", "b"))).toMatchObject({ ok: true, replacedOlder: true });
      await until(() => received.some((m) => m.type === "stream-replaced"));
      expect(received.filter((m) => m.type === "stream-replaced")).toEqual([{ type: "stream-replaced", userId: "erin", slotId: "s1" }]);
      // A third browser is over the limit; a stream without a browser id replaces nothing.
      expect(await stores().presence.admitStream(browser("s4", "tablet", "a"))).toMatchObject({ ok: false, refused: "streams" });
      expect(await stores().presence.admitStream(admission("erin", "s5", "a", limits))).toMatchObject({ ok: false, refused: "streams" });
      // A released stream is replaced by nobody: its browser's next stream just takes a free slot.
      await stores().presence.releaseStream("erin", "s3", "b");
      expect((await stores().presence.admitStream(browser("s6", "laptop", "a"))).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      expect(received.filter((m) => m.type === "stream-replaced")).toHaveLength(1);
      subscription.close();
    });

    it("frees every slot of an instance that stops, at once", async () => {
      const limits = { maxStreams: 2 };
      await stores().presence.reportPresence("stopping", new Map([["all", 2]]), 0, 60_000);
      expect((await stores().presence.admitStream(admission("frank", "s1", "stopping", limits))).ok).toBe(true);
      expect((await stores().presence.admitStream(admission("frank", "s2", "stopping", limits))).ok).toBe(true);
      expect((await stores().presence.admitStream(admission("frank", "s3", "other", limits))).ok).toBe(false);
      await stores().presence.removePresence("stopping");
      expect(await stores().presence.liveInstances()).toEqual([]);
      expect((await stores().presence.admitStream(admission("frank", "s3", "other", limits))).ok).toBe(true);
      expect((await stores().presence.admitStream(admission("frank", "s4", "other", limits))).ok).toBe(true);
    });

    it("reclaims an instance's slots as its open streams after an outage, within the limit beside the others", async () => {
      const limits = { maxStreams: 3 };
      for (const [slot, instance] of [["s1", "a"], ["s2", "a"], ["s3", "b"]] as const) {
        expect((await stores().presence.admitStream(admission("gina", slot, instance, limits))).ok).toBe(true);
      }
      // s2 closed while the store was away (or a refused admission took it): a holds only s1 now.
      expect(await stores().presence.reclaimSlots({ userId: "gina", instanceId: "a", slotIds: ["s1"], maxStreams: 3, maxStreamMs: 60_000 })).toEqual([]);
      expect((await stores().presence.admitStream(admission("gina", "s4", "b", limits))).ok).toBe(true);
      expect((await stores().presence.admitStream(admission("gina", "s5", "b", limits))).ok).toBe(false);
      // a's slots had lapsed while it was cut off and b let more in: a keeps what fits, oldest first, and names the rest.
      expect(await stores().presence.reclaimSlots({ userId: "gina", instanceId: "a", slotIds: ["s1", "s6", "s7"], maxStreams: 3, maxStreamMs: 60_000 })).toEqual(["s6", "s7"]);
      expect((await stores().presence.admitStream(admission("gina", "s8", "b", limits))).ok).toBe(false);
      expect(await stores().presence.reclaimSlots({ userId: "gina", instanceId: "a", slotIds: [], maxStreams: 3, maxStreamMs: 60_000 })).toEqual([]);
      expect((await stores().presence.admitStream(admission("gina", "s9", "b", limits))).ok).toBe(true);
    });

    it("tells a report whether its instance had stopped counting as alive", async () => {
      expect(await stores().presence.reportPresence("p", new Map(), 0, 60_000)).toEqual({ lapsed: stores().mode !== "embedded" });
      expect(await stores().presence.reportPresence("p", new Map(), 0, 60_000)).toEqual({ lapsed: false });
    });
  });
}
