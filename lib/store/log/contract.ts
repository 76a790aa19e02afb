// What every backend of the log and the bus must do (run against each by contract.ts).
import { describe, expect, it } from "vitest";
import { compareIds } from "../../ids";
import { collapseScope } from "../../audience";
import { until } from "@/testing/until";
import type { BusMessage } from "../bus";
import { alert, useStores, type MakeStores } from "../contract-fixture";

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
      await until(() => received.length === 3);
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
