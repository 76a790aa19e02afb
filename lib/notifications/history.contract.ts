// What a person's history answers, in every store mode (run by
// store/contract.ts for each backend): mutes (flagged, listed under their
// filter, in no count) and searches by words, severity, channel and dates,
// combined with paging, never finding what is not theirs. Drives
// history.ts and inbox.ts over the backend under test.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inboxCountsFor, setPreferences } from "./inbox";
import { listHistory } from "./history";
import { NO_PREFERENCES } from "../shared/preferences";
import { isNewerId } from "../shared/ids";
import { historyQuerySchema, type HistoryQuery } from "../shared/schemas";
import { alert, type MakeStores, type StoresFixture } from "../store/contract-fixture";
import type { NewNotification } from "../store/log/types";
import type { Stores } from "../store/stores";
import type { Notification, NotificationWithRead, SessionUser, Severity } from "../shared/types";

const STORE_KEY = Symbol.for("notifications.store");
const alice: SessionUser = { id: "alice", email: "alice@example.com", name: "Alice", role: "member" };

/** The query as the route parses it from a URL's parameters. */
const query = (params: Record<string, string> = {}): HistoryQuery => historyQuerySchema.parse({ limit: "50", ...params });
const titles = (items: NotificationWithRead[]) => items.map((i) => i.title);

/** Every page of a query, following nextCursor. */
async function allPages(params: Record<string, string>) {
  const seen: NotificationWithRead[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = await listHistory(alice, query({ ...params, ...(cursor ? { cursor } : {}) }));
    seen.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error("paging never ended");
}

export function runHistoryQueryContract(name: string, make: MakeStores) {
  describe(`${name}: a person's history, muted and searched`, () => {
    let fixture: StoresFixture;
    beforeEach(async () => {
      fixture = await make({ historyMax: 50 });
      (globalThis as { [STORE_KEY]?: Stores })[STORE_KEY] = fixture.stores;
      await fixture.stores.directory.setFollowing("alice", ["deploys", "ops"]);
    });
    afterEach(async () => {
      delete (globalThis as { [STORE_KEY]?: Stores })[STORE_KEY];
      await fixture.cleanup();
    });
    const publish = (title: string, audience: NewNotification["audience"], severity: Severity = "info", body = "") =>
      fixture.stores.log.publish({ ...alert(title, audience), severity, body });

    it("flags what alice mutes, lists it under its filter, and counts none of it; critical is never muted", async () => {
      await publish("broadcast info", { kind: "all" });
      await publish("deploy warning", { kind: "channel", channel: "deploys" }, "warning");
      await publish("ops info", { kind: "channel", channel: "ops" });
      await publish("everyone critical", { kind: "all" }, "critical");
      await publish("direct success", { kind: "user", userId: "alice" }, "success");
      expect((await listHistory(alice, query())).preferences).toEqual(NO_PREFERENCES);
      expect((await inboxCountsFor(alice)).unreadCount).toBe(5);

      const event = await setPreferences(alice, { mutedChannels: ["everyone", "ops"], muteBelow: "warning" });
      expect([event.unreadCount, event.unseenCount]).toEqual([2, 2]);
      const page = await listHistory(alice, query());
      expect(page.preferences).toEqual({ mutedChannels: ["everyone", "ops"], muteBelow: "warning", desktopNotifications: false });
      // A change to one preference keeps the others.
      expect(await setPreferences(alice, { desktopNotifications: true })).toMatchObject({ mutedChannels: ["everyone", "ops"], muteBelow: "warning", desktopNotifications: true });
      expect(page.items.map((i) => [i.title, i.muted])).toEqual([
        ["direct success", true],
        ["everyone critical", false],
        ["ops info", true],
        ["deploy warning", false],
        ["broadcast info", true],
      ]);
      expect([page.unreadCount, page.unseenCount, page.version]).toEqual([2, 2, event.version]);
      expect(titles((await listHistory(alice, query({ muted: "1" }))).items)).toEqual(["direct success", "ops info", "broadcast info"]);
      expect(titles((await listHistory(alice, query({ muted: "0" }))).items)).toEqual(["everyone critical", "deploy warning"]);
      // Only alice's: bob's counts and flags are his own.
      const bob = { ...alice, id: "bob", email: "bob@example.com" };
      expect((await listHistory(bob, query())).items.every((i) => !i.muted)).toBe(true);
      // Unmuted again: everything counts.
      await setPreferences(alice, NO_PREFERENCES);
      expect((await inboxCountsFor(alice)).unreadCount).toBe(5);
    });

    it("finds words in title or body, whatever their case, and only in what is addressed to her", async () => {
      await publish("Database failover", { kind: "channel", channel: "ops" }, "error", "The primary went away.");
      await publish("Deploy 4123 done", { kind: "channel", channel: "deploys" }, "success", "database migrations ran");
      await publish("Database for bob", { kind: "user", userId: "bob" });
      await publish("database in a channel she does not follow", { kind: "channel", channel: "billing" });
      await publish("Größe überschritten", { kind: "all" }, "warning", "Speicher: 95%");
      expect(titles(await allPages({ q: "DATABASE" }))).toEqual(["Deploy 4123 done", "Database failover"]);
      expect(titles(await allPages({ q: "database primary" }))).toEqual(["Database failover"]);
      expect(titles(await allPages({ q: "4123" }))).toEqual(["Deploy 4123 done"]);
      expect(titles(await allPages({ q: "größe" }))).toEqual(["Größe überschritten"]);
      expect(titles(await allPages({ q: "GRÖSSE" }))).toEqual([]); // whole words, as written (ß is not ss)
      expect(titles(await allPages({ q: "nowhere" }))).toEqual([]);
      expect(titles(await allPages({ q: "data" }))).toEqual([]); // whole words, not parts of one
    });

    it("filters by severity, channel and dates, combined with words and paging", async () => {
      const sent: Notification[] = [];
      for (let i = 0; i < 12; i++) {
        const channel = i % 3 === 0 ? "deploys" : "ops";
        sent.push(await publish(`n${i} ${i % 2 ? "odd" : "even"}`, { kind: "channel", channel }, i % 4 === 0 ? "error" : "info"));
      }
      await publish(`n12 even`, { kind: "all" }, "error");
      const expected = (keep: (i: number) => boolean) =>
        Array.from({ length: 13 }, (_, i) => i)
          .filter(keep)
          .reverse()
          .map((i) => `n${i} ${i % 2 ? "odd" : "even"}`);
      expect(titles(await allPages({ severity: "error", limit: "2" }))).toEqual(expected((i) => i % 4 === 0));
      expect(titles(await allPages({ channel: "deploys", limit: "2" }))).toEqual(expected((i) => i < 12 && i % 3 === 0));
      expect(titles(await allPages({ channel: "everyone" }))).toEqual(["n12 even"]);
      expect(titles(await allPages({ channel: "billing" }))).toEqual([]); // not followed: nothing of it is hers
      expect(titles(await allPages({ q: "even", channel: "ops", limit: "1" }))).toEqual(expected((i) => i < 12 && i % 3 !== 0 && i % 2 === 0));
      expect(titles(await allPages({ q: "odd", severity: "info", limit: "2" }))).toEqual(expected((i) => i % 2 === 1 && i % 4 !== 0));
      // Dates: the times the store minted (ids carry them), as ISO times; inclusive at both ends.
      const at = (i: number) => new Date(Number(sent[i]!.id.split("-")[0])).toISOString();
      const inRange = (await allPages({ since: at(3), until: at(8) })).map((i) => i.id);
      const msOf = (id: string) => Number(id.split("-")[0]);
      expect(inRange.length).toBeGreaterThanOrEqual(6);
      expect(inRange.every((id) => msOf(id) >= msOf(sent[3]!.id) && msOf(id) <= msOf(sent[8]!.id))).toBe(true);
      expect(inRange).toEqual(expect.arrayContaining(sent.slice(3, 9).map((n) => n.id)));
      // A whole day (UTC) holds them all; the day before holds none.
      const day = at(0).slice(0, 10);
      expect(await allPages({ since: day, until: day })).toHaveLength(13);
      const dayBefore = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      expect(await allPages({ until: dayBefore })).toHaveLength(0);
    });

    // A client keeps a notification it heard live only when it is newer than the page's `unreadAsOf`
    // (lib/client/feed-state.ts, mergeFirstPage): one published while the page is read must be on it, or newer.
    it("a notification published while the newest page is read is on the page, or newer than what its counts account for", async () => {
      await publish("before", { kind: "user", userId: "alice" });
      const { log } = fixture.stores;
      let during: Notification | null = null;
      const publishingMidRead = new Proxy(log, {
        get(target, key) {
          const value = Reflect.get(target, key, target) as unknown;
          if (typeof value !== "function") return value;
          if (key !== "eventsInIndexes") return value.bind(target);
          return async (...args: unknown[]) => {
            const read = await value.apply(target, args);
            during ??= await publish("during", { kind: "user", userId: "alice" });
            return read;
          };
        },
      });
      (globalThis as { [STORE_KEY]?: Stores })[STORE_KEY] = { ...fixture.stores, log: publishingMidRead };
      const page = await listHistory(alice, query());
      expect(during).not.toBeNull();
      const onPage = page.items.some((i) => i.id === during!.id);
      expect(onPage || isNewerId(during!.id, page.unreadAsOf), `"during" (${during!.id}) is on the page or newer than unreadAsOf (${page.unreadAsOf})`).toBe(true);
      // What the counts hold and what the page adds on top of them: each notification once.
      const added = page.items.filter((i) => isNewerId(i.id, page.unreadAsOf)).length;
      expect(page.unreadCount + added).toBe(onPage ? 2 : 1);
    });
  });
}
