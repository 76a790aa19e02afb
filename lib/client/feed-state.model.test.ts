// The feed converges, as a property: random sequences of publishes (with
// collapse keys, to everyone or a channel, info or warning), marks (of one or
// several at once), unread again, archives and moves back, snoozes that come
// back as the clock ticks, Undo of "mark all read" and "archive read", and
// mute changes here and on another device, reconnects,
// and replies and events delivered late, reordered or failed, against a model
// of the server. Once the network is quiet, the feed's items, their marks and
// its counts equal the server's; also when the server restarts with an empty
// history (an embedded store) while requests, replies and events are on their
// way. The client side is feed-state.ts driven the way lib/client/feed.ts
// drives it. A page is read as the server reads it: its counts first, its
// items in a later step (read the other way round, the property fails in
// two steps: a page's read begins, a publish, quiet).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collapseScope } from "../shared/audience";
import { compareIds, isNewerId } from "../shared/ids";
import { isMuted, NO_PREFERENCES } from "../shared/preferences";
import { FIRST_PAGE_SIZE, type InboxCounts, type Notification, type NotificationPage, type NotificationWithRead, type Preferences } from "../shared/types";
import {
  addLive,
  applyArchivedEvent,
  applyPreferencesEvent,
  applyReadEvent,
  applySeenEvent,
  applySnoozedEvent,
  applyUnarchivedEvent,
  applyUnreadEvent,
  archiveLocally,
  awaitServer,
  emptyFeed,
  markReadLocally,
  markSeenLocally,
  markUnreadLocally,
  mergeFirstPage,
  revert,
  settleChange,
  snoozeLocally,
  wakeSnoozed,
  refresh,
  startOver,
  type FeedState,
  type LocalChange,
} from "./feed-state";

const PAGE = FIRST_PAGE_SIZE;

interface ServerItem extends Notification {
  read: boolean;
  /** Seen in the bell's menu (the seen watermark): read ones are seen too. */
  seen: boolean;
  archived: boolean;
  /** The clock's time it comes back, while snoozed (and after, harmless, as the store keeps it). */
  snoozedUntil: number | null;
}

type Change =
  | { kind: "read"; ids: string[] }
  | { kind: "unread"; ids: string[] }
  | { kind: "readAll" }
  | { kind: "seen"; upTo: string }
  | { kind: "archive"; ids: string[] }
  | { kind: "unarchive"; ids: string[] }
  | { kind: "archiveRead" }
  | { kind: "snooze"; ids: string[]; until: number | null }
  | { kind: "preferences"; preferences: Preferences };

type StreamEvent =
  | { event: "notification"; n: Notification }
  | { event: "read" | "unread" | "seen" | "archived" | "unarchived" | "snoozed" | "preferences"; data: never }
  | { event: "startedOver" };

/** The clock's ticks as ISO times (snoozes are until one). */
const isoAt = (tick: number) => new Date(tick * 60_000).toISOString();

const MUTES: Preferences[] = [
  NO_PREFERENCES,
  { ...NO_PREFERENCES, mutedChannels: ["everyone"] },
  { ...NO_PREFERENCES, mutedChannels: ["ops"] },
  { ...NO_PREFERENCES, muteBelow: "warning" },
];

/** The server, as lib/notifications/ (history, counts, inbox) behaves for one person. */
class ModelServer {
  items: ServerItem[] = [];
  version = 0;
  preferences = NO_PREFERENCES;

  /** `ms`: the ids' clock, which a restart does not turn back; `now`: the wall clock, in ticks. */
  constructor(
    private ms = 1_000,
    public now = 0,
  ) {}

  /** The process restarts with an empty embedded store. */
  restarted(): ModelServer {
    return new ModelServer(this.ms, this.now);
  }

  private isSnoozed(i: ServerItem) {
    return i.snoozedUntil !== null && i.snoozedUntil > this.now;
  }

  /** Snoozed, not archived, soonest back first (the page's `snoozed`). */
  snoozed(): ServerItem[] {
    return this.items.filter((i) => this.isSnoozed(i) && !i.archived).sort((a, b) => a.snoozedUntil! - b.snoozedUntil!);
  }

  private withRead(i: ServerItem): NotificationWithRead {
    const { snoozedUntil, ...n } = i;
    return { ...n, seen: i.seen || i.read, muted: false, ...(this.isSnoozed(i) ? { snoozedUntil: isoAt(snoozedUntil!) } : {}) };
  }

  publish(collapseKey: string | null, kind: number): Notification {
    const n: Notification = {
      id: `${this.ms++}-0`,
      title: "t",
      body: "",
      severity: kind % 2 ? "warning" : "info",
      audience: kind < 2 ? { kind: "all" } : { kind: "channel", channel: "ops" },
      createdAt: new Date(0).toISOString(),
      sender: { id: "u", name: "U" },
      ...(collapseKey ? { collapseKey } : {}),
    };
    this.items.push({ ...n, read: false, seen: false, archived: false, snoozedUntil: null });
    return n;
  }

  /** Newest first: not archived, snoozed or muted (the feed's view), and the newest of its collapse scope (muted or not). */
  visible(): ServerItem[] {
    const newestInScope = new Map<string, string>();
    for (const i of this.items) {
      const scope = collapseScope(i);
      if (scope) newestInScope.set(scope, i.id);
    }
    return this.items
      .filter(
        (i) => !i.archived && !this.isSnoozed(i) && !isMuted(i, this.preferences) && (!collapseScope(i) || newestInScope.get(collapseScope(i)!) === i.id),
      )
      .reverse();
  }

  counts(): InboxCounts {
    const unread = this.visible().filter((i) => !i.read);
    return {
      unreadCount: unread.length,
      unseenCount: unread.filter((i) => !i.seen).length,
      unreadAsOf: this.items.at(-1)?.id ?? null,
      version: this.version,
    };
  }

  /** This server as a page's reading of it starts: the person's inbox state and the counts it answers. */
  snapshot(): ModelServer {
    const copy = new ModelServer(this.ms, this.now);
    copy.items = this.items.map((i) => ({ ...i }));
    copy.version = this.version;
    copy.preferences = this.preferences;
    return copy;
  }

  /**
   * The page of a read that took this snapshot's counts and now reads the items of `current`, as
   * lib/notifications/history.ts does: what was published since is on it, with the marks of the snapshot
   * (unread), and is newer than its counts' `unreadAsOf`.
   */
  pageReadOn(current: ModelServer): NotificationPage {
    const counted = this.items.at(-1)?.id ?? null;
    const view = this.snapshot();
    view.items.push(...current.items.filter((i) => isNewerId(i.id, counted)).map((i) => ({ ...i, read: false, seen: false, archived: false, snoozedUntil: null })));
    return { ...view.page(), ...this.counts(), newestId: counted };
  }

  page(): NotificationPage {
    const items = this.visible()
      .slice(0, PAGE)
      .map((i) => this.withRead(i));
    const snoozed = this.snoozed().map((i) => this.withRead(i));
    const newestId = this.items.at(-1)?.id ?? null;
    return { items, ...this.counts(), nextCursor: items.length === PAGE ? items.at(-1)!.id : null, preferences: this.preferences, snoozed, newestId };
  }

  /** Applies a change; answers its counts (with the ids it changed) and the event every stream of the person hears. */
  apply(change: Change): { counts: InboxCounts; ids: string[]; event: StreamEvent } {
    this.version++;
    const latest = this.items.at(-1)?.id ?? null;
    const named = "ids" in change ? change.ids.filter((id) => this.items.some((i) => i.id === id)) : [];
    // What "all" changes, answered for its Undo: the unread ones it counted, or the read ones still in the inbox.
    const answered =
      change.kind === "readAll" ? this.visible().filter((i) => !i.read).map((i) => i.id) : change.kind === "archiveRead" ? this.items.filter((i) => i.read && !i.archived).map((i) => i.id) : named;
    for (const i of this.items) {
      const isNamed = named.includes(i.id);
      if (change.kind === "read" && isNamed) i.read = true;
      if (change.kind === "unread" && isNamed) i.read = false;
      // Snoozed for later and unread, it stays unread to come back so.
      if (change.kind === "readAll" && latest && compareIds(i.id, latest) <= 0 && !(this.isSnoozed(i) && !i.read)) i.read = true;
      if (change.kind === "seen" && compareIds(i.id, change.upTo) <= 0) i.seen = true;
      if (change.kind === "archive" && isNamed) {
        i.archived = true;
        i.snoozedUntil = null;
      }
      if (change.kind === "unarchive" && isNamed) i.archived = false;
      if (change.kind === "archiveRead" && i.read) i.archived = true;
      if (change.kind === "snooze" && isNamed) {
        i.snoozedUntil = change.until;
        if (change.until !== null) i.read = false;
      }
    }
    if (change.kind === "preferences") this.preferences = change.preferences;
    const counts = this.counts();
    const unseenIds = named.filter((id) => !this.items.find((i) => i.id === id)!.seen);
    const events: Record<Change["kind"], [string, object]> = {
      read: ["read", { ids: named }],
      readAll: ["read", { all: true, upTo: latest }],
      unread: ["unread", { ids: named, unseenIds }],
      seen: ["seen", { upTo: "upTo" in change ? change.upTo : "" }],
      archive: ["archived", { ids: named }],
      archiveRead: ["archived", { allRead: true }],
      unarchive: ["unarchived", { ids: named }],
      snooze: ["snoozed", { ids: named, until: change.kind === "snooze" && change.until !== null ? isoAt(change.until) : null }],
      preferences: ["preferences", { ...("preferences" in change ? change.preferences : {}) }],
    };
    const [event, data] = events[change.kind];
    return { counts, ids: answered, event: { event, data: { ...data, ...counts } } as StreamEvent };
  }
}

/** A page request; `counted`: its counts are read (on `server`), its items not yet. */
type Request = { kind: "page"; askedIn: number; counted?: { server: ModelServer; snapshot: ModelServer } } | { kind: "change"; change: Change; undo: LocalChange };
type Reply =
  | { kind: "page"; page: NotificationPage; askedIn: number }
  | { kind: "change"; counts: InboxCounts; undo: LocalChange; change: Change; ids: string[] }
  | { kind: "failed"; undo: LocalChange };

/** The page's side: feed-state.ts, plus what the hook does around it. */
class ModelClient {
  feed: FeedState = emptyFeed;
  events: StreamEvent[] = [];
  requests: Request[] = [];
  replies: Reply[] = [];
  /** The wall clock, in ticks: a snooze's timer fires as soon as its time has come. */
  now = 0;
  /** What the last "mark all read" or "archive read" answered: its Undo sends those back. */
  undoable: Change[] = [];
  private resyncHandled = 0;

  constructor() {
    this.askForPage(); // the first sync on start
  }

  askForPage() {
    this.requests.push({ kind: "page", askedIn: this.feed.history });
  }

  set(feed: FeedState) {
    this.feed = wakeSnoozed(feed, Date.parse(isoAt(this.now))).feed;
    // The hook's effect: a wanted refetch goes once nothing made here is in flight.
    if (feed.resync > this.resyncHandled && feed.inFlight === 0) {
      this.resyncHandled = feed.resync;
      this.askForPage();
    }
  }

  local(change: Change, apply: (f: FeedState) => { feed: FeedState; undo: LocalChange }) {
    const { feed, undo } = apply(this.feed);
    this.set(feed);
    this.requests.push({ kind: "change", change, undo });
  }

  hear(e: StreamEvent) {
    if (e.event === "notification") {
      this.set(addLive(this.feed, e.n));
      if (e.n.collapseKey !== undefined) this.askForPage();
    } else if (e.event === "startedOver") this.set(startOver(this.feed));
    else if (e.event === "read") this.set(applyReadEvent(this.feed, e.data));
    else if (e.event === "seen") this.set(applySeenEvent(this.feed, e.data));
    else if (e.event === "preferences") this.set(applyPreferencesEvent(this.feed, e.data));
    else if (e.event === "unread") this.set(applyUnreadEvent(this.feed, e.data));
    else if (e.event === "unarchived") this.set(applyUnarchivedEvent(this.feed, e.data));
    else if (e.event === "snoozed") this.set(applySnoozedEvent(this.feed, e.data));
    else this.set(applyArchivedEvent(this.feed, e.data));
  }

  receive(reply: Reply) {
    if (reply.kind === "page") this.set(mergeFirstPage(this.feed, reply.page, reply.askedIn));
    else if (reply.kind === "change") {
      this.set(settleChange(this.feed, reply.counts, reply.undo));
      if (reply.change.kind === "readAll" && reply.ids.length) this.undoable = [{ kind: "unread", ids: reply.ids }];
      if (reply.change.kind === "archiveRead" && reply.ids.length) this.undoable = [{ kind: "unarchive", ids: reply.ids }];
    }
    else this.set(revert(this.feed, reply.undo));
  }
}

type Step =
  | { op: "publish"; key: number | null; kind: number }
  | { op: "elsewhere"; change: number; pick: number }
  | { op: "here"; change: number; pick: number }
  | { op: "serve"; pick: number; fail: boolean }
  | { op: "reply"; pick: number }
  | { op: "event" }
  | { op: "reconnect" }
  | { op: "restart" }
  | { op: "hang"; lost: number }
  | { op: "tick" }
  | { op: "undo" };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("publish" as const), key: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 3 }), kind: fc.nat(3) }) },
  // Only another device changes mutes (the settings page); the feed hears them as an event.
  { weight: 2, arbitrary: fc.record({ op: fc.constant("elsewhere" as const), change: fc.nat(9), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("here" as const), change: fc.nat(8), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: "tick" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "undo" as const }) },
  // One answer in five fails (the request is refused or the network drops it).
  { weight: 3, arbitrary: fc.record({ op: fc.constant("serve" as const), pick: fc.nat(), fail: fc.nat(4).map((n) => n === 0) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("reply" as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.constant({ op: "event" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "reconnect" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "restart" as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("hang" as const), lost: fc.nat(6) }) },
);

/**
 * Which change a step makes, on what the client shows (here) or the server
 * holds (elsewhere): `ids` the inbox, `archived` and `snoozed` those lists.
 * Marks take one to three at once (a selection).
 */
function changeFor(kind: number, pick: number, lists: { ids: string[]; archived: string[]; snoozed: string[] }, now: number): Change | null {
  const some = (ids: string[]) => (ids.length ? [...new Set([0, 1, 2].slice(0, 1 + (pick % 3)).map((k) => ids[(pick + k * 7) % ids.length]!))] : null);
  const { ids } = lists;
  switch (kind) {
    case 0:
      return some(ids) && { kind: "read", ids: some(ids)! };
    case 1:
      return { kind: "readAll" };
    case 2:
      return ids.length ? { kind: "seen", upTo: ids[0]! } : null;
    case 3:
      return some(ids) && { kind: "archive", ids: some(ids)! };
    case 4:
      return { kind: "archiveRead" };
    case 5:
      return some(ids) && { kind: "unread", ids: some(ids)! };
    case 6:
      return some(lists.archived) && { kind: "unarchive", ids: some(lists.archived)! };
    case 7:
      return some(ids) && { kind: "snooze", ids: some(ids)!, until: now + 1 + (pick % 3) };
    case 8:
      return some(lists.snoozed) && { kind: "snooze", ids: some(lists.snoozed)!, until: null };
    default:
      return { kind: "preferences", preferences: MUTES[pick % MUTES.length]! };
  }
}

/** The change made here, at once, as lib/client/feed.ts makes it. */
function makeHere(client: ModelClient, change: Change) {
  if (change.kind === "read") client.local(change, (f) => markReadLocally(f, change.ids));
  else if (change.kind === "readAll") client.local(change, (f) => markReadLocally(f, "all"));
  else if (change.kind === "unread") client.local(change, (f) => markUnreadLocally(f, change.ids));
  else if (change.kind === "seen") {
    if (client.feed.unseenCount > 0) client.local(change, markSeenLocally);
  } else if (change.kind === "archive") client.local(change, (f) => archiveLocally(f, change.ids));
  else if (change.kind === "archiveRead") client.local(change, (f) => archiveLocally(f, "allRead"));
  else if (change.kind === "snooze" && change.until !== null) client.local(change, (f) => snoozeLocally(f, change.ids, isoAt(change.until!)));
  else if (change.kind !== "preferences") client.local(change, awaitServer);
}

function run(steps: Step[]) {
  let server = new ModelServer();
  const client = new ModelClient();
  // The stream resumes from the newest id it heard: one from before the restart until a new one comes.
  let resumesFromOldHistory = false;
  const serve = (index: number, fail: boolean) => {
    const [request] = client.requests.splice(index, 1);
    if (!request) return;
    if (request.kind === "page") {
      // Counts first, items in a later step: publishes, changes and other requests may come between. A restart
      // between them: the request starts again on the new process.
      if (request.counted?.server !== server) return void client.requests.push({ ...request, counted: { server, snapshot: server.snapshot() } });
      return void client.replies.push({ kind: "page", page: request.counted.snapshot.pageReadOn(server), askedIn: request.askedIn });
    }
    if (fail) return void client.replies.push({ kind: "failed", undo: request.undo });
    const { counts, ids, event } = server.apply(request.change);
    client.events.push(event);
    client.replies.push({ kind: "change", counts, undo: request.undo, change: request.change, ids });
  };
  for (const s of steps) {
    switch (s.op) {
      case "publish":
        client.events.push({ event: "notification", n: server.publish(s.key === null ? null : `k${s.key}`, s.kind) });
        break;
      case "elsewhere": {
        const archived = server.items.filter((i) => i.archived).map((i) => i.id);
        const lists = { ids: server.visible().map((i) => i.id), archived, snoozed: server.snoozed().map((i) => i.id) };
        const change = changeFor(s.change, s.pick, lists, server.now);
        if (change) client.events.push(server.apply(change).event);
        break;
      }
      case "here": {
        // The "Archived" list is read from the server when shown.
        const archived = server.items.filter((i) => i.archived).map((i) => i.id);
        const lists = { ids: client.feed.items.map((i) => i.id), archived, snoozed: client.feed.snoozed.map((i) => i.id) };
        const change = changeFor(s.change, s.pick, lists, client.now);
        if (change) makeHere(client, change);
        break;
      }
      case "undo": {
        const change = client.undoable.pop();
        if (change) makeHere(client, change);
        break;
      }
      case "tick":
        server.now++;
        client.now++;
        client.set(client.feed);
        break;
      case "serve":
        if (client.requests.length) serve(s.pick % client.requests.length, s.fail);
        break;
      case "reply":
        if (client.replies.length) client.receive(client.replies.splice(s.pick % client.replies.length, 1)[0]!);
        break;
      case "event": {
        const next = client.events.shift();
        if (next?.event === "notification") resumesFromOldHistory = false;
        if (next) client.hear(next);
        break;
      }
      case "reconnect":
        // What was in flight on the old stream is lost; `connected` makes the feed fetch the newest page.
        client.events = resumesFromOldHistory ? [{ event: "startedOver" }] : [];
        client.askForPage();
        break;
      case "hang":
        // The tab's script stopped while another tab took the stream over: what was relayed to it
        // meanwhile is lost (a restart's notice too); woken, it hears that it missed some, keeps
        // nothing and fetches the newest page (lib/client/tab-shared-stream.ts), then follows again.
        client.events.splice(0, s.lost);
        client.set(refresh(client.feed));
        break;
      case "restart":
        // Replies already on their way still arrive; requests not yet served reach the new process. The
        // stream resumes there from an id it never issued: `connected`, then a reset that says so.
        server = server.restarted();
        resumesFromOldHistory = true;
        client.events = [{ event: "startedOver" }];
        break;
    }
  }
  // Quiet: every request is answered (none fails) and everything in flight arrives.
  for (let guard = 0; client.requests.length || client.replies.length || client.events.length; guard++) {
    if (guard > 10_000) throw new Error("the network never went quiet");
    if (client.requests.length) serve(0, false);
    else if (client.events.length) client.hear(client.events.shift()!);
    else client.receive(client.replies.shift()!);
  }
  return { server, client };
}

describe("the feed converges on the server's state", () => {
  it("for random sequences of publishes, marks, unread, archives, moves back, snoozes, undos, reconnects and late, reordered or failed replies", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 70 }), (steps) => {
        const { server, client } = run(steps);
        const visible = server.visible();
        const shown = client.feed.items;
        expect(shown.map((i) => i.id)).toEqual(visible.slice(0, shown.length).map((i) => i.id));
        expect(shown.length).toBeGreaterThanOrEqual(Math.min(PAGE, visible.length));
        expect(shown.map((i) => [i.read, i.seen])).toEqual(visible.slice(0, shown.length).map((i) => [i.read, i.read || i.seen]));
        const counts = server.counts();
        expect([client.feed.unreadCount, client.feed.unseenCount]).toEqual([counts.unreadCount, counts.unseenCount]);
        const sorted = (ids: string[]) => ids.sort(compareIds);
        expect(sorted(client.feed.snoozed.map((i) => i.id))).toEqual(sorted(server.snoozed().map((i) => i.id)));
        expect(client.feed.inFlight).toBe(0);
      }),
      { numRuns: 10_000 },
    );
  });
});
