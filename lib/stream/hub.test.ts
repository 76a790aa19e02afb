// The hub: fan-out by audience, resume by id, inbox events, revocations.
import { describe, expect, it, vi } from "vitest";
import { collect, notificationIds } from "@/testing/sse-reader";
import { until } from "@/testing/until";
import { Hub } from "./hub";
import { alert, opened, OPTIONS, setup } from "./hub.fixture";
import { embeddedStores } from "../store/embedded";

describe("hub", () => {
  it("starts a stream with retry and a connected event naming the user and instance", async () => {
    const { open } = setup();
    const { stream } = await open("alice");
    expect(stream.retry).toBe(3_000);
    const connected = JSON.parse(stream.events[0]!.data);
    expect(connected).toMatchObject({ userId: "alice", instance: "test" });
    expect(typeof connected.connectionId).toBe("string");
  });

  it("fans out by audience: everyone, one user, followers of a channel", async () => {
    const { store, open } = setup();
    await store.directory.setFollowing("bob", ["deploys"]);
    const alice = await open("alice");
    const bob = await open("bob");
    const a = await store.log.publish(alert("to all"));
    const b = await store.log.publish(alert("to alice", { kind: "user", userId: "alice" }));
    const c = await store.log.publish(alert("to deploys", { kind: "channel", channel: "deploys" }));
    await alice.stream.waitFor((e) => notificationIds(e).length === 2);
    await bob.stream.waitFor((e) => notificationIds(e).length === 2);
    expect(notificationIds(alice.stream.events)).toEqual([a.id, b.id]);
    expect(notificationIds(bob.stream.events)).toEqual([a.id, c.id]);
  });

  it("on shutdown, leaves the store first (presence, then every slot), then ends each stream with reconnect; nothing renews its presence", async () => {
    const { store, hub, open } = setup({ presenceIntervalMs: 20 });
    const order: string[] = [];
    const report = store.presence.reportPresence.bind(store.presence);
    store.presence.reportPresence = async (...args) => (order.push("report"), report(...args));
    const remove = store.presence.removePresence.bind(store.presence);
    store.presence.removePresence = async (id) => (order.push("remove"), remove(id));
    const streams = [await open("alice"), await open("bob")];
    await until(async () => (await store.presence.liveInstances()).length === 1);
    order.length = 0;
    await hub.shutdown();
    for (const { stream } of streams) {
      await stream.ended;
      expect(stream.events.at(-1)?.event).toBe("reconnect");
    }
    expect(order).toEqual(["report", "remove"]);
    expect(await store.presence.liveInstances()).toEqual([]);
    expect(hub.resources()).toMatchObject({ connections: 0, timers: 0 });
  });

  it("follows a channel change on open streams", async () => {
    const { store, open } = setup();
    const alice = await open("alice");
    await store.directory.setFollowing("alice", ["incidents"]);
    const n = await store.log.publish(alert("incident", { kind: "channel", channel: "incidents" }));
    await alice.stream.waitFor((e) => notificationIds(e).includes(n.id));
  });

  it("releases every listener and timer when many streams are aborted", async () => {
    const { store, hub, open } = setup({ heartbeatMs: 100 });
    const streams = await Promise.all(Array.from({ length: 300 }, (_, i) => open(`user-${i % 30}`)));
    expect(hub.resources()).toMatchObject({ connections: 300, subscriptions: 1 });
    expect(store.subscriberCount).toBe(1);
    for (const s of streams) s.abort();
    await Promise.all(streams.map((s) => s.stream.ended));
    expect(hub.resources()).toEqual({ connections: 0, users: 0, subscriptions: 0, timers: 0 });
    expect(store.subscriberCount).toBe(0);
    expect(hub.localCount("all")).toBe(0);
  });

  it("releases everything when the reader cancels the stream", async () => {
    const { store, hub } = setup();
    const stream = hub.open({ userId: "alice", following: [], lastEventId: null });
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(hub.resources().connections).toBe(0);
    expect(store.subscriberCount).toBe(0);
  });

  it("resumes after Last-Event-ID with exactly the missed notifications, then goes live", async () => {
    const { store, open } = setup();
    const first = await store.log.publish(alert("one"));
    const missed = [await store.log.publish(alert("two")), await store.log.publish(alert("three", { kind: "user", userId: "alice" }))];
    await store.log.publish(alert("for bob", { kind: "user", userId: "bob" }));
    const alice = await open("alice", first.id);
    await alice.stream.waitFor((e) => notificationIds(e).length === 2);
    const live = await store.log.publish(alert("four"));
    await alice.stream.waitFor((e) => notificationIds(e).length === 3);
    expect(notificationIds(alice.stream.events)).toEqual([...missed.map((n) => n.id), live.id]);
  });

  it("never duplicates an event published while the replay runs", async () => {
    const { store, hub } = setup();
    const first = await store.log.publish(alert("zero"));
    for (let i = 0; i < 1_200; i++) await store.log.publish(alert(`n${i}`));
    const stream = collect(hub.open({ userId: "alice", following: [], lastEventId: first.id }));
    // Published while the 3-page replay is still reading the log.
    const during = await Promise.all([store.log.publish(alert("during-1")), store.log.publish(alert("during-2"))]);
    await stream.waitFor((e) => notificationIds(e).includes(during[1]!.id));
    const ids = notificationIds(stream.events);
    expect(ids).toHaveLength(1_202);
    expect(new Set(ids).size).toBe(ids.length);
    const all = await store.log.eventsAfter(first.id, 2_000);
    expect(ids).toEqual(all.events.map((n) => n.id));
  });

  it("sends reset when the last id is older than the history kept", async () => {
    const store = embeddedStores(10);
    const hub = new Hub(store, OPTIONS);
    const old = await store.log.publish(alert("old"));
    for (let i = 0; i < 20; i++) await store.log.publish(alert(`n${i}`));
    const stream = collect(hub.open({ userId: "alice", following: [], lastEventId: old.id }));
    await stream.waitFor((e) => e.some((x) => x.event === "reset"));
    expect(notificationIds(stream.events)).toEqual([]);
  });

  it("sends reset for an id this store never issued, then delivers live events", async () => {
    const { store, open } = setup();
    await store.log.publish(alert("before"));
    const alice = await open("alice", "99999999999999-0");
    await alice.stream.waitFor((e) => e.some((x) => x.event === "reset"));
    const live = await store.log.publish(alert("live"));
    await alice.stream.waitFor((e) => notificationIds(e).includes(live.id));
  });

  it("never writes an inbox event before a stream's connected event: one heard before it follows it", async () => {
    const store = embeddedStores(100);
    let live!: () => void;
    const subscribe = store.log.subscribe.bind(store.log);
    store.log.subscribe = (onMessage) => ({ ...subscribe(onMessage), ready: new Promise<void>((resolve) => (live = resolve)) });
    const hub = new Hub(store, OPTIONS);
    const controller = new AbortController();
    opened.push(controller);
    const stream = collect(hub.open({ userId: "alice", following: [], lastEventId: null, signal: controller.signal }));
    await store.inbox.publishInboxEvent("alice", { event: "read", data: { all: true, upTo: null, unreadCount: 0, unseenCount: 0, unreadAsOf: null, version: 0 } });
    live();
    await stream.waitFor((events) => events.some((e) => e.event === "read"));
    // Held, not dropped: a client whose feed is at `connected`'s version fetches no page, so it must hear it.
    expect(stream.events.map((e) => e.event)).toEqual(["connected", "read"]);
  });

  it("says the person's inbox version in connected, and resumes from the newest notification it heard without reading the log", async () => {
    const { store, open } = setup();
    const earlier = await store.log.publish(alert("earlier"));
    await store.inbox.markSeen("alice", earlier.id);
    const first = await open("alice");
    expect(JSON.parse(first.stream.events[0]!.data).inboxVersion).toBe(1);
    const sent = await store.log.publish(alert("heard live"));
    await first.stream.waitFor((e) => notificationIds(e).includes(sent.id));
    const eventsAfter = vi.spyOn(store.log, "eventsAfter");
    // A planned rotation: the next stream resumes from the newest heard, so nothing was missed.
    await open("alice", sent.id);
    expect(eventsAfter).not.toHaveBeenCalled();
    // One resuming from before it reads the log and gets it.
    const behind = await open("alice", earlier.id);
    await behind.stream.waitFor((e) => notificationIds(e).includes(sent.id));
    expect(eventsAfter).toHaveBeenCalled();
  });

  it("tells a stream resuming from an id older than the store's whole history (it restarted) that the server started over", async () => {
    const { store, open } = setup();
    const sent = await store.log.publish(alert("after the restart"));
    const [ms] = sent.id.split("-");
    for (const stranger of [`${Number(ms) - 5_000}-0`, `${Number(ms) - 1}-3`]) {
      const resumed = await open("alice", stranger);
      await resumed.stream.waitFor((e) => e.some((x) => x.event === "reset"));
      expect(resumed.stream.events.map((e) => [e.event, e.event === "reset" ? e.data : ""])).toEqual([
        ["connected", ""],
        ["reset", JSON.stringify({ startedOver: true })],
      ]);
    }
  });

  it("sends inbox events (read, seen, archived) to the user's streams only", async () => {
    const { store, open } = setup();
    const alice = await open("alice");
    const bob = await open("bob");
    const counts = { unreadCount: 0, unseenCount: 0, unreadAsOf: null, version: 0 };
    await store.inbox.publishInboxEvent("alice", { event: "read", data: { all: true, upTo: null, ...counts } });
    await store.inbox.publishInboxEvent("alice", { event: "seen", data: { upTo: "1-0", ...counts } });
    await store.inbox.publishInboxEvent("alice", { event: "archived", data: { ids: ["1-0"], ...counts } });
    await alice.stream.waitFor((e) => e.some((x) => x.event === "archived"));
    const inbox = alice.stream.events.filter((x) => x.event !== "connected");
    expect(inbox.map((x) => x.event)).toEqual(["read", "seen", "archived"]);
    expect(JSON.parse(inbox[1]!.data)).toEqual({ upTo: "1-0", ...counts });
    await new Promise((r) => setTimeout(r, 20));
    expect(bob.stream.events.map((x) => x.event)).toEqual(["connected"]);
  });

  it("replays only the newest notification per collapse scope to a resuming stream", async () => {
    const { store, open } = setup();
    const first = await store.log.publish(alert("before"));
    const deploy = (title: string, channel?: string) =>
      store.log.publish({ ...alert(title), collapseKey: "deploy:42", ...(channel ? { audience: { kind: "channel" as const, channel } } : {}) });
    await deploy("Deploy 42: building");
    await deploy("Deploy 42: testing");
    const last = await deploy("Deploy 42: live");
    const other = await deploy("Deploy 42 for #deploys", "deploys");
    await store.directory.setFollowing("alice", ["deploys"]);
    const alice = await open("alice", first.id);
    await alice.stream.waitFor((e) => notificationIds(e).includes(other.id));
    expect(notificationIds(alice.stream.events)).toEqual([last.id, other.id]);
  });

  it("counts each delivery for the funnel, and for user audiences whose", async () => {
    const { store, open } = setup({ deliveryReportMs: 50 });
    const alice = await open("alice");
    const bob = await open("bob");
    const all = await store.log.publish(alert("all"));
    const direct = await store.log.publish({ ...alert("direct"), audience: { kind: "user", userId: "bob" } });
    await bob.stream.waitFor((e) => notificationIds(e).includes(direct.id));
    await alice.stream.waitFor((e) => notificationIds(e).includes(all.id));
    await until(async () => (await store.funnel.funnels([direct.id]))[0]!.counts.delivered === 1);
    expect((await store.funnel.funnels([all.id]))[0]!.counts.delivered).toBe(2);
    expect([...(await store.funnel.funnelRecipients(direct.id))]).toEqual([["bob", new Set(["delivered"])]]);
  });

  it("ends the streams of a signed-out session or a revoked token with reconnect, and only theirs", async () => {
    const { store, open } = setup();
    const later = Date.now() + 3_600_000;
    await store.credentials.createToken({ id: "t1", userId: "alice", email: "a@x", name: "A", label: "x", hash: "h", createdAt: "", lastUsedAt: null });
    const signedOut = await open("alice", null, { kind: "session", sessionId: "s1", expiresAt: later });
    const otherSession = await open("alice", null, { kind: "session", sessionId: "s2", expiresAt: later });
    const token = await open("alice", null, { kind: "token", tokenId: "t1" });
    await store.credentials.revokeSession("s1", later);
    await signedOut.stream.ended;
    expect(signedOut.stream.events.map((e) => e.event)).toEqual(["connected", "reconnect"]);
    await store.credentials.deleteToken("alice", "t1");
    await token.stream.ended;
    expect(token.stream.events.map((e) => e.event)).toEqual(["connected", "reconnect"]);
    const n = await store.log.publish(alert("still here"));
    await otherSession.stream.waitFor((e) => notificationIds(e).includes(n.id));
  });

  it("rotates a session's stream when the session expires, and refuses to start one already signed out", async () => {
    const { store, hub } = setup({ heartbeatMs: 50 });
    const expiring = collect(hub.open({ userId: "alice", following: [], lastEventId: null, credential: { kind: "session", sessionId: "s1", expiresAt: Date.now() + 300 } }));
    await expiring.ended;
    expect(expiring.events.map((e) => e.event)).toEqual(["connected", "reconnect"]);
    await store.credentials.revokeSession("gone", Date.now() + 60_000);
    const revoked = collect(hub.open({ userId: "alice", following: [], lastEventId: null, credential: { kind: "session", sessionId: "gone", expiresAt: Date.now() + 60_000 } }));
    await revoked.ended;
    expect(revoked.events.map((e) => e.event)).toEqual(["reconnect"]);
  });
});
