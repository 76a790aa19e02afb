import { afterEach, describe, expect, it, vi } from "vitest";
import { collect, notificationIds } from "@/testing/sse-reader";
import { until } from "@/testing/until";
import { embeddedStores } from "../store/embedded/stores";
import type { NewNotification } from "../store/log/types";
import type { Audience } from "../types";
import { Hub, streamLifetimeMs, type HubOptions, type StreamCredential } from "./hub";

const OPTIONS: HubOptions = {
  instanceId: "test",
  heartbeatMs: 60_000,
  maxDurationMs: 300_000,
  retryMs: 3_000,
  queueMaxBytes: 1_048_576,
};

function alert(title: string, audience: Audience = { kind: "all" }): NewNotification {
  return { title, body: "", severity: "info", audience, sender: { id: "u_admin", name: "Admin" } };
}

const opened: AbortController[] = [];
afterEach(() => {
  for (const controller of opened.splice(0)) controller.abort();
});

function setup(options: Partial<HubOptions> = {}, historyMax = 10_000) {
  const store = embeddedStores(historyMax);
  const hub = new Hub(store, { ...OPTIONS, ...options });
  /** As the route opens one: the bus marked, then the admission's reads (the sign-out check, follows, inbox version). */
  const open = async (userId: string, lastEventId: string | null = null, credential: StreamCredential | null = null) => {
    const controller = new AbortController();
    opened.push(controller);
    const admitted = { liveMark: hub.liveMark(), at: Date.now(), inboxVersion: await store.inbox.getVersion(userId) };
    const stream = collect(hub.open({ userId, following: await store.directory.getFollowing(userId), lastEventId, credential, signal: controller.signal, admitted }));
    await stream.waitFor((events) => events.some((e) => e.event === "connected"));
    return { stream, abort: () => controller.abort() };
  };
  return { store, hub, open };
}

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
    await store.inbox.markSeen("alice", "1-0");
    const first = await open("alice");
    expect(JSON.parse(first.stream.events[0]!.data).inboxVersion).toBe(1);
    const sent = await store.log.publish(alert("heard live"));
    await first.stream.waitFor((e) => notificationIds(e).includes(sent.id));
    const eventsAfter = vi.spyOn(store.log, "eventsAfter");
    // A planned rotation: the next stream resumes from the newest heard, so nothing was missed.
    await open("alice", sent.id);
    expect(eventsAfter).not.toHaveBeenCalled();
    // One resuming from before it reads the log and gets it.
    const behind = await open("alice", "1-0");
    await behind.stream.waitFor((e) => notificationIds(e).includes(sent.id));
    expect(eventsAfter).toHaveBeenCalled();
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

  it("checks a stream's sign-in with the store only when its admission did not run through a live subscription; through one it remembers revocations", async () => {
    const { store, hub, open } = setup();
    const checks = vi.spyOn(store.credentials, "isSessionRevoked");
    const session = (sessionId: string): StreamCredential => ({ kind: "session", sessionId, expiresAt: Date.now() + 60_000 });
    await open("alice", null, session("s1"));
    expect(checks).toHaveBeenCalledTimes(1);
    await open("alice", null, session("s2"));
    expect(checks).toHaveBeenCalledTimes(1);
    // Revoked after its admission asked the store, before this stream started: it heard of it through the live subscription.
    const admitted = { liveMark: hub.liveMark(), at: Date.now(), inboxVersion: 0 };
    await store.credentials.revokeSession("s3", Date.now() + 60_000);
    const late = collect(hub.open({ userId: "alice", following: [], lastEventId: null, credential: session("s3"), admitted }));
    await late.ended;
    expect(late.events.map((e) => e.event)).toEqual(["reconnect"]);
    expect(checks).toHaveBeenCalledTimes(1);
    // Opened without an admission made while the bus was live: the store is asked.
    const unadmitted = collect(hub.open({ userId: "alice", following: [], lastEventId: null, credential: session("s4") }));
    await unadmitted.waitFor((events) => events.some((e) => e.event === "connected"));
    expect(checks).toHaveBeenCalledTimes(2);
  });

  it("says the admission's inbox version in `connected`, and a change made after that read follows it, however early it was heard", async () => {
    const { store, hub, open } = setup();
    const first = await open("alice");
    await store.inbox.markRead("alice", ["1700000000000-0"]);
    const admitted = { liveMark: hub.liveMark(), at: Date.now(), inboxVersion: await store.inbox.getVersion("alice") };
    const getVersion = vi.spyOn(store.inbox, "getVersion");
    // A change made after the admission read the version, heard before the new stream opened.
    await store.inbox.markRead("alice", ["1700000000001-0"]);
    const counts = { unreadCount: 0, unseenCount: 0, unreadAsOf: null, version: admitted.inboxVersion + 1 };
    await store.inbox.publishInboxEvent("alice", { event: "read", data: { ids: ["1700000000001-0"], ...counts } });
    await first.stream.waitFor((events) => events.some((e) => e.event === "read"));
    const second = collect(hub.open({ userId: "alice", following: [], lastEventId: null, admitted }));
    await second.waitFor((events) => events.some((e) => e.event === "read"));
    expect(second.events.map((e) => e.event)).toEqual(["connected", "read"]);
    expect(JSON.parse(second.events[0]!.data).inboxVersion).toBe(admitted.inboxVersion);
    expect(JSON.parse(second.events[1]!.data).version).toBe(admitted.inboxVersion + 1);
    expect(getVersion).not.toHaveBeenCalled();
    // The bus broke since a mark was taken: the version is read again.
    const stale = { liveMark: -1, at: Date.now(), inboxVersion: 0 };
    const third = collect(hub.open({ userId: "alice", following: [], lastEventId: null, admitted: stale }));
    await third.waitFor((events) => events.some((e) => e.event === "connected"));
    expect(JSON.parse(third.events[0]!.data).inboxVersion).toBe(admitted.inboxVersion + 1);
    expect(getVersion).toHaveBeenCalledTimes(1);
  });

  it("tells an admin's streams, and only theirs, that something was published, whoever it was for", async () => {
    const { store, hub, open } = setup();
    const admin = collect(hub.open({ userId: "root", following: [], lastEventId: null, seesActivity: true }));
    await admin.waitFor((events) => events.some((e) => e.event === "connected"));
    const member = await open("alice");
    const sent = await store.log.publish(alert("to bob only", { kind: "user", userId: "bob" }));
    await admin.waitFor((events) => events.some((e) => e.event === "activity"));
    expect(admin.events.filter((e) => e.event === "activity").map((e) => JSON.parse(e.data))).toEqual([{ newestId: sent.id }]);
    expect(notificationIds(admin.events)).toEqual([]);
    const toAlice = await store.log.publish(alert("to alice", { kind: "user", userId: "alice" }));
    await member.stream.waitFor((events) => notificationIds(events).includes(toAlice.id));
    expect(member.stream.events.map((e) => e.event)).not.toContain("activity");
  });

  it("at a rotation, hands a browser's slot over to its next admission; a stream without a browser id, or one that ends otherwise, releases it", async () => {
    const { store, hub } = setup({ maxDurationMs: 600 });
    const released = vi.spyOn(store.presence, "releaseStream");
    const handedOver = vi.spyOn(store.presence, "handOverStream");
    const rotating = collect(hub.open({ userId: "alice", following: [], lastEventId: null, slotId: "browser-slot", browserBound: true }));
    const tokenStream = collect(hub.open({ userId: "alice", following: [], lastEventId: null, slotId: "token-slot" }));
    await Promise.all([rotating.ended, tokenStream.ended]);
    expect(handedOver.mock.calls.map((call) => call[1])).toEqual(["browser-slot"]);
    expect(released.mock.calls.map((call) => call[1])).toEqual(["token-slot"]);
    const controller = new AbortController();
    const closed = collect(hub.open({ userId: "alice", following: [], lastEventId: null, slotId: "closed-slot", browserBound: true, signal: controller.signal }));
    await closed.waitFor((events) => events.some((e) => e.event === "connected"));
    controller.abort();
    await closed.ended;
    expect(released.mock.calls.map((call) => call[1])).toEqual(["token-slot", "closed-slot"]);
  });

  it("sends heartbeats as comments and a reconnect event before the time limit, then ends", async () => {
    const { hub, open } = setup({ heartbeatMs: 50, maxDurationMs: 600 });
    const alice = await open("alice");
    await alice.stream.waitFor(() => alice.stream.comments.includes("ping"), 2_000);
    await alice.stream.ended;
    expect(alice.stream.events.at(-1)?.event).toBe("reconnect");
    expect(hub.resources().connections).toBe(0);
  });

  it("ends a stream whose client stops reading once its backlog passes the cap", async () => {
    const { store, hub } = setup({ queueMaxBytes: 20_000 });
    const stalled = hub.open({ userId: "stalled", following: [], lastEventId: null });
    const reader = stalled.getReader(); // never read again
    await reader.read();
    for (let i = 0; i < 200; i++) await store.log.publish(alert(`flood ${i} ${"x".repeat(200)}`));
    await new Promise((r) => setImmediate(r));
    expect(hub.resources().connections).toBe(0);
    await expect(reader.read()).rejects.toThrow(/not reading/);
  });

  it("gathers the events that arrive while a long fan-out is written out into one chunk", async () => {
    const { store, hub } = setup();
    const reader = (hub.open({ userId: "alice", following: [], lastEventId: null })).getReader();
    await reader.read(); // retry and connected
    const text = (chunk: Uint8Array | undefined) => new TextDecoder().decode(chunk);
    // The first event finds the hub idle and goes out alone. Reading it keeps the
    // event loop busy for 30 ms, as writing one chunk to thousands of streams does.
    const first = reader.read().then((result) => {
      const until = performance.now() + 30;
      while (performance.now() < until);
      return text(result.value);
    });
    await store.log.publish(alert("first"));
    expect(await first).toContain('"title":"first"');
    // Two publishes in later event-loop turns, after the busy fan-out ended: one chunk.
    await new Promise((r) => setImmediate(r));
    await store.log.publish(alert("second"));
    await new Promise((r) => setImmediate(r));
    await store.log.publish(alert("third"));
    const next = text((await reader.read()).value);
    expect(next.match(/event: notification/g)).toHaveLength(2);
    expect(next).toContain('"title":"third"');
    await reader.cancel();
  });

  // Issue 10.1: a flush handle of the wrong kind given to clearImmediate
  // corrupted Node's immediate count, and no flush ever ran again.
  it("keeps delivering after the last stream left while a flush waited in the batching gap", async () => {
    const { store, open } = setup();
    for (let round = 0; round < 5; round++) {
      const first = await open("alice");
      const a = await store.log.publish(alert("a"));
      await first.stream.waitFor((e) => notificationIds(e).includes(a.id));
      // Let the fan-out finish, so the next event waits out the gap on a timer.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      await store.log.publish(alert("b"));
      first.abort();
      await first.stream.ended;
    }
    const second = await open("alice");
    const c = await store.log.publish(alert("c"));
    await second.stream.waitFor((e) => notificationIds(e).includes(c.id), 2_000);
  });

  // Issue 10.4: trimming that overtakes a slow replay after its first page.
  it("sends reset when trimming overtakes a replay between its pages, and never skips silently", async () => {
    const { store, hub } = setup({}, 500);
    const ids: string[] = [];
    for (let i = 0; i < 450; i++) ids.push((await store.log.publish(alert(`n${i}`))).id);
    const reader = (hub.open({ userId: "alice", following: [], lastEventId: ids[0]! })).getReader();
    // The client reads nothing while 300 more are published: the log keeps the
    // newest 500, so ids the replay has not reached yet are trimmed.
    await new Promise((r) => setTimeout(r, 30));
    for (let i = 0; i < 300; i++) ids.push((await store.log.publish(alert(`m${i}`))).id);
    const received: string[] = [];
    let reset = false;
    const decoder = new TextDecoder();
    let text = "";
    while (!received.includes(ids.at(-1)!)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const frames = text.split("\n\n");
      text = frames.pop()!;
      for (const frame of frames) {
        if (frame.includes("event: reset")) reset = true;
        const id = /^id: (.+)$/m.exec(frame)?.[1];
        if (id) received.push(id);
      }
    }
    await reader.cancel();
    const expected = ids.slice(1);
    const missing = expected.filter((id) => !received.includes(id));
    expect(missing.length === 0 || reset, `${missing.length} missing without a reset`).toBe(true);
    expect(reset).toBe(true);
    expect(new Set(received).size).toBe(received.length);
  });

  // Issue 10.5: a report that was awaited while the last stream left and a new
  // one came set presenceTimer to null over the new timer: two report chains.
  it("reports no presence for a planned rotation: one stream closes, the next opens, the counts stay", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    try {
      const store = embeddedStores(100);
      const report = vi.spyOn(store.presence, "reportPresence");
      const hub = new Hub(store, { ...OPTIONS, presenceIntervalMs: 60_000 });
      const stream = (userId: string) => {
        const controller = new AbortController();
        opened.push(controller);
        hub.open({ userId, following: ["ops"], lastEventId: null, signal: controller.signal });
        return controller;
      };
      stream("bob"); // someone else's stream stays open throughout
      const first = stream("alice");
      await vi.advanceTimersByTimeAsync(1_000);
      expect(report).toHaveBeenCalledTimes(1);
      first.abort();
      stream("alice");
      await vi.advanceTimersByTimeAsync(1_000);
      expect(report).toHaveBeenCalledTimes(1);
      // A real change is reported, and the interval's report always goes (it renews the instance's alive key).
      stream("carol");
      await vi.advanceTimersByTimeAsync(1_000);
      expect(report).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(report).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("reports a stream that moved between instances (a browser's rotation) with the interval, not at once, on either side", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    try {
      const store = embeddedStores(100);
      const report = vi.spyOn(store.presence, "reportPresence");
      const hub = new Hub(store, { ...OPTIONS, presenceIntervalMs: 60_000, maxDurationMs: 600_000 });
      const controller = new AbortController();
      opened.push(controller);
      hub.open({ userId: "bob", following: [], lastEventId: null, signal: controller.signal });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(report).toHaveBeenCalledTimes(1);
      // Arrived from another instance, its browser's older stream still holding a slot there.
      // (Its session's expiry rotates it first: the hub's deadlines are its to pick.)
      const credential: StreamCredential = { kind: "session", sessionId: "s1", expiresAt: Date.now() + 10_000 };
      hub.open({ userId: "alice", following: [], lastEventId: null, slotId: "moved-in", browserBound: true, moved: true, credential });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(report).toHaveBeenCalledTimes(1);
      // Rotated away, handing its slot over to its browser's next stream (wherever that opens).
      await vi.advanceTimersByTimeAsync(20_000);
      expect(hub.resources().connections).toBe(1);
      expect(report).toHaveBeenCalledTimes(1);
      // The interval's report carries the counts as they are.
      await vi.advanceTimersByTimeAsync(40_000);
      expect(report).toHaveBeenCalledTimes(2);
      expect(Object.fromEntries(report.mock.calls[1]![1])).toEqual({ all: 1, "user:bob": 1 });
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps one presence report chain across a close and reopen during a slow report", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    try {
      const store = embeddedStores(100);
      let reports = 0;
      let slow = true;
      const report = store.presence.reportPresence.bind(store.presence);
      store.presence.reportPresence = async (...args) => {
        reports++;
        if (slow) {
          slow = false;
          await new Promise((r) => setTimeout(r, 500));
        }
        return report(...args);
      };
      const hub = new Hub(store, { ...OPTIONS, presenceIntervalMs: 1_000 });
      const first = new AbortController();
      hub.open({ userId: "alice", following: [], lastEventId: null, signal: first.signal });
      await vi.advanceTimersByTimeAsync(1_100); // the first report starts and waits
      first.abort(); // the last stream leaves during it...
      const second = new AbortController();
      opened.push(second);
      hub.open({ userId: "alice", following: [], lastEventId: null, signal: second.signal }); // ...and a new one comes
      await vi.advanceTimersByTimeAsync(2_000); // everything settles
      const before = reports;
      await vi.advanceTimersByTimeAsync(10_000);
      expect(reports - before).toBeLessThanOrEqual(11);
      expect(reports - before).toBeGreaterThanOrEqual(9);
    } finally {
      vi.useRealTimers();
    }
  });

  // Issue 13.4: streams opened together all reconnected together, for ever.
  it("spreads stream lifetimes over the last fifth of the limit, ending before the reconnect margin", () => {
    expect(streamLifetimeMs(300_000, 0)).toBe(295_000);
    expect(streamLifetimeMs(300_000, 1)).toBe(235_000);
    const lifetimes = Array.from({ length: 1_000 }, () => streamLifetimeMs(300_000));
    expect(Math.min(...lifetimes)).toBeGreaterThanOrEqual(235_000);
    expect(Math.max(...lifetimes)).toBeLessThanOrEqual(295_000);
    // Spread out: no tenth of that window holds more than a fifth of them.
    const buckets = new Array(10).fill(0);
    for (const ms of lifetimes) buckets[Math.min(9, Math.floor((ms - 235_000) / 6_000))]++;
    expect(Math.max(...buckets)).toBeLessThan(200);
  });

  it("ends every stream at its own deadline, whatever the order they were opened in", async () => {
    const { hub, open } = setup({ heartbeatMs: 50, maxDurationMs: 1_000 });
    const streams = await Promise.all(Array.from({ length: 20 }, () => open("alice")));
    await Promise.all(streams.map((s) => s.stream.ended));
    for (const s of streams) expect(s.stream.events.at(-1)?.event).toBe("reconnect");
    expect(hub.resources().connections).toBe(0);
  });

  // Issue 13.8, embedded: the diagnostics' bus cut recovers from the log.
  it("a paused bus delivers nothing meanwhile, then what was published during the pause, once", async () => {
    const { store, hub, open } = setup();
    const alice = await open("alice");
    expect(hub.pauseBus(200)).toBe(true);
    const during = [await store.log.publish(alert("p1")), await store.log.publish(alert("p2"))];
    await new Promise((r) => setTimeout(r, 50));
    expect(notificationIds(alice.stream.events)).toEqual([]);
    await alice.stream.waitFor((e) => notificationIds(e).length === 2, 2_000);
    const after = await store.log.publish(alert("after"));
    await alice.stream.waitFor((e) => notificationIds(e).includes(after.id));
    expect(notificationIds(alice.stream.events)).toEqual([...during.map((n) => n.id), after.id]);
  });

  it("says since when every sign-out is heard: from its subscription going live, again from the end of a break, never without one", async () => {
    const { hub, open } = setup();
    expect(hub.liveSince()).toBeNull();
    const alice = await open("alice");
    const first = hub.liveSince();
    expect(first).not.toBeNull();
    hub.pauseBus(100);
    expect(hub.liveSince()).toBeNull(); // what is sent during the break may be missed
    expect(hub.liveMark()).toBeNull();
    await until(() => (hub.liveSince() ?? 0) > first!);
    alice.abort();
    await alice.stream.ended;
    expect(hub.liveSince()).toBeNull();
  });
});
