// The feed's merge rules: whatever order live events, history pages, read
// events and replies arrive in, nothing is lost or doubled and the unread
// count equals the server's.
import { describe, expect, it } from "vitest";
import type { Notification, NotificationPage, NotificationWithRead } from "../types";
import {
  addLive,
  appendOlderPage,
  applyCount,
  applyReadEvent,
  emptyFeed,
  markReadLocally,
  MAX_FEED_ITEMS,
  mergeFirstPage,
  unmarkRead,
  type FeedState,
} from "./feed-state";

const n = (ms: number): Notification => ({
  id: `${ms}-0`,
  title: `n${ms}`,
  body: "",
  severity: "info",
  audience: { kind: "all" },
  createdAt: new Date(ms).toISOString(),
  sender: { id: "u", name: "U" },
});
const item = (ms: number, read = false): NotificationWithRead => ({ ...n(ms), read });
/** A page of the newest items (ids given newest first), as the server would answer. */
const page = (ids: number[], unreadCount: number, unreadAsOf: number | null, nextCursor: string | null = null, read = false): NotificationPage => ({
  items: ids.map((id) => item(id, read)),
  unreadCount,
  unreadAsOf: unreadAsOf === null ? null : `${unreadAsOf}-0`,
  nextCursor,
});
const ids = (f: FeedState) => f.items.map((i) => Number(i.id.split("-")[0]));

describe("feed state", () => {
  it("counts a live notification that arrived before a slower history reply once", () => {
    // The page was read on the server before 11 was published; 11 arrived live first.
    let feed = addLive(emptyFeed, n(11));
    feed = mergeFirstPage(feed, page([10, 9], 2, 10));
    expect(ids(feed)).toEqual([11, 10, 9]);
    expect(feed.unreadCount).toBe(3);
    // ...and a page that already counted 11 does not count it again.
    feed = mergeFirstPage(feed, page([11, 10, 9], 3, 11));
    expect(feed.unreadCount).toBe(3);
    feed = addLive(feed, n(12));
    expect(feed.unreadCount).toBe(4);
    expect(addLive(feed, n(12))).toBe(feed);
  });

  it("keeps a live notification that a slow refetch does not have (merge, never replace)", () => {
    let feed = mergeFirstPage(emptyFeed, page([5, 4], 0, 5, null, true));
    feed = addLive(feed, n(6));
    feed = mergeFirstPage(feed, page([5, 4], 0, 5, null, true));
    expect(ids(feed)).toEqual([6, 5, 4]);
    expect(feed.unreadCount).toBe(1);
  });

  it("drops older items a refetch cannot join onto, so a hole pages back in instead of hiding", () => {
    let feed = mergeFirstPage(emptyFeed, page([3, 2], 0, 3, "2-0", true));
    feed = appendOlderPage(feed, page([1], 0, 3, null, true));
    expect(ids(feed)).toEqual([3, 2, 1]);
    // Joins: the page reaches 2, so 1 stays below it.
    const joined = mergeFirstPage(feed, page([4, 3, 2], 1, 4, "2-0"));
    expect(ids(joined)).toEqual([4, 3, 2, 1]);
    expect(joined.nextCursor).toBe(feed.nextCursor);
    // Slept through 40 notifications: the page does not reach what was held.
    const gap = mergeFirstPage(feed, page([44, 43], 40, 44, "43-0"));
    expect(ids(gap)).toEqual([44, 43]);
    expect(gap.nextCursor).toBe("43-0");
  });

  it("applies read events, including all up to an id, with the count as of the server", () => {
    let feed = mergeFirstPage(emptyFeed, page([3, 2, 1], 3, 3));
    feed = addLive(feed, n(4));
    feed = applyReadEvent(feed, { all: true, upTo: "3-0", unreadCount: 0, unreadAsOf: "3-0" });
    expect(feed.items.map((i) => i.read)).toEqual([false, true, true, true]);
    expect(feed.unreadCount).toBe(1);
    feed = applyReadEvent(feed, { ids: ["4-0"], unreadCount: 0, unreadAsOf: "4-0" });
    expect(feed.unreadCount).toBe(0);
    expect(feed.items[0]!.read).toBe(true);
  });

  it("marks read at once and undoes exactly what it changed", () => {
    const feed = mergeFirstPage(emptyFeed, { ...page([3, 2, 1], 5, 3), items: [item(3), item(2, true), item(1)] });
    const { feed: marked, undo } = markReadLocally(feed, "all");
    expect(undo.ids).toEqual(["3-0", "1-0"]);
    expect(marked.unreadCount).toBe(0);
    const undone = unmarkRead(marked, undo);
    expect(undone.items.map((i) => i.read)).toEqual([false, true, false]);
    expect(undone.unreadCount).toBe(5);
    const one = markReadLocally(feed, ["3-0", "2-0"]);
    expect(one.undo.ids).toEqual(["3-0"]);
    expect(one.feed.unreadCount).toBe(4);
    expect(unmarkRead(one.feed, one.undo).unreadCount).toBe(5);
  });

  it("bumps the count's version on every server count, so an older reply can be told apart", () => {
    const feed = mergeFirstPage(emptyFeed, page([1], 1, 1));
    expect(applyCount(feed, { unreadCount: 0, unreadAsOf: "1-0" }).countVersion).toBe(feed.countVersion + 1);
  });

  it("holds at most MAX_FEED_ITEMS; the rest is one Load more away", () => {
    let feed = mergeFirstPage(emptyFeed, page([], 0, null));
    for (let i = 1; i <= MAX_FEED_ITEMS + 50; i++) feed = addLive(feed, n(i));
    expect(feed.items).toHaveLength(MAX_FEED_ITEMS);
    expect(feed.items[0]!.id).toBe(`${MAX_FEED_ITEMS + 50}-0`);
    expect(feed.nextCursor).toBe(feed.items.at(-1)!.id);
    expect(feed.unreadCount).toBe(MAX_FEED_ITEMS + 50);
  });
});
