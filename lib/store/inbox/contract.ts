// What every backend of inbox state must do (run against each by contract.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareIds } from "../../shared/ids";
import { alert, useStores, type MakeStores } from "../contract-fixture";
import { isArchived, isRead, isSnoozed } from "./marks";
import type { InboxStore } from "./types";

export function runInboxContract(name: string, make: MakeStores) {
  describe(`${name}: inbox state`, () => {
    const stores = useStores(make);

    it("reads many people's mutes in one go, none for someone who never chose", async () => {
      const muted = { mutedChannels: ["ops"], muteBelow: "warning" as const, desktopNotifications: true };
      await stores().inbox.setPreferences("alice", muted);
      const read = await stores().inbox.preferencesOf(["alice", "bob"]);
      expect(read.get("alice")).toEqual(muted);
      expect(read.get("bob")).toEqual({ mutedChannels: [], muteBelow: null, desktopNotifications: false });
      expect(await stores().inbox.preferencesOf([])).toEqual(new Map());
    });

    it("keeps read state: single ids, then a watermark", async () => {
      const a = await stores().log.publish(alert("a"));
      const b = await stores().log.publish(alert("b"));
      await stores().inbox.markRead("alice", [a.id]);
      let state = await stores().inbox.getInboxState("alice");
      expect([...state.readIds]).toEqual([a.id]);
      expect(state.watermark).toBeNull();
      await stores().inbox.markAllRead("alice", b.id, Date.now());
      state = await stores().inbox.getInboxState("alice");
      expect(state.watermark).toBe(b.id);
      await stores().inbox.markAllRead("alice", a.id, Date.now()); // never moves back
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
      await stores().inbox.markAllRead("alice", a.id, Date.now());
      await stores().inbox.markRead("alice", [b.id]);
      await stores().inbox.archiveAllRead("alice");
      const state = await stores().inbox.getInboxState("alice");
      expect(state.archivedUpTo).toBe(a.id);
      expect([...state.archivedIds].sort(compareIds)).toEqual([b.id, c.id]);
      // Once the watermark covers archived ids, they need no entry of their own.
      await stores().inbox.markAllRead("alice", c.id, Date.now());
      await stores().inbox.archiveAllRead("alice");
      expect((await stores().inbox.getInboxState("alice")).archivedUpTo).toBe(c.id);
      expect((await stores().inbox.getInboxState("alice")).archivedIds.size).toBe(0);
      expect((await stores().inbox.getInboxState("bob")).archivedIds.size).toBe(0);
    });

    it("mark all read keeps what was read after its id, and loses no mark made at the same time", async () => {
      const [a, b, c] = [await stores().log.publish(alert("a")), await stores().log.publish(alert("b")), await stores().log.publish(alert("c"))];
      await stores().inbox.markRead("alice", [a.id, c.id]);
      await Promise.all([stores().inbox.markAllRead("alice", b.id, Date.now()), stores().inbox.markRead("alice", [c.id])]);
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
      await stores().inbox.markAllRead("hana", b.id, Date.now());
      await stores().inbox.archiveAllRead("hana");
      await stores().inbox.markUnread("hana", [a.id]);
      await stores().inbox.unarchive("hana", [a.id]);
      await stores().inbox.snooze("hana", [b.id], Date.now() + 60_000, Date.now());
      expect((await stores().inbox.getInboxState("hana")).version).toBe(8);
      expect((await stores().inbox.getInboxState("ivan")).version).toBe(0);
    });

    it("marks unread and moves back from the archive below the watermarks, and archiving what is read leaves those out", async () => {
      const [a, b, c] = ["1000-0", "1000-1", "2000-0"];
      const inbox = stores().inbox;
      await inbox.markAllRead("alice", b, Date.now());
      await inbox.archiveAllRead("alice");
      await inbox.markUnread("alice", [a]);
      await inbox.unarchive("alice", [a, b]);
      let state = await inbox.getInboxState("alice");
      expect([isRead(a, state), isRead(b, state), isRead(c, state)]).toEqual([false, true, false]);
      expect([isArchived(a, state), isArchived(b, state), isArchived(c, state)]).toEqual([false, false, false]);
      // Archive read again: b (read) goes, a (unread) stays in the inbox.
      await inbox.archiveAllRead("alice");
      state = await inbox.getInboxState("alice");
      expect([isArchived(a, state), isArchived(b, state)]).toEqual([false, true]);
      await inbox.markRead("alice", [a]);
      state = await inbox.getInboxState("alice");
      expect(isRead(a, state)).toBe(true);
      expect(state.unreadIds.size).toBe(0);
    });

    it("snoozes until a time, unread; mark all read leaves what is snoozed for later unread, and archiving ends a snooze", async () => {
      const [a, b, c] = ["1000-0", "1000-1", "2000-0"];
      const inbox = stores().inbox;
      const now = Date.now();
      await inbox.markRead("alice", [a, b]);
      await inbox.snooze("alice", [a, b], now + 60_000, now);
      let state = await inbox.getInboxState("alice");
      expect([isRead(a, state), isSnoozed(a, state, now), isSnoozed(a, state, now + 60_000)]).toEqual([false, true, false]);
      expect(state.snoozedUntil.get(b)).toBe(now + 60_000);
      await inbox.markAllRead("alice", c, now);
      state = await inbox.getInboxState("alice");
      expect([isRead(a, state), isRead(b, state), isRead(c, state)]).toEqual([false, false, true]);
      await inbox.snooze("alice", [a], null, now);
      await inbox.archive("alice", [b]);
      state = await inbox.getInboxState("alice");
      expect(state.snoozedUntil.size).toBe(0);
      expect(isRead(a, state)).toBe(false);
      expect((await inbox.getInboxState("bob")).snoozedUntil.size).toBe(0);
    });

    it("reads every sequence of marks as a model of read, archived and snoozed per notification says", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(inboxOperation, { minLength: 1, maxLength: 25 }), async (operations) => {
          const userId = `model-${crypto.randomUUID()}`;
          const model = new InboxModel();
          for (const operation of operations) {
            await apply(stores().inbox, userId, operation);
            model.apply(operation);
          }
          const state = await stores().inbox.getInboxState(userId);
          for (const id of MODEL_IDS) {
            expect({ id, read: isRead(id, state), archived: isArchived(id, state), snoozed: state.snoozedUntil.get(id) ?? null }).toEqual({
              id,
              ...model.of(id),
            });
          }
        }),
        { numRuns: 60 },
      );
    });
  });
}

/** A handful of ids, so random marks meet each other and the watermarks. */
const MODEL_IDS = ["1000-0", "1000-1", "1001-0", "1002-0", "1003-5", "1004-0"];
const NOW = 1_700_000_000_000;
const someModelIds = fc.uniqueArray(fc.constantFrom(...MODEL_IDS), { minLength: 1, maxLength: 4 });
const inboxOperation = fc.oneof(
  fc.record({ op: fc.constant("read" as const), ids: someModelIds }),
  fc.record({ op: fc.constant("unread" as const), ids: someModelIds }),
  fc.record({ op: fc.constant("allRead" as const), upTo: fc.constantFrom(...MODEL_IDS) }),
  fc.record({ op: fc.constant("archive" as const), ids: someModelIds }),
  fc.record({ op: fc.constant("unarchive" as const), ids: someModelIds }),
  fc.record({ op: fc.constant("archiveRead" as const) }),
  fc.record({ op: fc.constant("snooze" as const), ids: someModelIds, until: fc.constantFrom(null, NOW - 1_000, NOW + 1_000, NOW + 2_000) }),
);
type InboxOperation = typeof inboxOperation extends fc.Arbitrary<infer T> ? T : never;

async function apply(inbox: InboxStore, userId: string, o: InboxOperation) {
  if (o.op === "read") return inbox.markRead(userId, o.ids);
  if (o.op === "unread") return inbox.markUnread(userId, o.ids);
  if (o.op === "allRead") return inbox.markAllRead(userId, o.upTo, NOW);
  if (o.op === "archive") return inbox.archive(userId, o.ids);
  if (o.op === "unarchive") return inbox.unarchive(userId, o.ids);
  if (o.op === "archiveRead") return inbox.archiveAllRead(userId);
  return inbox.snooze(userId, o.ids, o.until, NOW);
}

/** What each mark means, per notification. */
class InboxModel {
  private readonly read = new Set<string>();
  private readonly archived = new Set<string>();
  private readonly snoozed = new Map<string, number>();

  apply(o: InboxOperation) {
    if (o.op === "read") for (const id of o.ids) this.read.add(id);
    if (o.op === "unread") for (const id of o.ids) this.read.delete(id);
    if (o.op === "allRead") {
      const laterUnread = (id: string) => (this.snoozed.get(id) ?? 0) > NOW && !this.read.has(id);
      for (const id of MODEL_IDS) if (compareIds(id, o.upTo) <= 0 && !laterUnread(id)) this.read.add(id);
    }
    if (o.op === "archive")
      for (const id of o.ids) {
        this.archived.add(id);
        this.snoozed.delete(id);
      }
    if (o.op === "unarchive") for (const id of o.ids) this.archived.delete(id);
    if (o.op === "archiveRead") for (const id of this.read) this.archived.add(id);
    if (o.op === "snooze") {
      for (const [id, until] of this.snoozed) if (until <= NOW) this.snoozed.delete(id);
      for (const id of o.ids) {
        if (o.until === null) this.snoozed.delete(id);
        else {
          this.snoozed.set(id, o.until);
          this.read.delete(id);
        }
      }
    }
  }

  of(id: string) {
    return { read: this.read.has(id), archived: this.archived.has(id), snoozed: this.snoozed.get(id) ?? null };
  }
}
