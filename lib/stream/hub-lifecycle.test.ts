// The hub over a stream's life: admission, rotation, batching, presence, lifetimes, bus breaks.
import { describe, expect, it, vi } from "vitest";
import { collect, notificationIds } from "@/testing/sse-reader";
import { until } from "@/testing/until";
import type { StreamCredential } from "./connection";
import { Hub } from "./hub";
import { alert, opened, OPTIONS, setup } from "./hub.fixture";
import { streamLifetimeMs } from "./lifetime";
import { embeddedStores } from "../store/embedded";

describe("hub", () => {
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

  // Regression: a flush handle of the wrong kind given to clearImmediate
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

  // Regression: trimming that overtakes a slow replay after its first page.
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

  // Regression: a report that was awaited while the last stream left and a new
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

  // Regression: streams opened together all reconnected together, for ever.
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

  // Regression: the diagnostics' bus cut recovers from the log.
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

  it("a subscription still opening (the instance's first stream) does not say the bus is not heard; one that broke does", async () => {
    const { hub } = setup();
    expect(hub.busState()).toBe("idle");
    const controller = new AbortController();
    const stream = collect(hub.open({ userId: "alice", following: [], lastEventId: null, signal: controller.signal }));
    expect(hub.busState()).toBe("opening");
    await until(() => hub.busState() === "live");
    hub.pauseBus(100);
    expect(hub.busState()).toBe("not live");
    await until(() => hub.busState() === "live");
    controller.abort();
    await stream.ended;
    expect(hub.busState()).toBe("idle");
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
