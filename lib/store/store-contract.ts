// One contract suite for every Store: the embedded and the Upstash adapters
// must behave the same (run by memory.test.ts and upstash.test.ts).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compareIds } from "../ids";
import { collapseScope } from "../audience";
import { funnelMember, type BusMessage, type NewNotification, type Store, type TokenRecord } from "./types";
import { until } from "@/testing/until";

export interface StoreFixture {
  store: Store;
  cleanup(): Promise<void>;
}

const alert = (title: string, audience: NewNotification["audience"] = { kind: "all" }): NewNotification => ({
  title,
  body: `body of ${title} — ünïcode ✓, "quotes", commas`,
  severity: "info",
  audience,
  sender: { id: "u_admin", name: "Admin" },
});

export function runStoreContract(name: string, make: (options: { historyMax: number }) => Promise<StoreFixture>) {
  describe(`${name} store contract`, () => {
    let fixture: StoreFixture;
    let store: Store;
    beforeEach(async () => {
      fixture = await make({ historyMax: 50 });
      store = fixture.store;
    });
    afterEach(async () => fixture.cleanup());

    it("mints strictly increasing ids and keeps every field", async () => {
      const published = [];
      for (let i = 0; i < 20; i++) published.push(await store.publish(alert(`n${i}`)));
      for (let i = 1; i < published.length; i++) expect(compareIds(published[i]!.id, published[i - 1]!.id)).toBeGreaterThan(0);
      const { events } = await store.eventsAfter("0-0", 100);
      expect(events).toEqual(published);
      expect(events[0]!.createdAt).toBe(new Date(Number(events[0]!.id.split("-")[0])).toISOString());
      expect(await store.latestId()).toBe(published.at(-1)!.id);
    });

    it("pages forwards and backwards by id", async () => {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await store.publish(alert(`n${i}`))).id);
      expect((await store.eventsAfter(ids[1]!, 2)).events.map((n) => n.id)).toEqual([ids[2], ids[3]]);
      expect((await store.eventsBefore(ids[3]!, 2)).map((n) => n.id)).toEqual([ids[2], ids[1]]);
      expect((await store.eventsBefore(null, 2)).map((n) => n.id)).toEqual([ids[4], ids[3]]);
    });

    it("says reset when events after the id were trimmed away", async () => {
      const first = await store.publish(alert("first"));
      for (let i = 0; i < 300; i++) await store.publish(alert(`n${i}`));
      expect((await store.eventsAfter(first.id, 10)).reset).toBe(true);
      const latest = (await store.latestId())!;
      expect((await store.eventsAfter(latest, 10)).reset).toBe(false);
    });

    it("keeps read state: single ids, then a watermark", async () => {
      const a = await store.publish(alert("a"));
      const b = await store.publish(alert("b"));
      await store.markRead("alice", [a.id]);
      let state = await store.getInboxState("alice");
      expect([...state.readIds]).toEqual([a.id]);
      expect(state.watermark).toBeNull();
      await store.markAllRead("alice", b.id);
      state = await store.getInboxState("alice");
      expect(state.watermark).toBe(b.id);
      await store.markAllRead("alice", a.id); // never moves back
      expect((await store.getInboxState("alice")).watermark).toBe(b.id);
      expect((await store.getInboxState("bob")).watermark).toBeNull();
    });

    it("keeps the seen watermark (forward only) and archives one by one or all read", async () => {
      const [a, b, c] = [await store.publish(alert("a")), await store.publish(alert("b")), await store.publish(alert("c"))];
      await store.markSeen("alice", b.id);
      await store.markSeen("alice", a.id); // never moves back
      expect((await store.getInboxState("alice")).seenUpTo).toBe(b.id);
      await store.archive("alice", [c.id]);
      expect([...(await store.getInboxState("alice")).archivedIds]).toEqual([c.id]);
      await store.markAllRead("alice", a.id);
      await store.markRead("alice", [b.id]);
      await store.archiveAllRead("alice");
      const state = await store.getInboxState("alice");
      expect(state.archivedUpTo).toBe(a.id);
      expect([...state.archivedIds].sort(compareIds)).toEqual([b.id, c.id]);
      // Once the watermark covers archived ids, they need no entry of their own.
      await store.markAllRead("alice", c.id);
      await store.archiveAllRead("alice");
      expect((await store.getInboxState("alice")).archivedUpTo).toBe(c.id);
      expect((await store.getInboxState("alice")).archivedIds.size).toBe(0);
      expect((await store.getInboxState("bob")).archivedIds.size).toBe(0);
    });

    it("knows the newest id per collapse scope", async () => {
      const scope = collapseScope({ audience: { kind: "all" }, collapseKey: "deploy:42" })!;
      await store.publish({ ...alert("building"), collapseKey: "deploy:42" });
      const live = await store.publish({ ...alert("live"), collapseKey: "deploy:42" });
      await store.publish({ ...alert("other audience"), collapseKey: "deploy:42", audience: { kind: "channel", channel: "deploys" } });
      const latest = await store.latestInCollapseScopes([scope, "all\nnever-used"]);
      expect([...latest]).toEqual([[scope, live.id]]);
      expect((await store.eventsByIds([live.id]))[0]!.collapseKey).toBe("deploy:42");
    });

    it("records funnels: counts, once per member, latency percentiles, recipients and their labels", async () => {
      const n = await store.publish(alert("funnel"));
      const other = await store.publish(alert("untouched"));
      await store.recordFunnel([{ notificationId: n.id, stage: "targeted", count: 3 }]);
      await store.recordFunnel([
        { notificationId: n.id, stage: "delivered", count: 2 },
        { notificationId: n.id, stage: "delivered", member: funnelMember.user("bob"), count: 0 },
      ]);
      for (const [browser, latencyMs] of [["b1", 120], ["b2", 40], ["b1", 999], ["b3", 300]] as const) {
        await store.recordFunnel([{ notificationId: n.id, stage: "displayed", member: funnelMember.browser(browser), count: 1, latencyMs }]);
      }
      await store.recordFunnel(
        [
          { notificationId: n.id, stage: "displayed", member: funnelMember.user("alice"), count: 0 },
          { notificationId: n.id, stage: "read", member: funnelMember.user("alice"), count: 1 },
          { notificationId: n.id, stage: "read", member: funnelMember.user("alice"), count: 1 },
        ],
        { id: "alice", label: "Alice <alice@example.com>" },
      );
      const [funnel, none] = await store.funnels([n.id, other.id]);
      expect(funnel).toEqual({ counts: { targeted: 3, delivered: 2, displayed: 3, read: 1, opened: 0 }, latency: { p50: 120, p95: 300, max: 300 } });
      expect(none).toEqual({ counts: { targeted: 0, delivered: 0, displayed: 0, read: 0, opened: 0 }, latency: null });
      const counted = await store.publish(alert("targeted as it goes out"), 4);
      expect((await store.funnels([counted.id]))[0]!.counts.targeted).toBe(4);
      const stages = await store.funnelRecipients(n.id);
      expect(Object.fromEntries([...stages].map(([user, s]) => [user, [...s].sort()]))).toEqual({ alice: ["displayed", "read"], bob: ["delivered"] });
      expect([...(await store.userLabels(["alice", "bob"]))]).toEqual([["alice", "Alice <alice@example.com>"]]);
      // A large report goes in several calls and loses nothing.
      const many = Array.from({ length: 2_500 }, (_, i) => ({ notificationId: other.id, stage: "delivered" as const, member: funnelMember.user(`user-${i}`), count: 1 }));
      await store.recordFunnel(many);
      expect((await store.funnels([other.id]))[0]!.counts.delivered).toBe(2_500);
      expect((await store.funnelRecipients(other.id)).size).toBe(2_500);
    });

    it("lists channels, learns new ones from publishes, and keeps follows per user", async () => {
      expect((await store.listChannels()).map((c) => c.name)).toContain("deploys");
      await store.publish(alert("x", { kind: "channel", channel: "payments" }));
      expect((await store.listChannels()).map((c) => c.name)).toContain("payments");
      await store.setFollowing("alice", ["deploys", "payments"]);
      expect(await store.getFollowing("alice")).toEqual(["deploys", "payments"]);
      await store.setFollowing("alice", []);
      expect(await store.getFollowing("alice")).toEqual([]);
    });

    it("stores tokens by hash, lists them per user, revokes only the owner's", async () => {
      const record: TokenRecord = {
        id: "t_1", userId: "alice", email: "alice@example.com", name: "Alice",
        label: "ci", hash: "h1", createdAt: new Date().toISOString(), lastUsedAt: null,
      };
      await store.createToken(record);
      expect(await store.findTokenByHash("h1")).toEqual(record);
      expect(await store.tokenExists("t_1")).toBe(true);
      expect(await store.findTokenByHash("nope")).toBeNull();
      await store.touchToken("t_1", "2026-01-01T00:00:00.000Z");
      expect((await store.listTokens("alice"))[0]!.lastUsedAt).toBe("2026-01-01T00:00:00.000Z");
      expect(await store.listTokens("bob")).toEqual([]);
      expect(await store.deleteToken("bob", "t_1")).toBe(false);
      expect(await store.deleteToken("alice", "t_1")).toBe(true);
      expect(await store.findTokenByHash("h1")).toBeNull();
      expect(await store.tokenExists("t_1")).toBe(false);
    });

    it("tells subscribers which token was revoked", async () => {
      const received: BusMessage[] = [];
      const subscription = store.subscribe((m) => received.push(m));
      await subscription.ready;
      await store.createToken({ id: "t_2", userId: "alice", email: "a@x", name: "A", label: "x", hash: "h2", createdAt: "", lastUsedAt: null });
      await store.deleteToken("alice", "t_2");
      await until(() => received.length === 1);
      expect(received[0]).toEqual({ type: "token-revoked", tokenId: "t_2" });
      subscription.close();
    });

    it("keeps a signed-out session refused until its expiry and tells subscribers", async () => {
      const received: BusMessage[] = [];
      const subscription = store.subscribe((m) => received.push(m));
      await subscription.ready;
      expect(await store.isSessionRevoked("s_1")).toBe(false);
      await store.revokeSession("s_1", Date.now() + 60_000);
      await store.revokeSession("s_short", Date.now() + 150);
      expect(await store.isSessionRevoked("s_1")).toBe(true);
      expect(await store.isSessionRevoked("s_short")).toBe(true);
      expect(await store.isSessionRevoked("s_2")).toBe(false);
      await until(() => received.length === 2);
      expect(received[0]).toEqual({ type: "session-revoked", sessionId: "s_1" });
      subscription.close();
      // The record lasts the session's lifetime, not for ever.
      await until(async () => !(await store.isSessionRevoked("s_short")));
      expect(await store.isSessionRevoked("s_1")).toBe(true);
    });

    it("finds stored notifications by id, leaving out ids it never stored", async () => {
      const [a, , c] = [await store.publish(alert("a")), await store.publish(alert("b")), await store.publish(alert("c"))];
      const found = await store.eventsByIds([c!.id, "1-0", a!.id, "99999999999999-0", c!.id]);
      expect(found).toEqual([a, c]);
      expect(await store.eventsByIds([])).toEqual([]);
    });

    it("sums presence over live instances and forgets expired ones", async () => {
      await store.reportPresence("a", new Map([["all", 3], ["user:alice", 2]]), 5, 60_000);
      await store.reportPresence("b", new Map([["all", 1], ["user:alice", 1]]), 2, 200);
      expect(await store.countElsewhere("user:alice", "a")).toBe(1);
      expect(await store.countElsewhere("user:alice", "c")).toBe(3);
      expect((await store.liveInstances()).sort((x, y) => x.id.localeCompare(y.id))).toEqual([
        { id: "a", connections: 3 },
        { id: "b", connections: 1 },
      ]);
      await new Promise((r) => setTimeout(r, 300));
      expect(await store.liveInstances()).toEqual([{ id: "a", connections: 3 }]);
      expect((await store.counters()).delivered).toBe(7);
    });

    const admission = (userId: string, slotId: string, instanceId: string, limits: { maxStreams?: number; opensPerMinute?: number } = {}) => ({
      userId,
      slotId,
      instanceId,
      maxStreams: limits.maxStreams ?? 3,
      opensPerMinute: limits.opensPerMinute ?? 100,
      maxStreamMs: 60_000,
      instanceTtlMs: 30_000,
    });

    it("admits streams up to the per-user limit over every instance, and frees a slot on release", async () => {
      await store.setFollowing("alice", ["deploys"]);
      expect(await store.admitStream(admission("alice", "s1", "a"))).toEqual({ ok: true, following: ["deploys"] });
      expect((await store.admitStream(admission("alice", "s2", "a"))).ok).toBe(true);
      expect((await store.admitStream(admission("alice", "s3", "b"))).ok).toBe(true);
      for (const instance of ["a", "b"]) {
        expect(await store.admitStream(admission("alice", `s4${instance}`, instance))).toMatchObject({ ok: false, refused: "streams" });
      }
      expect((await store.admitStream(admission("bob", "s1", "a"))).ok).toBe(true);
      await store.releaseStream("alice", "s1", "a");
      expect((await store.admitStream(admission("alice", "s5", "b"))).ok).toBe(true);
    });

    it("holds the limit exactly when many streams of one user ask at once, and a storm of asks costs round trips per batch", async () => {
      const before = store.roundTrips;
      const results = await Promise.all(Array.from({ length: 150 }, (_, i) => store.admitStream(admission(i < 30 ? "dave" : `user${i}`, `s${i}`, i % 2 ? "a" : "b"))));
      expect(results.slice(0, 30).filter((r) => r.ok)).toHaveLength(3);
      expect(results.slice(30).every((r) => r.ok)).toBe(true);
      // Embedded: no round trips at all; Redis-backed: one per 100 admissions, not one each.
      expect(store.roundTrips - before).toBeLessThanOrEqual(store.mode === "embedded" ? 0 : 2);
    });

    it("counts stream opens per minute, refusing past the budget without taking a slot", async () => {
      const limits = { maxStreams: 10, opensPerMinute: 2 };
      expect((await store.admitStream(admission("carol", "s1", "a", limits))).ok).toBe(true);
      expect((await store.admitStream(admission("carol", "s2", "a", limits))).ok).toBe(true);
      const refused = await store.admitStream(admission("carol", "s3", "a", limits));
      expect(refused).toMatchObject({ ok: false, refused: "rate" });
      expect(refused.ok === false && refused.retryAfterS).toBeGreaterThanOrEqual(1);
    });

    it("limits a key to its budget and says when to retry", async () => {
      const results = [];
      // An hour's window: a minute's could turn over between the calls (the fourth then passes; seen once).
      for (let i = 0; i < 4; i++) results.push(await store.rateLimit("test-key", 3, 3600));
      expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
      expect(results[3]!.retryAfterS).toBeGreaterThanOrEqual(1);
      expect((await store.rateLimit("other-key", 3, 3600)).ok).toBe(true);
    });

    it("delivers publish, read and follows messages to a subscriber until it closes", async () => {
      const received: BusMessage[] = [];
      const subscription = store.subscribe((m) => received.push(m));
      await subscription.ready;
      const n = await store.publish(alert("bus"));
      await store.publishInboxEvent("alice", { event: "read", data: { all: true, upTo: null, unreadCount: 0, unseenCount: 0, unreadAsOf: null } });
      await store.setFollowing("alice", ["deploys"]);
      await until(() => received.length === 3);
      expect(received[0]).toEqual({ type: "notification", notification: n });
      expect(received[1]).toEqual({
        type: "inbox",
        userId: "alice",
        change: { event: "read", data: { all: true, upTo: null, unreadCount: 0, unseenCount: 0, unreadAsOf: null } },
      });
      expect(received[2]).toEqual({ type: "follows", userId: "alice", following: ["deploys"] });
      subscription.close();
      await store.publish(alert("after close"));
      await new Promise((r) => setTimeout(r, 100));
      expect(received).toHaveLength(3);
      expect((await store.counters()).published).toBe(2);
    });
  });
}
