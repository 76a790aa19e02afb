// What every Redis-backed store (Upstash over REST, plain Redis over TCP) must
// do with a real redis-server: constant commands per publish, one connection
// per bus subscription, and a bus that survives breaks losing nothing.
import type IORedis from "ioredis";
import { describe, expect, it } from "vitest";
import type { BusMessage } from "./types";
import { funnelMember } from "../funnel/types";
import type { NewNotification } from "../log/types";
import type { RedisClient } from "../redis/client";
import { redisBackedStores, type RedisStores } from "../redis-backed";
import { wordsOf } from "../../shared/search-words";
import { until } from "@/testing/until";

export function runRedisBusContract(
  name: string,
  fixture: { admin: () => IORedis; fresh: (historyMax?: number) => Promise<RedisStores>; client: () => RedisClient },
) {
  const admin = () => fixture.admin();
  const fresh = (historyMax?: number) => fixture.fresh(historyMax);
  const alert = (title: string): NewNotification => ({ title, body: "", severity: "info", audience: { kind: "all" }, sender: { id: "u", name: "A" } });

  /** Sum of calls per command from INFO commandstats. */
  async function commandCalls(): Promise<Record<string, number>> {
    const info = await admin().info("commandstats");
    const calls: Record<string, number> = {};
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[m[1]!] = Number(m[2]);
    return calls;
  }
  const total = (calls: Record<string, number>, skip: string[] = []) =>
    Object.entries(calls).filter(([k]) => !skip.includes(k)).reduce((sum, [, n]) => sum + n, 0);

  const subscriberClients = async () =>
    ((await admin().call("CLIENT", "LIST")) as string).split("\n").filter((l) => / sub=[1-9]/.test(l)).length;

  describe(`${name}: Redis-backed store`, () => {
  it("counts the commands it sends as Upstash bills them: a history page's reads are one each", async () => {
    const store = await fresh(10_000);
    await store.log.eventsInIndexes(["all"], { before: null, after: null }, 1); // builds the indexes, once
    await store.directory.getFollowing("u_alice"); // a first sign-in's first follows, once
    const sent = () => store.commandsSent;
    const before = sent();
    await store.log.publish(alert("one script"));
    await store.inbox.getInboxState("u_alice");
    await store.log.eventsInIndexes(["all", "user:u_alice"], { before: null, after: null }, 30);
    await store.directory.getFollowing("u_alice");
    expect(sent() - before).toBe(4);
  });

  it("seeds the channel catalog once ever: a channel an admin deleted stays deleted for the next process; a release's plain descriptions still read", async () => {
    const first = await fresh(10_000);
    expect(await first.directory.deleteChannel("deploys")).toBe(true);
    await admin().hset("ntf:channels", "legacy", "Written by an older release");
    const next = redisBackedStores(name === "upstash" ? "upstash" : "redis", fixture.client(), 10_000);
    const channels = await next.directory.listChannels();
    expect(channels.map((c) => c.name)).not.toContain("deploys");
    expect(channels.find((c) => c.name === "legacy")).toEqual({ name: "legacy", description: "Written by an older release", followedByDefault: false });
  });

  it("indexes, once, a log that a release without audience indexes wrote", async () => {
    await fresh(10_000);
    // As the older release stored them: in the log only.
    const old = [
      { ...alert("to everyone"), audience: { kind: "all" } },
      { ...alert("to alice"), audience: { kind: "user", userId: "u_alice" } },
      { ...alert("to #ops"), audience: { kind: "channel", channel: "ops" } },
      { ...alert("to bob"), audience: { kind: "user", userId: "u_bob" } },
    ];
    for (const n of old) await admin().xadd("ntf:log", "*", "n", JSON.stringify(n));
    const store = redisBackedStores(name === "upstash" ? "upstash" : "redis", fixture.client(), 10_000);
    const newer = await store.log.publish({ ...alert("new, to alice"), audience: { kind: "user", userId: "u_alice" } });
    const page = await store.log.eventsInIndexes(["all", "user:u_alice", "channel:ops"], { before: null, after: null }, 10);
    expect(page.map((n) => n.title)).toEqual(["new, to alice", "to #ops", "to alice", "to everyone"]);
    expect(page[0]!.id).toBe(newer.id);
    expect((await store.log.eventsInIndexes(["user:u_bob"], { before: null, after: null }, 10)).map((n) => n.title)).toEqual(["to bob"]);
  });

  it("publishes in a constant number of Redis commands (rate limit included), whatever the subscribers", async () => {
    const store = await fresh(10_000);
    const subscriptions = [store.log.subscribe(() => {}), store.log.subscribe(() => {}), store.log.subscribe(() => {})];
    await Promise.all(subscriptions.map((s) => s.ready));
    await store.limits.rateLimit("publish:warm", 1000, 60); // loads the limiter's script once
    await store.log.publish(alert("warm-up")); // and the publish script
    await admin().config("RESETSTAT");
    for (let i = 0; i < 10; i++) {
      await store.limits.rateLimit("publish:admin", 1000, 60);
      await store.log.publish(alert(`n${i}`));
    }
    // The reads done by our own measuring connection do not count. Inside the script: the log's own writes (at
    // most 8), then the word indexes' (lib/search-words.ts): two to find words gone stale, two per word.
    const perPublish = total(await commandCalls(), ["info", "config"]) / 10;
    expect(perPublish).toBeLessThanOrEqual(8 + 2 + 2 * wordsOf(alert("n0")).length);
    subscriptions.forEach((s) => s.close());
  });

  it("counts an acknowledgement batch in as many Redis commands for 100 ids as for 1 (what POST /api/notifications/ack sends)", async () => {
    const store = await fresh(1_000);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push((await store.log.publish(alert(`n${i}`))).id);
    // MONITOR lists every command Redis receives; those a script runs inside say "lua" and are not counted.
    const monitor = await admin().monitor();
    const received: string[] = [];
    monitor.on("monitor", (_time: string, args: string[], source: string) => source !== "lua" && received.push(String(args[0]).toLowerCase()));
    const ackCost = async (batch: string[]) => {
      await new Promise((r) => setTimeout(r, 50));
      received.length = 0;
      await store.limits.rateLimit("ack:alice", 1000, 60);
      const [, found] = await Promise.all([store.directory.getFollowing("alice"), store.log.eventsByIds(batch)]);
      await store.funnel.recordFunnel(
        found.flatMap((n) => [
          { notificationId: n.id, stage: "displayed" as const, member: funnelMember.user("browser-1"), count: 1, latencyMs: 50 },
          { notificationId: n.id, stage: "displayed" as const, member: funnelMember.user("alice"), count: 0 },
        ]),
        { id: "alice", label: "Alice <alice@example.com>" },
      );
      await new Promise((r) => setTimeout(r, 50));
      return [...received];
    };
    await ackCost(ids.slice(0, 1)); // loads the scripts once
    const one = await ackCost(ids.slice(1, 2));
    const hundred = await ackCost(ids);
    monitor.disconnect();
    expect(hundred.length).toBe(one.length);
    expect(one.length).toBeLessThanOrEqual(4);
    console.log(`[measured] ${name}: an acknowledgement batch sends Redis ${one.length} commands for 1 id (${one.join(", ")}) and ${hundred.length} for 100`);
  });

  it("holds exactly one Redis connection per subscription, released on close", async () => {
    const store = await fresh();
    await until(async () => (await subscriberClients()) === 0); // earlier tests' subscriptions are gone
    const subscription = store.log.subscribe(() => {});
    await subscription.ready;
    expect(await subscriberClients()).toBe(1);
    subscription.close();
    await until(async () => (await subscriberClients()) === 0);
  });

  it("re-subscribes after the upstream stream breaks and fills the gap from the log, exactly once", async () => {
    const store = await fresh(10_000);
    const received: string[] = [];
    const subscription = store.log.subscribe((m: BusMessage) => m.type === "notification" && received.push(m.notification.title));
    await subscription.ready;
    await store.log.publish(alert("before"));
    await until(() => received.length === 1);
    // Cut the upstream subscription the way a network break or a Redis failover would.
    await admin().call("CLIENT", "KILL", "TYPE", "pubsub");
    const during = [];
    for (let i = 0; i < 5; i++) during.push((await store.log.publish(alert(`during ${i}`))).title);
    await until(() => received.length === 6);
    await store.log.publish(alert("after"));
    await until(() => received.includes("after"));
    expect(received).toEqual(["before", ...during, "after"]);
    subscription.close();
  });

  // Regression: a new subscription had no last id, so a break before its first
  // event skipped the gap fill and lost what was published meanwhile.
  it("fills the gap after a break that comes before the subscription handed on anything", async () => {
    const store = await fresh(10_000);
    await store.log.publish(alert("old")); // in the log before the subscription: never handed on
    const received: string[] = [];
    const subscription = store.log.subscribe((m: BusMessage) => m.type === "notification" && received.push(m.notification.title));
    await subscription.ready;
    await admin().call("CLIENT", "KILL", "TYPE", "pubsub");
    const during = [];
    for (let i = 0; i < 5; i++) during.push((await store.log.publish(alert(`during ${i}`))).title);
    await until(() => received.length >= 5);
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual(during);
    subscription.close();
  });

    // Regression: a subscription that broke lost what was published meanwhile.
    it("admits a stream in one round trip", async () => {
      await fresh();
      const client = fixture.client();
      let roundTrips = 0;
      const counting: RedisClient = {
        ...client,
        batch: (atomic) => {
          const batch = client.batch(atomic);
          const exec = batch.exec.bind(batch);
          batch.exec = () => (roundTrips++, exec());
          return batch;
        },
      };
      const store = redisBackedStores(name === "upstash" ? "upstash" : "redis", counting, 100);
      await store.directory.setFollowing("alice", ["deploys"]);
      roundTrips = 0;
      const admitted = await store.presence.admitStream({ userId: "alice", slotId: "s1", instanceId: "a", maxStreams: 3, opensPerMinute: 10, maxStreamMs: 60_000, instanceTtlMs: 30_000 });
      expect(admitted).toEqual({ ok: true, following: ["deploys"], inboxVersion: 0, replacedOlder: false });
      expect(roundTrips).toBe(1);
    });

    it("does not count the stream slots of an instance that stopped reporting", async () => {
      const store = await fresh();
      const request = (slotId: string, instanceId: string, instanceTtlMs: number) => ({ userId: "alice", slotId, instanceId, maxStreams: 2, opensPerMinute: 100, maxStreamMs: 60_000, instanceTtlMs });
      expect((await store.presence.admitStream(request("s1", "crashed", 200))).ok).toBe(true);
      expect((await store.presence.admitStream(request("s2", "crashed", 200))).ok).toBe(true);
      expect((await store.presence.admitStream(request("s3", "live", 30_000))).ok).toBe(false);
      await new Promise((r) => setTimeout(r, 300)); // "crashed" reports no more
      expect((await store.presence.admitStream(request("s3", "live", 30_000))).ok).toBe(true);
      expect((await store.presence.admitStream(request("s4", "live", 30_000))).ok).toBe(true);
      expect((await store.presence.admitStream(request("s5", "live", 30_000))).ok).toBe(false);
      // The crashed instance's slots went whole; only the live one's remain.
      const [processes, slots] = await Promise.all([admin().smembers("ntf:stream-processes:alice"), admin().keys("ntf:stream-slots:alice:*")]);
      expect(processes).toHaveLength(1);
      expect(slots).toEqual([`ntf:stream-slots:alice:${processes[0]}`]);
      expect(await admin().zcard(slots[0]!)).toBe(2);
    });

    it("lets a slot whose release never came lapse after the longest a stream lives", async () => {
      const store = await fresh();
      const request = (slotId: string) => ({ userId: "alice", slotId, instanceId: "live", maxStreams: 1, opensPerMinute: 100, maxStreamMs: 300, instanceTtlMs: 30_000 });
      expect((await store.presence.admitStream(request("lost"))).ok).toBe(true); // its release failed: never sent
      expect((await store.presence.admitStream(request("s2"))).ok).toBe(false);
      await new Promise((r) => setTimeout(r, 400));
      expect((await store.presence.admitStream(request("s2"))).ok).toBe(true);
    });

    it("does not count the slots of a dead process whose instance id a new process reuses", async () => {
      const crashed = await fresh();
      const request = (slotId: string) => ({ userId: "alice", slotId, instanceId: "pod-0", maxStreams: 1, opensPerMinute: 100, maxStreamMs: 60_000, instanceTtlMs: 200 });
      expect((await crashed.presence.admitStream(request("s1"))).ok).toBe(true);
      const restarted = redisBackedStores(name === "upstash" ? "upstash" : "redis", fixture.client(), 100);
      expect((await restarted.presence.admitStream(request("s2"))).ok).toBe(false); // the old process may still be alive
      await new Promise((r) => setTimeout(r, 300)); // it reports no more
      expect((await restarted.presence.admitStream(request("s2"))).ok).toBe(true);
    });

    it("leaves no subscriber connection when closed while it is still starting", async () => {
      const store = await fresh();
      await until(async () => (await subscriberClients()) === 0);
      for (let i = 0; i < 5; i++) store.log.subscribe(() => {}).close();
      const paused = store.log.subscribe(() => {});
      paused.pause(50);
      paused.close();
      await new Promise((r) => setTimeout(r, 500));
      expect(await subscriberClients()).toBe(0);
    });
  });
}
