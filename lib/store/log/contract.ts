// What every backend of the log and the bus must do (run against each by contract.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareIds } from "../../shared/ids";
import { audienceKey, collapseScope } from "../../shared/audience";
import { until } from "@/testing/until";
import type { BusMessage } from "../bus/types";
import { alert, useStores, type MakeStores, type StoresFixture } from "../contract-fixture";
import { THREAD_MAX } from "../../shared/threads";

export function runLogContract(name: string, make: MakeStores) {
  describe(`${name}: the log and the bus`, () => {
    const stores = useStores(make);

    it("mints strictly increasing ids and keeps every field", async () => {
      const published = [];
      for (let i = 0; i < 20; i++) published.push(await stores().log.publish(alert(`n${i}`)));
      for (let i = 1; i < published.length; i++) expect(compareIds(published[i]!.id, published[i - 1]!.id)).toBeGreaterThan(0);
      const { events } = await stores().log.eventsAfter("0-0", 100);
      expect(events).toEqual(published);
      expect(events[0]!.createdAt).toBe(new Date(Number(events[0]!.id.split("-")[0])).toISOString());
      expect(await stores().log.latestId()).toBe(published.at(-1)!.id);
    });

    it("pages forwards and backwards by id", async () => {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await stores().log.publish(alert(`n${i}`))).id);
      expect((await stores().log.eventsAfter(ids[1]!, 2)).events.map((n) => n.id)).toEqual([ids[2], ids[3]]);
      expect((await stores().log.eventsBefore(ids[3]!, 2)).map((n) => n.id)).toEqual([ids[2], ids[1]]);
      expect((await stores().log.eventsBefore(null, 2)).map((n) => n.id)).toEqual([ids[4], ids[3]]);
    });

    it("says reset when events after the id were trimmed away", async () => {
      const first = await stores().log.publish(alert("first"));
      for (let i = 0; i < 300; i++) await stores().log.publish(alert(`n${i}`));
      expect((await stores().log.eventsAfter(first.id, 10)).reset).toBe(true);
      const latest = (await stores().log.latestId())!;
      expect((await stores().log.eventsAfter(latest, 10)).reset).toBe(false);
      // Trimmed is not unknown: the log issued it.
      expect((await stores().log.eventsAfter(first.id, 10)).unknownId).toBe(false);
    });

    it("says when an id is older than its whole history (a wiped store, an embedded one restarted), and nothing of ids among what it holds", async () => {
      const log = stores().log;
      expect((await log.eventsAfter("1000-0", 10)).unknownId).toBe(true);
      const [a, b, c] = [await log.publish(alert("a")), await log.publish(alert("b")), await log.publish(alert("c"))];
      expect(await log.eventsAfter(a.id, 10)).toEqual({ events: [b, c], reset: false, unknownId: false });
      expect(await log.eventsAfter(c.id, 10)).toEqual({ events: [], reset: false, unknownId: false });
      expect(await log.eventsAfter(a.id, 1)).toEqual({ events: [b], reset: false, unknownId: false });
      const [ms, seq] = a.id.split("-");
      const before = await log.eventsAfter(`${Number(ms) - 1}-0`, 10);
      expect(before).toMatchObject({ reset: false, unknownId: true });
      // Among or after what it holds, an id never issued reads as one that was: no oracle of who got what when.
      for (const stranger of [`${ms}-${Number(seq) + 100}`, `${Number(ms) + 10 * 60_000}-0`]) expect((await log.eventsAfter(stranger, 10)).unknownId, stranger).toBe(false);
    });

    it("pages one person's audiences newest first, within a range, whatever else the log holds", async () => {
      const log = stores().log;
      const sent = [];
      for (const audience of [
        { kind: "all" },
        { kind: "user", userId: "alice" },
        { kind: "user", userId: "bob" },
        { kind: "channel", channel: "deploys" },
        { kind: "channel", channel: "ops" },
        { kind: "user", userId: "alice" },
        { kind: "all" },
      ] as const) {
        sent.push(await log.publish(alert(`to ${audienceKey(audience)}`, audience)));
      }
      const alices = ["all", "user:alice", "channel:deploys", "all"];
      const ids = (list: { id: string }[]) => list.map((n) => n.id);
      const mine = [sent[6]!, sent[5]!, sent[3]!, sent[1]!, sent[0]!];
      expect(await log.eventsInIndexes(alices, { before: null, after: null }, 10)).toEqual(mine);
      expect(ids(await log.eventsInIndexes(alices, { before: null, after: null }, 2))).toEqual(ids(mine.slice(0, 2)));
      expect(ids(await log.eventsInIndexes(alices, { before: sent[5]!.id, after: null }, 2))).toEqual([sent[3]!.id, sent[1]!.id]);
      expect(ids(await log.eventsInIndexes(alices, { before: sent[6]!.id, after: sent[1]!.id }, 10))).toEqual([sent[5]!.id, sent[3]!.id]);
      expect(await log.eventsInIndexes(["user:nobody"], { before: null, after: null }, 10)).toEqual([]);
      // Before the first id there can be: nothing (a cursor "0-0" is valid input, not a store error).
      expect(await log.eventsInIndexes(alices, { before: "0-0", after: null }, 10)).toEqual([]);
      expect(await log.eventsBefore("0-0", 10)).toEqual([]);
    });

    it("finds a sparse person's few among a busy channel's many, and forgets them with the log", async () => {
      const log = stores().log;
      const first = await log.publish(alert("yours 1", { kind: "user", userId: "alice" }));
      for (let i = 0; i < 45; i++) await log.publish(alert(`busy ${i}`, { kind: "channel", channel: "busy" }));
      const second = await log.publish(alert("yours 2", { kind: "user", userId: "alice" }));
      expect(await log.eventsInIndexes(["all", "user:alice"], { before: null, after: null }, 20)).toEqual([second, first]);
      const busy = await log.eventsInIndexes(["channel:busy"], { before: null, after: null }, 20);
      expect(busy.map((n) => n.title)).toEqual(Array.from({ length: 20 }, (_, i) => `busy ${44 - i}`));
      // HISTORY_MAX is 50 here: once the log no longer keeps them, neither does their page.
      for (let i = 0; i < 80; i++) await log.publish(alert(`more ${i}`, { kind: "channel", channel: "busy" }));
      expect(await log.eventsInIndexes(["all", "user:alice"], { before: null, after: null }, 20)).toEqual([]);
    });

    it("searches by words: finds what holds every word among what it looks at, says where to go on, and forgets it with the log", async () => {
      const log = stores().log;
      const needle = await log.publish({ ...alert("Needle in the Haystack", { kind: "user", userId: "bob" }), body: "Größe 95%" });
      for (let i = 0; i < 3; i++) await log.publish(alert(`hay ${i}`, { kind: "channel", channel: "busy" }));
      const everything = ["user:bob", "channel:busy"];
      const search = (words: string[], count = 10) => log.searchIndexes(everything, { before: null, after: null }, count, words);
      expect(await search(["needle"])).toEqual({ events: [needle], lastLookedAt: null });
      expect((await search(["größe", "95"])).events).toEqual([needle]);
      expect((await search(["needle", "absent"])).events).toEqual([]);
      // Words, not parts of words.
      expect((await search(["needl"])).events).toEqual([]);
      expect((await search(["hay"])).events.map((n) => n.title)).toEqual(["hay 2", "hay 1", "hay 0"]);
      // It looks at `count` and says the last it looked at: the needle is the fourth newest.
      const first = await search(["needle"], 2);
      expect(first.events).toEqual([]);
      const second = await log.searchIndexes(everything, { before: first.lastLookedAt, after: null }, 2, ["needle"]);
      expect(second.events).toEqual([needle]);
      // HISTORY_MAX is 50 here (Redis trims whole nodes of 100): once the log no longer keeps it, a search no longer finds it.
      for (let i = 0; i < 130; i++) await log.publish(alert(`more ${i}`, { kind: "channel", channel: "busy" }));
      expect((await log.searchIndexes(everything, { before: null, after: null }, 100, ["needle"])).events).toEqual([]);
    });

    it("publishes a batch in order in one step, leaving out a revision applied already or older than the last one", async () => {
      const log = stores().log;
      const received: string[] = [];
      const subscription = log.subscribe((m) => m.type === "notification" && received.push(m.notification.title));
      await subscription.ready;
      const firing = { ...alert("disk full"), collapseKey: "am:1" };
      const first = await log.publishAll([
        { notification: firing, revision: { signature: "firing|t1" } },
        { notification: alert("plain") },
        { notification: { ...alert("deploy: success"), collapseKey: "gh:7" }, revision: { signature: "status 12", order: 12 } },
      ]);
      expect(first.map((n) => n?.title)).toEqual(["disk full", "plain", "deploy: success"]);
      // A retried payload: the same revisions add nothing; the older status arriving late neither; a change does.
      const again = await log.publishAll([
        { notification: firing, revision: { signature: "firing|t1" } },
        { notification: { ...alert("deploy: failure"), collapseKey: "gh:7" }, revision: { signature: "status 11", order: 11 } },
        { notification: { ...alert("disk fine"), collapseKey: "am:1", status: "resolved" }, revision: { signature: "resolved|t1|t2" } },
      ]);
      expect(again.map((n) => n?.title ?? null)).toEqual([null, null, "disk fine"]);
      await until(() => received.length === 4);
      expect(received).toEqual(["disk full", "plain", "deploy: success", "disk fine"]);
      expect((await log.eventsBefore(null, 10)).map((n) => n.title)).toEqual(["disk fine", "deploy: success", "plain", "disk full"]);
      subscription.close();
    });

    it("knows the newest id per collapse scope", async () => {
      const scope = collapseScope({ audience: { kind: "all" }, collapseKey: "deploy:42" })!;
      await stores().log.publish({ ...alert("building"), collapseKey: "deploy:42" });
      const live = await stores().log.publish({ ...alert("live"), collapseKey: "deploy:42" });
      await stores().log.publish({ ...alert("other audience"), collapseKey: "deploy:42", audience: { kind: "channel", channel: "deploys" } });
      const latest = await stores().log.latestInCollapseScopes([scope, "all\nnever-used"]);
      expect([...latest]).toEqual([[scope, live.id]]);
      expect((await stores().log.eventsByIds([live.id]))[0]!.collapseKey).toBe("deploy:42");
    });

    it("keeps each collapse scope's thread: its newest THREAD_MAX, in id order, and none the log trimmed", async () => {
      const scope = collapseScope({ audience: { kind: "all" }, collapseKey: "am:disk" })!;
      const firing = await stores().log.publish({ ...alert("disk full"), collapseKey: "am:disk", status: "firing" });
      const resolved = await stores().log.publish({ ...alert("disk fine"), collapseKey: "am:disk", status: "resolved" });
      await stores().log.publish({ ...alert("elsewhere"), collapseKey: "am:disk", audience: { kind: "channel", channel: "ops" } });
      expect((await stores().log.threadsOf([scope, scope, "all\nnever-used"])).map((n) => n.id)).toEqual([firing.id, resolved.id]);
      const many = collapseScope({ audience: { kind: "all" }, collapseKey: "flapping" })!;
      const flaps: string[] = [];
      for (let i = 0; i < THREAD_MAX + 3; i++) flaps.push((await stores().log.publish({ ...alert(`flap ${i}`), collapseKey: "flapping" })).id);
      expect((await stores().log.threadsOf([many])).map((n) => n.id)).toEqual(flaps.slice(-THREAD_MAX));
      // Past HISTORY_MAX (50 here) the log trims the oldest: a thread holds none of them.
      for (let i = 0; i < 60; i++) await stores().log.publish(alert(`filler ${i}`));
      const kept = await stores().log.threadsOf([scope, many]);
      expect(kept.map((n) => n.id)).not.toContain(firing.id);
      expect(kept.length).toBeLessThan(THREAD_MAX);
    });

    it("finds stored notifications by id, leaving out ids it never stored", async () => {
      const [a, , c] = [await stores().log.publish(alert("a")), await stores().log.publish(alert("b")), await stores().log.publish(alert("c"))];
      const found = await stores().log.eventsByIds([c!.id, "1-0", a!.id, "99999999999999-0", c!.id]);
      expect(found).toEqual([a, c]);
      expect(await stores().log.eventsByIds([])).toEqual([]);
    });

    it("delivers publish, read and follows messages to a subscriber until it closes", async () => {
      const received: BusMessage[] = [];
      const subscription = stores().log.subscribe((m) => received.push(m));
      await subscription.ready;
      const n = await stores().log.publish(alert("bus"));
      await stores().inbox.publishInboxEvent("alice", { event: "read", data: { all: true, upTo: null, unreadCount: 0, unseenCount: 0, unreadAsOf: null, version: 0 } });
      await stores().directory.setFollowing("alice", ["deploys"]);
      await until(() => received.length === 4);
      // First it says it is live, and from which id on (an empty log: none); then what is sent.
      expect(received.shift()).toEqual({ type: "live", newestId: null });
      expect(received[0]).toEqual({ type: "notification", notification: n });
      expect(received[1]).toEqual({
        type: "inbox",
        userId: "alice",
        change: { event: "read", data: { all: true, upTo: null, unreadCount: 0, unseenCount: 0, unreadAsOf: null, version: 0 } },
      });
      expect(received[2]).toEqual({ type: "follows", userId: "alice", following: ["deploys"] });
      subscription.close();
      await stores().log.publish(alert("after close"));
      await new Promise((r) => setTimeout(r, 100));
      expect(received).toHaveLength(3);
      expect(await stores().log.publishedCount()).toBe(2);
    });
  });
}

/**
 * A person's page with 100,000 kept: found among them, in one
 * round trip to the store whatever it holds. `publishMany` fills the log the
 * fastest way the backend allows.
 */
export function runLargeHistoryContract(name: string, make: MakeStores) {
  describe(`${name}: a 100,000-entry history`, () => {
    let fixture: StoresFixture;
    beforeAll(async () => {
      fixture = await make({ historyMax: 100_000 });
    }, 600_000);
    afterAll(async () => fixture?.cleanup());

    it("answers a sparse person's newest page from 100,000 kept, in one round trip", async () => {
      const log = fixture.stores.log;
      const yours = [];
      const BATCH = 200;
      // Exactly 100,000 in all: four to alice, the rest to a channel she does not follow.
      for (let sent = 0; sent < 100_000; sent += BATCH) {
        const hers = sent % 25_000 === 0;
        if (hers) yours.push(await log.publish(alert(`yours ${sent}`, { kind: "user", userId: "alice" })));
        const batch = Array.from({ length: hers ? BATCH - 1 : BATCH }, (_, i) => alert(`busy ${sent + i}`, { kind: "channel", channel: "busy" }));
        // Sent together (the backends mint ids in arrival order): only the newest three are checked by title, from the last batch.
        if (sent + BATCH < 100_000) await Promise.all(batch.map((n) => log.publish(n)));
        else for (const n of batch) await log.publish(n);
      }
      // The first read of a process may build the indexes (once, from a log an older release wrote); then one round trip a page.
      await log.eventsInIndexes(["user:nobody"], { before: null, after: null }, 1);
      const before = fixture.stores.roundTrips;
      const page = await log.eventsInIndexes(["all", "user:alice", "channel:deploys"], { before: null, after: null }, 20);
      expect(fixture.stores.roundTrips - before).toBeLessThanOrEqual(1);
      expect(page.map((n) => n.title)).toEqual(yours.reverse().map((n) => n.title));
      const busy = await log.eventsInIndexes(["channel:busy"], { before: null, after: null }, 3);
      expect(busy.map((n) => n.title)).toEqual(["busy 99999", "busy 99998", "busy 99997"]);
    }, 600_000);

    it("searches a person's few among 100,000 kept in one round trip, and looks at no more than asked among everyone's", async () => {
      const log = fixture.stores.log;
      const before = fixture.stores.roundTrips;
      const found = await log.searchIndexes(["user:alice", "channel:deploys"], { before: null, after: null }, 1_000, ["yours"]);
      expect(fixture.stores.roundTrips - before).toBeLessThanOrEqual(1);
      expect(found.events.map((n) => n.title)).toEqual(["yours 75000", "yours 50000", "yours 25000", "yours 0"]);
      expect(found.lastLookedAt).toBeNull();
      const busy = await log.searchIndexes(["channel:busy"], { before: null, after: null }, 1_000, ["yours"]);
      expect(busy.events).toEqual([]);
      expect(busy.lastLookedAt).not.toBeNull();
    });
  });
}
