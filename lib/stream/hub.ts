// One hub per instance: it holds the instance's single bus subscription and
// fans every event out to the local streams it addresses. Per PERF.md the cost
// of a Next route stream is per chunk, so events arriving within one event-loop
// turn are encoded once and handed to each stream as one shared chunk.
import { collapseScope, isAddressedTo } from "../audience";
import { compareIds, isNotificationId } from "../ids";
import type { BusMessage, BusSubscription } from "../store/bus";
import { presenceKey } from "../store/presence/types";
import type { Stores } from "../store/stores";
import type { ConnectedEventData, Notification } from "../types";
import { DeliveryTally } from "./delivery-tally";
import { flushGapMs } from "./flush-gap";
import { concatChunks, encodeFrame, encodeJsonEvent } from "./encode";

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
}

export type StreamCredential = { kind: "token"; tokenId: string } | { kind: "session"; sessionId: string; expiresAt: number };

const REPLAY_PAGE = 200;
/** Longer than any request takes from its sign-in check to its stream starting. */
const REVOKED_MEMORY_MS = 5 * 60_000;
const PRESENCE_INTERVAL_MS = 10_000;
/** A change in open streams is reported this soon (debounced), so limits and counts elsewhere are fresh within a second. */
const PRESENCE_CHANGE_DELAY_MS = 250;
/** How often a replay checks whether its client has read the previous page. */
const REPLAY_DRAIN_POLL_MS = 5;
const PING = encodeFrame({ comment: "ping" });
const RECONNECT = encodeJsonEvent("reconnect", {});
const RESET = encodeJsonEvent("reset", {});

class Connection {
  readonly id = crypto.randomUUID();
  /** Live events are held back while the replay runs, then sent after it. */
  replaying = true;
  held: Notification[] = [];
  /** Set after a replay: live events at or before it were already sent. */
  sentUpTo: string | null;
  closed = false;
  /** Matched against revocations (credentialKey). */
  readonly credentialKey: string | null;

  constructor(
    readonly userId: string,
    readonly slotId: string | null,
    readonly credential: StreamCredential | null,
    public following: Set<string>,
    readonly deadline: number,
    lastEventId: string | null,
    private readonly controller: ReadableStreamDefaultController<Uint8Array>,
    private readonly queueMaxBytes: number,
    private readonly onClose: (connection: Connection) => void,
    private readonly onBacklog: (bytes: number) => void,
  ) {
    this.sentUpTo = lastEventId;
    this.credentialKey = credential && credentialKey(credential);
  }

  send(chunk: Uint8Array) {
    if (this.closed) return;
    this.controller.enqueue(chunk);
    // desiredSize is minus the bytes the client has not read yet.
    const backlog = this.backlog();
    this.onBacklog(backlog);
    // A replay paces itself (waitForDrain); the cap is for live events a client does not read.
    if (!this.replaying && backlog > this.queueMaxBytes) this.fail(new Error("client is not reading"));
  }

  /** Bytes enqueued that the client has not read yet. */
  backlog() {
    return -(this.controller.desiredSize ?? 0);
  }

  /**
   * Resolves once the client has read what was sent. Polled rather than
   * driven by pull(): a pull callback would cost a promise on every live chunk.
   */
  async waitForDrain() {
    while (!this.closed && this.backlog() > 0) await new Promise((r) => setTimeout(r, REPLAY_DRAIN_POLL_MS));
  }

  /** Ends the response normally (after the queued frames); also what an aborted request does. */
  end = () => {
    if (this.closed) return;
    this.release();
    this.controller.close();
  };

  /** Ends the response at once, dropping what is queued. */
  fail(reason: Error) {
    if (this.closed) return;
    this.release();
    this.controller.error(reason);
  }

  /** Idempotent: the abort signal, cancel(), end() and fail() all come here. */
  release = () => {
    if (this.closed) return;
    this.closed = true;
    this.held = [];
    this.onClose(this);
  };
}

export class Hub {
  private readonly connections = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly counts = new Map<string, number>();
  private subscription: BusSubscription | null = null;
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private presenceTimer: ReturnType<typeof setTimeout> | null = null;
  private presenceDueAt = 0;
  private pendingFlush: PendingFlush | null = null;
  /** The subscription once its `ready` settled (a new one is not live until then). */
  private liveSubscription: BusSubscription | null = null;
  /** Credentials revoked lately (credentialKey → until when remembered). */
  private readonly recentlyRevoked = new Map<string, number>();
  /** A flush's chunks are being written out (Next's pipe runs as promise chains after the flush). */
  private fanningOut = false;
  private fanOutStart = 0;
  /** The end of the last fan-out plus its gap: no flush before then. */
  private nextFlushAt = 0;
  private batch: Notification[] = [];
  private lastHeartbeat = Date.now();
  private deliveredUnreported = 0;
  private delivered = 0;
  private backlogPeak = 0;
  private readonly tally: DeliveryTally;

  constructor(
    private readonly store: Pick<Stores, "log" | "credentials" | "presence" | "funnel">,
    private readonly options: HubOptions,
  ) {
    this.tally = new DeliveryTally(store.funnel, options.deliveryReportMs);
  }

  /** Opens a stream for a user. The route checks limits before calling this. */
  open({ userId, following, slotId, credential = null, lastEventId, signal }: OpenOptions): ReadableStream<Uint8Array> {
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
          if (signal?.aborted) return connection.end();
          signal?.addEventListener("abort", connection.end, { once: true });
          this.attach(connection);
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

  /** Local open streams counted by presenceKey (all, user:<id>, channel:<name>). */
  localCount(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** What the hub holds right now; all zero when no stream is open. */
  resources() {
    return {
      connections: this.connections.size,
      users: this.byUser.size,
      subscriptions: this.subscription ? 1 : 0,
      timers: (this.tickTimer ? 1 : 0) + (this.presenceTimer ? 1 : 0) + (this.pendingFlush ? 1 : 0),
    };
  }

  get deliveredTotal() {
    return this.delivered;
  }

  /** The most bytes any stream has had waiting for its client; bounded by queueMaxBytes plus one chunk. */
  get backlogPeakBytes() {
    return this.backlogPeak;
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
      if (subscription === this.subscription) this.liveSubscription = subscription;
      if (connection.credential && (await this.wasRevoked(connection.credential, wasLive))) return this.rotate(connection);
      const connected: ConnectedEventData = {
        connectionId: connection.id,
        userId: connection.userId,
        instance: this.options.instanceId,
        serverTime: new Date().toISOString(),
        heartbeatMs: this.options.heartbeatMs,
      };
      connection.send(concatChunks([encodeFrame({ retry: this.options.retryMs }), encodeJsonEvent("connected", connected)]));
      if (lastEventId !== null) await this.replay(connection, lastEventId);
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
   * Whether what signed the stream in was revoked before the stream could
   * hear of it. Through a subscription that was already live, revocations
   * reached this hub, and those of the last minutes are remembered: no round
   * trip. A fresh subscription may have missed one: the store is asked.
   */
  private async wasRevoked(credential: StreamCredential, subscriptionWasLive: boolean) {
    if (subscriptionWasLive) return this.recentlyRevoked.has(credentialKey(credential));
    return credential.kind === "token" ? !(await this.store.credentials.tokenExists(credential.tokenId)) : this.store.credentials.isSessionRevoked(credential.sessionId);
  }

  /** Ends the stream with `reconnect`: the client comes back at once and learns where it stands (a new stream, or 401). */
  private rotate(connection: Connection) {
    connection.send(RECONNECT);
    connection.end();
  }

  private async replay(connection: Connection, lastEventId: string) {
    if (!isNotificationId(lastEventId)) return connection.send(RESET);
    let cursor = lastEventId;
    for (let first = true; !connection.closed; first = false) {
      const { events, reset } = await this.store.log.eventsAfter(cursor, REPLAY_PAGE);
      // Too old to resume, an id this store never issued (a wiped store), or
      // trimming overtook a slow replay between two pages: there is a hole,
      // so the client refetches its history instead.
      if (reset || (first && events.length === 0 && (await this.isFromAnotherHistory(lastEventId)))) {
        connection.sentUpTo = null;
        return connection.send(RESET);
      }
      const mine = newestPerCollapseScope(events.filter((n) => isAddressedTo(n.audience, connection)));
      if (mine.length) this.deliver(connection, mine.map((n) => encodeJsonEvent("notification", n, n.id)), mine, false);
      if (events.length < REPLAY_PAGE) return;
      await connection.waitForDrain();
      cursor = events[events.length - 1]!.id;
    }
  }

  /**
   * Sends the events newer than the connection's cursor. `live` events come in
   * id order, so once one is sent the cursor is no longer needed.
   */
  private async isFromAnotherHistory(lastEventId: string) {
    const latest = await this.store.log.latestId();
    return latest === null || compareIds(lastEventId, latest) > 0;
  }

  private deliver(connection: Connection, frames: Uint8Array[], events: Notification[], live: boolean) {
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
  }

  private onBusMessage = (message: BusMessage) => {
    switch (message.type) {
      case "notification":
        this.batch.push(message.notification);
        this.scheduleFlush();
        return;
      case "inbox":
        return this.sendToUser(message.userId, encodeJsonEvent(message.change.event, message.change.data));
      case "follows":
        return this.updateFollowing(message.userId, message.following);
      case "session-revoked":
        this.options.onSessionRevoked?.(message.sessionId);
        return this.revoked(credentialKey({ kind: "session", sessionId: message.sessionId }));
      case "token-revoked":
        return this.revoked(credentialKey({ kind: "token", tokenId: message.tokenId }));
      case "gap":
        // The bus lost messages the log no longer holds: every live stream may have a hole.
        for (const connection of this.connections) if (!connection.replaying) connection.send(RESET);
        return;
    }
  };

  /**
   * Ends the streams a revoked credential opened, and remembers it for
   * REVOKED_MEMORY_MS: a stream admitted just before the message arrived
   * still hears of it when it starts.
   */
  private revoked(key: string) {
    const now = Date.now();
    for (const [k, until] of this.recentlyRevoked) if (until <= now) this.recentlyRevoked.delete(k);
    this.recentlyRevoked.set(key, now + REVOKED_MEMORY_MS);
    for (const connection of [...this.connections]) if (connection.credentialKey === key) this.rotate(connection);
  }

  private scheduleFlush() {
    // During a fan-out, its end schedules the next flush.
    if (this.pendingFlush || this.fanningOut) return;
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
  };

  private sendToUser(userId: string, chunk: Uint8Array) {
    for (const connection of this.byUser.get(userId) ?? []) connection.send(chunk);
  }

  private updateFollowing(userId: string, following: string[]) {
    for (const connection of this.byUser.get(userId) ?? []) {
      for (const channel of connection.following) this.bump(presenceKey.channel(channel), -1);
      connection.following = new Set(following);
      for (const channel of connection.following) this.bump(presenceKey.channel(channel), 1);
    }
    this.schedulePresence();
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
      if (connection.deadline <= now) this.rotate(connection);
    }
  };

  private attach(connection: Connection) {
    if (!this.subscription) this.subscription = this.store.log.subscribe(this.onBusMessage);
    this.connections.add(connection);
    let mine = this.byUser.get(connection.userId);
    if (!mine) this.byUser.set(connection.userId, (mine = new Set()));
    mine.add(connection);
    this.bumpAll(connection, 1);
    if (!this.tickTimer) {
      this.lastHeartbeat = Date.now();
      this.tickTimer = setInterval(this.tick, tickInterval(this.options));
    }
    this.schedulePresence();
  }

  private detach(connection: Connection, signal?: AbortSignal) {
    signal?.removeEventListener("abort", connection.end);
    // Also for a stream aborted before it was attached: its slot was taken.
    if (connection.slotId) this.releaseSlot(connection.userId, connection.slotId);
    if (!this.connections.delete(connection)) return;
    const mine = this.byUser.get(connection.userId);
    mine?.delete(connection);
    if (mine?.size === 0) this.byUser.delete(connection.userId);
    this.bumpAll(connection, -1);
    if (this.connections.size > 0) return this.schedulePresence();
    // The last stream is gone: release everything the instance held for streams.
    this.subscription?.close();
    this.subscription = null;
    this.liveSubscription = null;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    // Each handle goes to its own clear function: a timer given to
    // clearImmediate corrupts Node's count of pending immediates for the
    // whole process, and no lone setImmediate runs again.
    if (this.pendingFlush && "timer" in this.pendingFlush) clearTimeout(this.pendingFlush.timer);
    else if (this.pendingFlush) clearImmediate(this.pendingFlush.immediate);
    this.pendingFlush = null;
    this.batch = [];
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    this.presenceTimer = null;
    void this.reportPresence();
    void this.tally.report();
  }

  /** Frees the stream's slot for every instance now; if the store is away, the slot lapses with this instance's presence. */
  private releaseSlot(userId: string, slotId: string) {
    this.store.presence.releaseStream(userId, slotId, this.options.instanceId).catch((error: Error) => {
      console.error(`[hub] releasing a stream slot failed: ${error.message}`);
    });
  }

  private bumpAll(connection: Connection, delta: number) {
    this.bump(presenceKey.all, delta);
    this.bump(presenceKey.user(connection.userId), delta);
    for (const channel of connection.following) this.bump(presenceKey.channel(channel), delta);
  }

  private bump(key: string, delta: number) {
    const next = (this.counts.get(key) ?? 0) + delta;
    if (next > 0) this.counts.set(key, next);
    else this.counts.delete(key);
  }

  private countDelivered(n: number) {
    this.delivered += n;
    this.deliveredUnreported += n;
  }

  /** How long this instance's presence (and so its streams' slots) counts without a new report. */
  get presenceTtlMs() {
    return 3 * this.presenceIntervalMs;
  }

  private get presenceIntervalMs() {
    return this.options.presenceIntervalMs ?? PRESENCE_INTERVAL_MS;
  }

  // Presence is reported per instance, never per stream: every interval while
  // streams are open, and soon after a change (debounced), so counts on other
  // instances are fresh within a second while an idle stream costs nothing.
  private schedulePresence(delayMs = PRESENCE_CHANGE_DELAY_MS) {
    if (this.connections.size === 0) return;
    const dueAt = performance.now() + delayMs;
    if (this.presenceTimer) {
      if (this.presenceDueAt <= dueAt) return;
      clearTimeout(this.presenceTimer);
    }
    this.presenceDueAt = dueAt;
    const timer = setTimeout(async () => {
      this.presenceTimer = null;
      await this.reportPresence();
      // A change during the report, or the last stream leaving and a new one
      // coming, scheduled a report of its own: then that chain goes on, not this one.
      if (!this.presenceTimer) this.schedulePresence(this.presenceIntervalMs);
    }, delayMs);
    this.presenceTimer = timer;
    timer.unref?.();
  }

  private async reportPresence() {
    const delivered = this.deliveredUnreported;
    this.deliveredUnreported = 0;
    try {
      await this.store.presence.reportPresence(this.options.instanceId, new Map(this.counts), delivered, this.presenceTtlMs);
    } catch (error) {
      this.deliveredUnreported += delivered;
      console.error(`[hub] presence report failed: ${(error as Error).message}`);
    }
  }
}

/** A flush waits on a timer (the batching gap) or an immediate; each is cancelled with its own function. */
type PendingFlush = { timer: ReturnType<typeof setTimeout> } | { immediate: ReturnType<typeof setImmediate> };

/** "Shortly before" the platform limit: 5 s, or a tenth of short limits. */
function reconnectMargin(maxDurationMs: number) {
  return Math.min(5_000, Math.floor(maxDurationMs / 10));
}

/**
 * How long one stream lives: uniformly over the last fifth of the platform
 * limit, ending the reconnect margin before it. Streams opened together
 * (after a deploy or a restart) then rotate spread out, not all at once
 * every SSE_MAX_DURATION_S for ever.
 */
/** When a stream rotates: its spread lifetime, or its session's expiry if that comes first. */
function streamDeadline(maxDurationMs: number, credential: StreamCredential | null) {
  const deadline = Date.now() + streamLifetimeMs(maxDurationMs);
  return credential?.kind === "session" ? Math.min(deadline, credential.expiresAt) : deadline;
}

function credentialKey(credential: { kind: "token"; tokenId: string } | { kind: "session"; sessionId: string }) {
  return credential.kind === "token" ? `token:${credential.tokenId}` : `session:${credential.sessionId}`;
}

export function streamLifetimeMs(maxDurationMs: number, random = Math.random()) {
  const latest = maxDurationMs - reconnectMargin(maxDurationMs);
  return Math.max(1, Math.round(latest - random * (maxDurationMs / 5)));
}

/**
 * A replay hands on only the newest per collapse scope: a client that missed
 * "Deploy 42: building" and "Deploy 42: live" gets the second. (Across two
 * replay pages both may go; the client replaces the older.)
 */
function newestPerCollapseScope(events: Notification[]): Notification[] {
  const newest = new Map<string, string>();
  for (const n of events) {
    const scope = collapseScope(n);
    if (scope) newest.set(scope, n.id);
  }
  if (!newest.size) return events;
  return events.filter((n) => {
    const scope = collapseScope(n);
    return !scope || newest.get(scope) === n.id;
  });
}

function tickInterval(options: HubOptions) {
  return Math.max(10, Math.min(1_000, options.heartbeatMs, reconnectMargin(options.maxDurationMs)));
}
