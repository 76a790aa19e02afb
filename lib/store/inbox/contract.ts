// What every backend of inbox state must do (run against each by contract.ts).
import { describe, expect, it } from "vitest";
import { compareIds } from "../../shared/ids";
import { alert, useStores, type MakeStores } from "../contract-fixture";

export function runInboxContract(name: string, make: MakeStores) {
  describe(`${name}: inbox state`, () => {
    const stores = useStores(make);

    it("keeps read state: single ids, then a watermark", async () => {
      const a = await stores().log.publish(alert("a"));
      const b = await stores().log.publish(alert("b"));
      await stores().inbox.markRead("alice", [a.id]);
      let state = await stores().inbox.getInboxState("alice");
      expect([...state.readIds]).toEqual([a.id]);
      expect(state.watermark).toBeNull();
      await stores().inbox.markAllRead("alice", b.id);
      state = await stores().inbox.getInboxState("alice");
      expect(state.watermark).toBe(b.id);
      await stores().inbox.markAllRead("alice", a.id); // never moves back
      expect((await stores().inbox.getInboxState("alice")).watermark).toBe(b.id);
      expect((await stores().inbox.getInboxState("bob")).watermark).toBeNull();
    });

    it("keeps the seen watermark (forward only) and archives one by one or all read", async () => {
      const [a, b, c] = [await stores().log.publish(alert("a")), await stores().log.publish(alert("b")), await stores().log.publish(alert("c"))];
      await stores().inbox.markSeen("alice", b.id);
      await stores().inbox.markSeen("alice", a.id); // never moves back
      expect((await stores().inbox.getInboxState("alice")).seenUpTo).toBe(b.id);
      await stores().inbox.archive("alice", [c.id]);
      expect([...(await stores().inbox.getInboxState("alice")).archivedIds]).toEqual([c.id]);
      await stores().inbox.markAllRead("alice", a.id);
      await stores().inbox.markRead("alice", [b.id]);
      await stores().inbox.archiveAllRead("alice");
      const state = await stores().inbox.getInboxState("alice");
      expect(state.archivedUpTo).toBe(a.id);
      expect([...state.archivedIds].sort(compareIds)).toEqual([b.id, c.id]);
      // Once the watermark covers archived ids, they need no entry of their own.
      await stores().inbox.markAllRead("alice", c.id);
      await stores().inbox.archiveAllRead("alice");
      expect((await stores().inbox.getInboxState("alice")).archivedUpTo).toBe(c.id);
      expect((await stores().inbox.getInboxState("alice")).archivedIds.size).toBe(0);
      expect((await stores().inbox.getInboxState("bob")).archivedIds.size).toBe(0);
    });

    it("mark all read keeps what was read after its id, and loses no mark made at the same time", async () => {
      const [a, b, c] = [await stores().log.publish(alert("a")), await stores().log.publish(alert("b")), await stores().log.publish(alert("c"))];
      await stores().inbox.markRead("alice", [a.id, c.id]);
      await Promise.all([stores().inbox.markAllRead("alice", b.id), stores().inbox.markRead("alice", [c.id])]);
      const state = await stores().inbox.getInboxState("alice");
      expect(state.watermark).toBe(b.id);
      expect([...state.readIds]).toEqual([c.id]);
    });

    it("moves a person's version on by one with every change, and reads it with the marks it stands for", async () => {
      const [a, b] = [await stores().log.publish(alert("a")), await stores().log.publish(alert("b"))];
      expect((await stores().inbox.getInboxState("hana")).version).toBe(0);
      await stores().inbox.markRead("hana", [a.id]);
      await stores().inbox.markSeen("hana", b.id);
      await stores().inbox.archive("hana", [a.id]);
      await stores().inbox.markAllRead("hana", b.id);
      await stores().inbox.archiveAllRead("hana");
      expect((await stores().inbox.getInboxState("hana")).version).toBe(5);
      expect((await stores().inbox.getInboxState("ivan")).version).toBe(0);
    });
  });
}
