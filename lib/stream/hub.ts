// One hub per instance: it holds the instance's single bus subscription and
// fans every event out to the local streams it addresses. Per PERF.md the cost
// of a Next route stream is per chunk, so events arriving within one event-loop
// turn are encoded once and handed to each stream as one shared chunk.
// Around this core: connection.ts (one stream), replay.ts (resume by id),
// lifetime.ts (rotation), revocations.ts, presence-reporter.ts, delivery-tally.ts.
import { isAddressedTo } from "../audience";
import { compareIds, isNotificationId } from "../ids";
import type { BusMessage, BusSubscription } from "../store/bus";
import type { Stores } from "../store/stores";
import type { ConnectedEventData, Notification } from "../types";
import { Connection, credentialKey, type StreamCredential } from "./connection";
import { DeliveryTally } from "./delivery-tally";
import { concatChunks, encodeFrame, encodeJsonEvent } from "./encode";
import { flushGapMs } from "./flush-gap";
import { streamDeadline, tickIntervalMs } from "./lifetime";
import { PresenceReporter } from "./presence-reporter";
import { replay, RESET } from "./replay";
import { catchUpAfterBreak } from "./bus-break";
import { BusTrustedCache } from "./bus-trusted-cache";
import { RecentRevocations } from "./revocations";
import { SlotKeeper } from "./slot-keeper";

export type { StreamCredential } from "./connection";
export { streamLifetimeMs } from "./lifetime";

export interface HubOptions {
  instanceId: string;
  heartbeatMs: number;
  maxDurationMs: number;
  retryMs: number;
  /** A stream whose unread backlog passes this is ended; its client resumes by id. */
  queueMaxBytes: number;
  presenceIntervalMs?: number;
  /** How often delivery counts go to the store (the funnel). */
  deliveryReportMs?: number;
  /** A sign-out reached this instance: it stops trusting the session's cookie before its streams reconnect. */
  onSessionRevoked?: (sessionId: string) => void;
  /** MAX_CONNECTIONS_PER_USER, for reconciling slots after an outage (slot-keeper.ts). */
  maxStreamsPerUser?: number;
  /** How long a slot lives in the store at most (as the route admits it). */
  slotTtlMs?: number;
}

export interface OpenOptions {
  userId: string;
  /** The channels the user follows (read with the stream's admission). */
  following: string[];
  /** The slot the route took for this stream under the per-user limit; released when the stream ends. */
  slotId?: string;
  /** What signed the stream in: revoking it ends the stream, and so does a session's expiry. */
  credential?: StreamCredential | null;
  lastEventId: string | null;
  signal?: AbortSignal;
  /** What the route's admission read, and when (liveMark() as it began): `connected` reads nothing more. */
  admitted?: AdmittedWith;
  /** The stream was opened with a browser id (its next admission replaces this one's slot). */
  browserBound?: boolean;
  /**
   * The browser's older stream still held its slot (Presence admission's `replacedOlder`): this one moved
   * rather than arrived. Like the departure of a stream that hands its slot over, its count goes in this
   * instance's next interval report (within PRESENCE_INTERVAL_MS), not in one of its own: on Upstash
   * every report is billed, and rotations moved streams between instances every few seconds (issue 28).
   */
  moved?: boolean;
  /** An admin's: `activity` follows every batch published, so /admin refreshes its figures when they change, not by a fast poll. */
  seesActivity?: boolean;
}

export interface AdmittedWith {
  /** liveMark() just before the admission was sent (null: the bus was not live). */
  liveMark: number | null;
  /** Date.now() then. */
  at: number;
  inboxVersion: number;
}

/** Inbox changes heard are kept this long per user, for a stream whose admission read the version before it attached. */
const INBOX_MEMORY_MS = 30_000;

const PING = encodeFrame({ comment: "ping" });
const RECONNECT = encodeJsonEvent("reconnect", {});
/** How long a stream slot may outlive a stream whose instance died without releasing it. */
export const STREAM_SLOT_GRACE_MS = 60_000;
/** A catch-up after a bus break that the store could not answer is tried again this soon. */
const CATCH_UP_RETRY_MS = 2_000;
/** How long a shutdown waits for the store before it ends the streams anyway. */
const STORE_CLEANUP_MS = 3_000;
/** The browser opened a newer stream: this one ends, and its client must not come back (it would replace that one). */
const REPLACED = encodeJsonEvent("replaced", {});

export class Hub {
  private readonly connections = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  /** Users' follows, trusted while the bus stays live (every change is a `follows` message). */
  private readonly follows = new BusTrustedCache<string[]>();
  /** The streams opened with `seesActivity`. */
  private readonly activityWatchers = new Set<Connection>();
  private subscription: BusSubscription | null = null;
  /** Moves on whenever the subscription changes or breaks: the same mark at two moments means nothing was missed between. */
  private epoch = 0;
  /** When the current mark began: while it holds, every message sent since then has been heard. */
  private epochStartedAt = 0;
  /** Inbox changes heard lately, per user (INBOX_MEMORY_MS): what a just-admitted stream may have missed before it attached. */
  private readonly recentInbox = new Map<string, { at: number; version: number; chunk: Uint8Array }[]>();
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private pendingFlush: PendingFlush | null = null;
  /** The subscription once its `ready` settled (a new one is not live until then). */
  private liveSubscription: BusSubscription | null = null;
  /**
   * The newest notification heard on the subscription, or the log's newest when it went live (none after
   * a break, until it is live again): a stream
   * resuming from it, while that subscription stays live, missed nothing and reads nothing from the log
   * (a planned rotation of a quiet team costs no resume read: issue 28).
   */
  private newestHeard: { subscription: BusSubscription; id: string } | null = null;
  /** A flush's chunks are being written out (Next's pipe runs as promise chains after the flush). */
  private fanningOut = false;
  private fanOutStart = 0;
  /** The end of the last fan-out plus its gap: no flush before then. */
  private nextFlushAt = 0;
  private batch: Notification[] = [];
  /** After a bus break, live events wait until what the lost control messages would have said is read (catchUpAfterBreak). */
  private catchingUp = false;
  private catchUpTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set by shutdown(): the store has freed this instance's slots and presence, which nothing may renew. */
  private stopping = false;
  private lastHeartbeat = Date.now();
  private delivered = 0;
  private backlogPeak = 0;
  private readonly tally: DeliveryTally;
  private readonly revocations: RecentRevocations;
  private readonly presence: PresenceReporter;
  private readonly slots: SlotKeeper;

  constructor(
    private readonly store: Pick<Stores, "log" | "credentials" | "presence" | "funnel" | "directory" | "inbox">,
    private readonly options: HubOptions,
  ) {
    this.tally = new DeliveryTally(store.funnel, options.deliveryReportMs);
    this.revocations = new RecentRevocations(store.credentials);
    this.presence = new PresenceReporter(store.presence, options.instanceId, {
      hasStreams: () => this.connections.size > 0,
      onLapsed: () => this.slots.doubtAll(),
      intervalMs: options.presenceIntervalMs,
    });
    this.slots = new SlotKeeper(store.presence, {
      instanceId: options.instanceId,
      maxStreamsPerUser: options.maxStreamsPerUser ?? Number.MAX_SAFE_INTEGER,
      slotTtlMs: options.slotTtlMs ?? options.maxDurationMs + STREAM_SLOT_GRACE_MS,
      openSlots: (userId) => [...(this.byUser.get(userId) ?? [])].flatMap((c) => (c.slotId ? [c.slotId] : [])),
      openUsers: () => this.byUser.keys(),
      onDropped: (userId, slotIds) => {
        for (const connection of [...(this.byUser.get(userId) ?? [])]) if (connection.slotId && slotIds.includes(connection.slotId)) this.rotate(connection);
      },
    });
  }

  /** An admission failed (its answer lost, the store away): the store may hold a slot for it that no stream has. */
  admissionFailed(userId: string) {
    this.slots.doubt(userId);
  }

  /** Opens a stream for a user. The route checks limits before calling this. */
  open({ userId, following, slotId, credential = null, lastEventId, signal, admitted, browserBound = false, moved = false, seesActivity = false }: OpenOptions): ReadableStream<Uint8Array> {
    let connection: Connection | undefined;
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          const validLastId = lastEventId && isNotificationId(lastEventId) ? lastEventId : null;
          connection = new Connection(
            userId,
            slotId ?? null,
            credential,
            new Set(following),
            streamDeadline(this.options.maxDurationMs, credential),
            validLastId,
            controller,
            this.options.queueMaxBytes,
            (c) => this.detach(c, signal),
            this.noteBacklog,
          );
          connection.browserBound = browserBound;
          if (signal?.aborted) return connection.end();
          signal?.addEventListener("abort", connection.end, { once: true });
          this.attach(connection, moved);
          if (seesActivity) this.activityWatchers.add(connection);
          if (admitted) this.takeAdmitted(connection, admitted);
          void this.begin(connection, lastEventId);
        },
        cancel: () => connection?.release(),
      },
      // Sized in bytes so desiredSize tells how far the client is behind.
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
  }

  /** Diagnostics: ends every stream of this instance at once, as a crash would (no `reconnect` event). */
  endAllStreams(): number {
    const streams = [...this.connections];
    for (const connection of streams) connection.fail(new Error("ended by diagnostics"));
    return streams.length;
  }

  /** Diagnostics: every stream of this instance rotates now, as at its deadline. */
  rotateAllStreams(): number {
    const streams = [...this.connections];
    for (const connection of streams) this.rotate(connection);
    return streams.length;
  }

  /** Diagnostics: this instance's bus subscription drops for `ms`, then recovers; false when it holds none (no streams). */
  pauseBus(ms: number): boolean {
    if (!this.subscription) return false;
    this.subscription.pause(ms);
    return true;
  }

  /**
   * A mark of the bus subscription as live now, or null when it is not: a
   * stream admitted under a mark that still holds when it opens missed no
   * revocation or inbox change sent after its admission read the store.
   */
  liveMark(): number | null {
    return this.subscription !== null && this.subscription === this.liveSubscription ? this.epoch : null;
  }

  /**
   * Since when the bus subscription has been live without a break, or null: a
   * sign-out on any instance since then reached this hub (and its session
   * cache, through onSessionRevoked).
   */
  liveSince(): number | null {
    return this.liveMark() === null ? null : this.epochStartedAt;
  }

  /** The user's follows as this instance knows them for sure (null: read them, then learnFollowing). */
  knownFollowing(userId: string): string[] | null {
    return this.follows.get(userId, this.liveSince());
  }

  /** Follows read from the store by a read that started at `readAt`. */
  learnFollowing(userId: string, following: string[], readAt: number) {
    if (this.liveSince() !== null) this.follows.learn(userId, following, readAt);
  }

  /** Local open streams counted by presenceKey (all, user:<id>, channel:<name>). */
  localCount(key: string): number {
    return this.presence.localCount(key);
  }

  /** What the hub holds right now; all zero when no stream is open. */
  resources() {
    return {
      connections: this.connections.size,
      users: this.byUser.size,
      subscriptions: this.subscription ? 1 : 0,
      timers:
        (this.tickTimer ? 1 : 0) + (this.presence.pending ? 1 : 0) + (this.pendingFlush ? 1 : 0) + (this.slots.pending ? 1 : 0) + (this.catchUpTimer ? 1 : 0),
    };
  }

  get deliveredTotal() {
    return this.delivered;
  }

  /** The most bytes any stream has had waiting for its client; bounded by queueMaxBytes plus one chunk. */
  get backlogPeakBytes() {
    return this.backlogPeak;
  }

  /** How long this instance's presence (and so its streams' slots) counts without a new report. */
  get presenceTtlMs() {
    return this.presence.ttlMs;
  }

  private noteBacklog = (bytes: number) => {
    if (bytes > this.backlogPeak) this.backlogPeak = bytes;
  };

  private async begin(connection: Connection, lastEventId: string | null) {
    try {
      // The subscription must be live before the replay reads the log, or an
      // event published between the two would be in neither. `connected` waits
      // for it too, so it promises that whatever is published (or revoked)
      // from then on reaches this stream.
      const subscription = this.subscription;
      const wasLive = subscription !== null && subscription === this.liveSubscription;
      await subscription?.ready;
      if (subscription && subscription === this.subscription) this.markLive(subscription);
      // The admission asked the store about the session while the bus was live: a later revocation was heard.
      if (connection.credential && (await this.revocations.wasRevoked(connection.credential, connection.admittedWhileLive))) return this.rotate(connection);
      // The version, with every inbox change after it following `connected`: as the admission read it (the
      // changes heard since then are held, takeAdmitted), or read now that the subscription is live. A client
      // whose feed is at this version needs no new page (the resume brings what it missed): a planned rotation
      // costs no history read.
      const inboxVersion = connection.admittedInboxVersion ?? (await this.store.inbox.getVersion(connection.userId));
      const connected: ConnectedEventData = {
        connectionId: connection.id,
        userId: connection.userId,
        instance: this.options.instanceId,
        serverTime: new Date().toISOString(),
        heartbeatMs: this.options.heartbeatMs,
        inboxVersion,
      };
      connection.send(concatChunks([encodeFrame({ retry: this.options.retryMs }), encodeJsonEvent("connected", connected), ...connection.heldInbox]));
      connection.heldInbox = [];
      connection.started = true;
      const upToDate = wasLive && this.newestHeard?.subscription === subscription && this.newestHeard.id === lastEventId;
      if (lastEventId !== null && !upToDate) await replay(this.store.log, connection, lastEventId, this.deliver);
    } catch (error) {
      console.error(`[hub] replay failed for a stream: ${(error as Error).message}`);
      return connection.fail(new Error("replay failed"));
    }
    if (connection.closed) return;
    connection.replaying = false;
    const held = connection.held;
    connection.held = [];
    if (held.length) this.deliver(connection, held.map((n) => encodeJsonEvent("notification", n, n.id)), held, true);
  }

  /**
   * The admission ran while the bus was live and nothing broke since: the revocations and inbox changes
   * after it reached this hub (the inbox ones within INBOX_MEMORY_MS are held for `connected`).
   */
  private takeAdmitted(connection: Connection, admitted: AdmittedWith) {
    if (admitted.liveMark === null || admitted.liveMark !== this.liveMark()) return;
    // Only a session's sign-out is checked by the admission; a token was looked up before the mark.
    connection.admittedWhileLive = connection.credential?.kind === "session";
    if (Date.now() - admitted.at >= INBOX_MEMORY_MS) return;
    connection.admittedInboxVersion = admitted.inboxVersion;
    for (const change of this.recentInbox.get(connection.userId) ?? []) {
      if (change.version > admitted.inboxVersion) connection.heldInbox.push(change.chunk);
    }
  }

  private nextEpoch() {
    this.epoch++;
    this.epochStartedAt = Date.now();
  }

  private markLive(subscription: BusSubscription) {
    if (this.liveSubscription === subscription) return;
    this.liveSubscription = subscription;
    this.nextEpoch();
  }

  /** Ends the stream with `reconnect`: the client comes back at once and learns where it stands (a new stream, or 401). */
  private rotate(connection: Connection) {
    connection.send(RECONNECT);
    connection.end();
  }

  /**
   * Sends the events newer than the connection's cursor. `live` events come in
   * id order, so once one is sent the cursor is no longer needed.
   */
  private deliver = (connection: Connection, frames: Uint8Array[], events: Notification[], live: boolean) => {
    const cursor = connection.sentUpTo;
    let start = 0;
    if (cursor) {
      while (start < events.length && compareIds(events[start]!.id, cursor) <= 0) start++;
      if (start === events.length) return;
    }
    connection.sentUpTo = live ? null : events[events.length - 1]!.id;
    connection.send(concatChunks(start ? frames.slice(start) : frames));
    this.countDelivered(events.length - start);
    for (let i = start; i < events.length; i++) this.tally.add(events[i]!, connection.userId);
  };

  private onBusMessage = (message: BusMessage) => {
    switch (message.type) {
      case "notification":
        if (this.subscription) this.newestHeard = { subscription: this.subscription, id: message.notification.id };
        this.batch.push(message.notification);
        this.scheduleFlush();
        return;
      case "inbox": {
        const chunk = encodeJsonEvent(message.change.event, message.change.data);
        this.rememberInbox(message.userId, message.change.data.version, chunk);
        return this.sendToUser(message.userId, chunk);
      }
      case "follows":
        this.follows.learn(message.userId, message.following, Date.now());
        return this.updateFollowing(message.userId, message.following);
      case "session-revoked":
        this.options.onSessionRevoked?.(message.sessionId);
        return this.revoked(credentialKey({ kind: "session", sessionId: message.sessionId }));
      case "token-revoked":
        return this.revoked(credentialKey({ kind: "token", tokenId: message.tokenId }));
      case "stream-replaced":
        for (const connection of this.byUser.get(message.userId) ?? []) {
          if (connection.slotId === message.slotId) {
            connection.send(REPLACED);
            connection.end();
          }
        }
        return;
      case "gap":
        this.newestHeard = null;
        this.nextEpoch();
        // The bus lost messages the log no longer holds: every live stream may have a hole.
        for (const connection of this.connections) if (!connection.replaying) connection.send(RESET);
        return;
      case "resubscribed":
        this.newestHeard = null;
        this.nextEpoch();
        return void this.catchUpAfterBreak();
      case "interrupted":
        // Not live until it says so again: admissions and session checks ask the store meanwhile.
        this.newestHeard = null;
        this.liveSubscription = null;
        this.nextEpoch();
        return;
      case "live":
        this.newestHeard = message.newestId !== null && this.subscription ? { subscription: this.subscription, id: message.newestId } : null;
        if (this.subscription) this.markLive(this.subscription);
        return;
    }
  };

  /** Ends the streams a revoked credential opened, and remembers it for a stream that starts just after. */
  private revoked(key: string) {
    this.revocations.remember(key);
    for (const connection of [...this.connections]) if (connection.credentialKey === key) this.rotate(connection);
  }

  private scheduleFlush() {
    // During a fan-out, its end schedules the next flush.
    if (this.pendingFlush || this.fanningOut || this.catchingUp) return;
    const wait = this.nextFlushAt - performance.now();
    this.pendingFlush = wait > 0 ? { timer: setTimeout(this.flush, wait) } : { immediate: setImmediate(this.flush) };
  }

  /** Runs once the pipe's promise chains started by a flush have drained: setImmediate runs after them. */
  private fanOutDone = () => {
    this.fanningOut = false;
    const end = performance.now();
    this.nextFlushAt = end + flushGapMs(end - this.fanOutStart);
    if (this.batch.length) this.scheduleFlush();
  };

  private flush = () => {
    this.pendingFlush = null;
    this.fanningOut = true;
    this.fanOutStart = performance.now();
    setImmediate(this.fanOutDone);
    const events = this.batch;
    this.batch = [];
    const frames = events.map((n) => encodeJsonEvent("notification", n, n.id));
    const delivered = events.map((n) => this.tally.countOf(n));
    // Streams addressed by the same events share one concatenated chunk.
    const shared = new Map<string, Uint8Array>();
    for (const connection of this.connections) {
      const picked: number[] = [];
      for (let i = 0; i < events.length; i++) if (isAddressedTo(events[i]!.audience, connection)) picked.push(i);
      if (!picked.length) continue;
      if (connection.replaying) {
        for (const i of picked) connection.held.push(events[i]!);
        continue;
      }
      if (connection.sentUpTo) {
        this.deliver(connection, picked.map((i) => frames[i]!), picked.map((i) => events[i]!), true);
        continue;
      }
      const key = picked.length === events.length ? "*" : picked.join(",");
      let chunk = shared.get(key);
      if (!chunk) shared.set(key, (chunk = concatChunks(picked.map((i) => frames[i]!))));
      connection.send(chunk);
      this.countDelivered(picked.length);
      for (const i of picked) {
        const count = delivered[i]!;
        count.streams++;
        count.users?.add(connection.userId);
      }
    }
    if (!this.activityWatchers.size || !events.length) return;
    const activity = encodeJsonEvent("activity", { newestId: events.at(-1)!.id });
    for (const watcher of this.activityWatchers) if (watcher.started) watcher.send(activity);
  };

  /** Live events wait while what the break's lost control messages would have said is read again (bus-break.ts). */
  private catchUpAfterBreak = async () => {
    this.catchUpTimer = null;
    if (!this.subscription) return;
    this.catchingUp = true;
    const done = await catchUpAfterBreak(
      {
        connections: () => this.connections,
        users: () => [...this.byUser.keys()],
        updateFollowing: (userId, following) => this.updateFollowing(userId, following),
        revoked: (credential) => {
          if (credential.kind === "session") this.options.onSessionRevoked?.(credential.sessionId);
          this.revoked(credentialKey(credential));
        },
      },
      this.store.directory,
      this.revocations,
    );
    this.catchingUp = false;
    if (!done && !this.catchUpTimer) this.catchUpTimer = setTimeout(this.catchUpAfterBreak, CATCH_UP_RETRY_MS);
    if (this.batch.length) this.scheduleFlush();
  };

  private rememberInbox(userId: string, version: number, chunk: Uint8Array) {
    const now = Date.now();
    const kept = (this.recentInbox.get(userId) ?? []).filter((change) => now - change.at < INBOX_MEMORY_MS);
    kept.push({ at: now, version, chunk });
    this.recentInbox.set(userId, kept);
  }

  /** A stream not yet `connected` holds it: it follows `connected`, whose version is read before it. */
  private sendToUser(userId: string, chunk: Uint8Array) {
    for (const connection of this.byUser.get(userId) ?? []) {
      if (connection.started) connection.send(chunk);
      else connection.heldInbox.push(chunk);
    }
  }

  private updateFollowing(userId: string, following: string[]) {
    for (const connection of this.byUser.get(userId) ?? []) {
      const next = new Set(following);
      this.presence.moveFollows(connection.following, next);
      connection.following = next;
    }
    this.presence.schedule();
  }

  private tick = () => {
    const now = Date.now();
    if (now - this.lastHeartbeat >= this.options.heartbeatMs) {
      this.lastHeartbeat = now;
      for (const connection of this.connections) connection.send(PING);
    }
    // Lifetimes differ (streamLifetimeMs), so every stream is looked at: a
    // comparison each per tick, at most one tick a second.
    for (const connection of this.connections) {
      if (connection.deadline > now) continue;
      connection.handsOverSlot = connection.browserBound;
      this.rotate(connection);
    }
    for (const [userId, changes] of this.recentInbox) {
      if (now - changes.at(-1)!.at >= INBOX_MEMORY_MS) this.recentInbox.delete(userId);
    }
  };

  private attach(connection: Connection, moved: boolean) {
    if (!this.subscription) {
      this.subscription = this.store.log.subscribe(this.onBusMessage);
      this.nextEpoch();
    }
    this.connections.add(connection);
    let mine = this.byUser.get(connection.userId);
    if (!mine) this.byUser.set(connection.userId, (mine = new Set()));
    mine.add(connection);
    this.presence.countStream(connection.userId, connection.following, 1);
    if (!this.tickTimer) {
      this.lastHeartbeat = Date.now();
      this.tickTimer = setInterval(this.tick, tickIntervalMs(this.options.heartbeatMs, this.options.maxDurationMs));
    }
    // The interval's chain starts with the first stream; a moved stream waits for it.
    if (!moved || !this.presence.pending) this.presence.schedule();
  }

  private detach(connection: Connection, signal?: AbortSignal) {
    signal?.removeEventListener("abort", connection.end);
    // Also for a stream aborted before it was attached: its slot was taken.
    if (connection.slotId && !this.stopping) this.slots.release(connection.userId, connection.slotId, connection.handsOverSlot);
    this.activityWatchers.delete(connection);
    if (!this.connections.delete(connection)) return;
    const mine = this.byUser.get(connection.userId);
    mine?.delete(connection);
    if (mine?.size === 0) this.byUser.delete(connection.userId);
    this.presence.countStream(connection.userId, connection.following, -1);
    if (this.connections.size > 0) return connection.handsOverSlot ? undefined : this.presence.schedule();
    // The last stream is gone: release everything the instance held for streams.
    this.subscription?.close();
    this.subscription = null;
    this.liveSubscription = null;
    this.nextEpoch();
    this.recentInbox.clear();
    this.follows.clear();
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    if (this.catchUpTimer) clearTimeout(this.catchUpTimer);
    this.catchUpTimer = null;
    // Each handle goes to its own clear function: a timer given to
    // clearImmediate corrupts Node's count of pending immediates for the
    // whole process, and no lone setImmediate runs again.
    if (this.pendingFlush && "timer" in this.pendingFlush) clearTimeout(this.pendingFlush.timer);
    else if (this.pendingFlush) clearImmediate(this.pendingFlush.immediate);
    this.pendingFlush = null;
    this.batch = [];
    if (!this.stopping) this.presence.stop();
    void this.tally.report();
  }

  /**
   * The instance is stopping: first its presence and all its slots leave the
   * store (in one round trip, however many streams; at most STORE_CLEANUP_MS,
   * should the store be away) and its delivery counts are reported, then every
   * stream ends with `reconnect`, and its client comes back at once, on a new
   * connection, to another process. In that order because the process may
   * exit as soon as its last stream has ended.
   */
  async shutdown() {
    this.stopping = true;
    this.slots.stop();
    const cleanup = async () => {
      await Promise.allSettled([this.presence.silence(), this.tally.report()]);
      await this.store.presence.removePresence(this.options.instanceId);
    };
    const settled = cleanup().catch((error: Error) => console.error(`[hub] leaving the store failed: ${error.message}`));
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, STORE_CLEANUP_MS))]);
    for (const connection of [...this.connections]) this.rotate(connection);
  }

  private countDelivered(n: number) {
    this.delivered += n;
    this.presence.countDelivered(n);
  }
}

/** A flush waits on a timer (the batching gap) or an immediate; each is cancelled with its own function. */
type PendingFlush = { timer: ReturnType<typeof setTimeout> } | { immediate: ReturnType<typeof setImmediate> };
