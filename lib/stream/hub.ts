// One hub per instance: the registry of its open streams, and the fan-out of
// every event the bus brings to the local streams it addresses (a Next route
// stream costs per chunk, docs/benchmark.md: events of one event-loop turn go
// to each stream as one shared chunk). Around it: bus-listener.ts, batcher.ts,
// stream-start.ts, connection.ts, replay.ts, admitted-inbox.ts, lifetime.ts,
// revocations.ts, presence-reporter.ts, delivery-tally.ts, slot-keeper.ts.
import { isAddressedTo } from "../shared/audience";
import { compareIds, isNotificationId } from "../shared/ids";
import type { Stores } from "../store/stores";
import type { Audience, Notification } from "../shared/types";
import { AdmittedInbox } from "./admitted-inbox";
import { Batcher } from "./batcher";
import { BusListener, ECHO_MS } from "./bus-listener";
import { Connection, credentialKey, type CredentialRef } from "./connection";
import { DeliveryTally } from "./delivery-tally";
import { concatChunks, encodeFrame, encodeJsonEvent } from "./encode";
import { streamDeadline, tickIntervalMs } from "./lifetime";
import { PRESENCE_INTERVAL_MS, PresenceReporter } from "./presence-reporter";
import { RESET } from "./replay";
import { RecentRevocations } from "./revocations";
import { SlotKeeper } from "./slot-keeper";
import { StoreStatus } from "./store-status";
import { startStream, type StreamStartHost } from "./stream-start";
import { STORE_CLEANUP_MS, STREAM_SLOT_GRACE_MS, type AdmittedWith, type HubOptions, type OpenOptions } from "./hub-options";
import { log } from "../server/log";

const PING = encodeFrame({ comment: "ping" });
const RECONNECT = encodeJsonEvent("reconnect", {});
/** The browser opened a newer stream: this one ends, and its client must not come back (it would replace that one). */
const REPLACED = encodeJsonEvent("replaced", {});

export class Hub {
  private readonly connections = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  /** The streams opened with `seesActivity`. */
  private readonly activityWatchers = new Set<Connection>();
  /** Inbox changes heard lately: what a just-admitted stream may have missed before it attached. */
  private readonly admittedInbox = new AdmittedInbox();
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  /** Set by shutdown(): the store has freed this instance's slots and presence, which nothing may renew. */
  private stopping = false;
  private lastHeartbeat = Date.now();
  /** Deliveries and slow-client cuts (/api/metrics), and the most bytes a stream has had waiting (at most queueMaxBytes plus a chunk). */
  readonly totals = { delivered: 0, slowClientCuts: 0, backlogPeakBytes: 0 };
  readonly storeStatus = new StoreStatus(() => this.connections);
  private readonly tally: DeliveryTally;
  private readonly revocations: RecentRevocations;
  private readonly presence: PresenceReporter;
  private readonly slots: SlotKeeper;
  private readonly bus: BusListener;
  /** What a starting stream uses of the hub (stream-start.ts). */
  private readonly streamStart: StreamStartHost;
  private readonly batcher = new Batcher(
    (events) => this.fanOut(events),
    () => this.bus.catchingUp,
  );

  constructor(
    private readonly store: Pick<Stores, "log" | "credentials" | "presence" | "funnel" | "directory" | "inbox">,
    private readonly options: HubOptions,
  ) {
    this.tally = new DeliveryTally(store.funnel, options.deliveryReportMs);
    this.revocations = new RecentRevocations(store.credentials);
    const presenceIntervalMs = options.presenceIntervalMs ?? PRESENCE_INTERVAL_MS;
    this.bus = new BusListener(store, this.revocations, presenceIntervalMs + ECHO_MS, {
      notification: (notification) => this.batcher.add(notification),
      inboxChanged: (userId, version, chunk) => {
        this.admittedInbox.remember(userId, version, chunk);
        this.sendToUser(userId, chunk);
      },
      updateFollowing: (userId, following) => this.updateFollowing(userId, following),
      revoked: (credential) => this.revoked(credential),
      streamReplaced: (userId, slotId) => this.streamReplaced(userId, slotId),
      toAudience: (audience, chunk) => this.toAudience(audience, chunk),
      // The bus lost messages the log no longer holds: every live stream may have a hole.
      gap: () => this.connections.forEach((c) => !c.replaying && c.send(RESET)),
      interrupted: () => this.storeStatus.broke(),
      live: () => this.storeStatus.resumed(),
      caughtUp: () => this.batcher.schedule(),
      connections: () => this.connections,
      users: () => [...this.byUser.keys()],
    });
    this.presence = new PresenceReporter(store.presence, options.instanceId, {
      hasStreams: () => this.connections.size > 0,
      onLapsed: () => this.slots.doubtAll(),
      onReported: (startedAt) => this.bus.expectEcho(startedAt),
      intervalMs: presenceIntervalMs,
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
    const { inbox, log } = store;
    this.streamStart = { bus: this.bus, revocations: this.revocations, inbox, log, options, rotate: (c) => this.rotate(c), deliver: this.deliver };
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
            () => this.totals.slowClientCuts++,
          );
          connection.browserBound = browserBound;
          if (signal?.aborted) return connection.end();
          signal?.addEventListener("abort", connection.end, { once: true });
          this.attach(connection, moved);
          if (seesActivity) this.activityWatchers.add(connection);
          if (admitted) this.takeAdmitted(connection, admitted);
          void startStream(this.streamStart, connection, lastEventId);
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
    return this.bus.pause(ms);
  }

  /** Whether this instance hears the bus: idle (no stream open here), live, or not live. */
  busState() {
    return this.bus.state;
  }


  /**
   * A mark of the bus subscription as live now, or null when it is not: a
   * stream admitted under a mark that still holds when it opens missed no
   * revocation or inbox change sent after its admission read the store.
   */
  liveMark(): number | null {
    return this.bus.liveMark();
  }

  /**
   * Since when the bus subscription has been live without a break, or null: a
   * sign-out on any instance since then reached this hub (and its session
   * cache, through onSessionRevoked).
   */
  liveSince(): number | null {
    return this.bus.liveSince();
  }

  /** The user's follows as this instance knows them for sure (null: read them, then learnFollowing). */
  knownFollowing(userId: string): string[] | null {
    return this.bus.knownFollowing(userId);
  }

  /** Follows read from the store by a read that started at `readAt`. */
  learnFollowing(userId: string, following: string[], readAt: number) {
    this.bus.learnFollowing(userId, following, readAt);
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
      subscriptions: this.bus.subscribed ? 1 : 0,
      timers: (this.tickTimer ? 1 : 0) + (this.presence.pending ? 1 : 0) + (this.batcher.pending ? 1 : 0) + (this.slots.pending ? 1 : 0) + this.bus.timers,
    };
  }

  /** This instance's deliveries the store's total lacks until its next presence report. */
  get unreportedDeliveries() {
    return this.presence.unreportedDeliveries;
  }

  /** How long this instance's presence (and so its streams' slots) counts without a new report. */
  get presenceTtlMs() {
    return this.presence.ttlMs;
  }

  private noteBacklog = (bytes: number) => {
    if (bytes > this.totals.backlogPeakBytes) this.totals.backlogPeakBytes = bytes;
  };

  /**
   * The admission ran while the bus was live and nothing broke since: the revocations and inbox changes
   * after it reached this hub (the inbox ones within INBOX_MEMORY_MS are held for `connected`).
   */
  private takeAdmitted(connection: Connection, admitted: AdmittedWith) {
    if (admitted.liveMark === null || admitted.liveMark !== this.liveMark()) return;
    // Only a session's sign-out is checked by the admission; a token was looked up before the mark.
    connection.admittedWhileLive = connection.credential?.kind === "session";
    this.admittedInbox.hold(connection, admitted.inboxVersion, admitted.at);
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

  /** The browser opened a newer stream: whichever of this instance's streams held the old slot ends. */
  private streamReplaced(userId: string, slotId: string) {
    for (const connection of this.byUser.get(userId) ?? []) {
      if (connection.slotId === slotId) {
        connection.send(REPLACED);
        connection.end();
      }
    }
  }

  /** Ends the streams a revoked credential opened (a session's cookie is no longer trusted), and remembers it for a stream that starts just after. */
  private revoked(credential: CredentialRef) {
    if (credential.kind === "session") this.options.onSessionRevoked?.(credential.sessionId);
    const key = credentialKey(credential);
    this.revocations.remember(key);
    for (const connection of [...this.connections]) if (connection.credentialKey === key) this.rotate(connection);
  }

  /** Writes a batch of events to the streams they address. */
  private fanOut(events: Notification[]) {
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

  /** Streams that have not started yet read the same from their first page (it carries acknowledgements). */
  private toAudience(audience: Audience, chunk: Uint8Array) {
    for (const connection of this.connections) if (connection.started && isAddressedTo(audience, connection)) connection.send(chunk);
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
    this.admittedInbox.prune(now);
  };

  private attach(connection: Connection, moved: boolean) {
    this.bus.open();
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
    this.bus.close();
    this.admittedInbox.clear();
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.batcher.clear();
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
    const settled = cleanup().catch((error: Error) => log().error({ component: "hub" }, `leaving the store failed: ${error.message}`));
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, this.options.storeCleanupMs ?? STORE_CLEANUP_MS))]);
    for (const connection of [...this.connections]) this.rotate(connection);
  }

  private countDelivered(n: number) {
    this.totals.delivered += n;
    this.presence.countDelivered(n);
  }
}
