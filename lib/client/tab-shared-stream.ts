// One stream per browser, whatever its number of tabs. Every tab that wants
// the stream asks for the same Web Lock; the one holding it (the leader) owns
// the real connection and relays its events and state to the others over a
// BroadcastChannel. When the leader goes (closed, crashed, reloaded, frozen,
// put in the back/forward cache) the browser hands the lock to the next tab,
// which resumes from the newest id it has seen: every tab sees every relayed
// event, so that is the newest id any tab has. Events carry increasing ids,
// so one relayed twice around a handover is dropped by id. A leader that
// hangs without giving the lock up (no heartbeat relayed for a few heartbeat
// intervals) has the lock stolen by a tab in view.
//
// A tab may miss what the channel carried: Chromium drops the messages sent
// to a tab whose script is paused, and a read mark carries no id to show the
// hole. So the leader numbers what it relays, its "alive" says the last
// number, and a tab that finds a number missing refetches (as after a sleep)
// and asks for the leader's state again.
//
// Without Web Locks or BroadcastChannel (older browsers, plain-http origins
// other than localhost) every tab leads its own connection, as before.
import { isNewerId, newestId } from "../shared/ids";
import { pageStreamId, sharedBrowserId } from "./browser-id";
import { randomId } from "./random-id";
import { SSEConnection } from "./sse-connection";
import { fromWire, toWire, type SSERawEvent, type SSEState, type WireState } from "./sse-types";
import type { ResetEventData } from "../shared/types";

export interface StreamSubscriber {
  events: readonly string[];
  onEvent(event: SSERawEvent): void;
  onState(state: SSEState): void;
}

/** What tab sharing needs from the browser; injectable for tests. */
export interface TabSharing {
  locks: Pick<LockManager, "request">;
  openChannel(name: string): BroadcastChannel;
}

export interface SharedStreamOptions {
  /** Streams with a token are never shared: a token is not passed between tabs. */
  token?: string;
  lastEventId?: string | null;
  /** Tabs share only within a scope (the signed-in user): another account's tabs never hear these events. */
  scope?: string;
  fetch?: typeof fetch;
}

/** Where a relayed message stands: which leader (a tab's turn at leading) sent it, and its number in that turn (from 1). */
interface Relayed {
  leader: string;
  seq: number;
}

/** What the leader relays to the other tabs, numbered: a tab that misses one refetches. */
type RelayedMessage =
  /** `after`: the newest id the leader had relayed before these; a tab that has not seen it missed some. */
  | { type: "events"; events: SSERawEvent[]; after: string | null }
  | { type: "state"; state: WireState };

type TabMessage =
  | (RelayedMessage & Relayed)
  /** A tab joined or woke up: the leader answers with its state. */
  | { type: "hello" }
  /** A tab came into view or back online while the leader waits to retry: a hidden leader's timers are throttled, so retry now. */
  | { type: "retry" }
  /** The leader's connection heard something (a heartbeat at least); how long a silence means it hung. `seq`: the last it relayed. */
  | ({ type: "alive"; hungAfterMs: number } & Relayed);

/** Sent to this tab's subscribers after it slept (frozen, back/forward cache): relayed events may have been missed. */
const RESYNC_EVENT: SSERawEvent = { event: "reset", data: JSON.stringify({ missed: true } satisfies ResetEventData) };
/** A leader says it is alive at most this often (every chunk proves it, but a burst need not say so a thousand times). */
const ALIVE_EVERY_MS = 5_000;
/** Silence after which a leader is presumed hung, in heartbeat intervals (learnt from `connected`), and before one is known. */
const HUNG_AFTER_HEARTBEATS = 3;
const HUNG_DEFAULT_MS = 60_000;
const HUNG_CHECK_MS = 10_000;
/** Leaders whose numbering a tab keeps: the current one, and one or two that were replaced and may still relay for a moment. */
const RECENT_LEADERS = 3;

/** The browser's means to share, or null where it lacks them. */
function browserSharing(): TabSharing | null {
  if (typeof navigator === "undefined" || !navigator.locks || typeof BroadcastChannel === "undefined") return null;
  return { locks: navigator.locks, openChannel: (name) => new BroadcastChannel(name) };
}

export class SharedStream {
  private readonly subscribers = new Set<StreamSubscriber>();
  private state: SSEState;
  /** The newest event id handed on: relayed events at or before it are dropped. */
  private lastEventId: string | null;
  /** Where this tab's connection would resume, if newer than lastEventId (its history went further). */
  private resumeFrom: string | null = null;
  private lastHeardAt = 0;
  private lastAliveSentAt = 0;
  private hungAfterMs = HUNG_DEFAULT_MS;
  private hungCheck: ReturnType<typeof setInterval> | null = null;
  /** This tab's real connection, while it leads. */
  private connection: SSEConnection | null = null;
  /** While this tab leads: its turn, and the number of the last message it relayed. */
  private relaying: Relayed | null = null;
  /**
   * The number of the last message this tab heard from each recent leader (a hung leader whose
   * lock was stolen may still relay for a moment beside the new one). Empty after joining,
   * leading or a refetch: the first number heard then is where it starts.
   */
  private readonly heard = new Map<string, number>();
  private channel: BroadcastChannel | null = null;
  private lockRequest: AbortController | null = null;
  private releaseLock: (() => void) | null = null;
  private readonly name: string;

  constructor(
    readonly url: string,
    private readonly options: SharedStreamOptions,
    private readonly sharing: TabSharing | null,
    private readonly onIdle: () => void = () => {},
  ) {
    this.lastEventId = options.lastEventId ?? null;
    this.state = { status: "connecting", lastEventId: this.lastEventId, error: null, retryAt: null };
    this.name = `ntf-stream:${options.scope ?? ""}:${url}`;
  }

  subscribe(subscriber: StreamSubscriber): () => void {
    this.subscribers.add(subscriber);
    subscriber.onState(this.state);
    if (this.subscribers.size === 1) this.start();
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size > 0) return;
      this.stop();
      this.onIdle();
    };
  }

  /** Whether this tab holds the browser's connection. */
  get isLeader() {
    return this.connection !== null;
  }

  /** The page learnt of newer events elsewhere (its history): a later resume starts there; live events still arrive. */
  advanceTo(id: string) {
    if (!isNewerId(id, this.resumeFrom)) return;
    this.resumeFrom = id;
    this.connection?.advanceTo(id);
  }

  private get shared() {
    return this.sharing && !this.options.token ? this.sharing : null;
  }

  private start() {
    if (!this.shared) return this.lead();
    this.join();
    if (typeof window === "undefined") return;
    window.addEventListener("pagehide", this.sleep);
    window.addEventListener("pageshow", this.onPageShow);
    window.addEventListener("online", this.askLeaderToRetry);
    document.addEventListener("visibilitychange", this.askLeaderToRetry);
    document.addEventListener("freeze", this.sleep);
    document.addEventListener("resume", this.wake);
  }

  private stop() {
    if (typeof window !== "undefined") {
      window.removeEventListener("pagehide", this.sleep);
      window.removeEventListener("pageshow", this.onPageShow);
      window.removeEventListener("online", this.askLeaderToRetry);
      document.removeEventListener("visibilitychange", this.askLeaderToRetry);
      document.removeEventListener("freeze", this.sleep);
      document.removeEventListener("resume", this.wake);
    }
    this.leave();
  }

  /** Listens to the leader and queues for the lock: granted at once when no tab leads. */
  private join() {
    this.channel = this.shared!.openChannel(this.name);
    this.channel.onmessage = (e: MessageEvent<TabMessage>) => this.onMessage(e.data);
    this.heard.clear();
    this.post({ type: "hello" });
    this.lastHeardAt = Date.now();
    this.hungCheck = setInterval(this.takeOverIfHung, HUNG_CHECK_MS);
    this.queueForLock(false);
  }

  private queueForLock(steal: boolean) {
    const request = new AbortController();
    this.lockRequest = request;
    // Stealing cannot take a signal; the lock is granted at once.
    const options = steal ? { steal: true } : { signal: request.signal };
    this.shared!.locks.request(this.name, options, () => {
      if (request.signal.aborted) return;
      this.lead();
      return new Promise<void>((release) => (this.releaseLock = release));
    }).catch(() => {
      // Withdrawn because this tab left; or, while leading, stolen by a tab
      // that found this one hung: step down and queue again. What the new
      // leader relayed while this script was stopped did not all reach it
      // (seen in Chromium: e2e/restart-and-hang.spec.ts): the subscribers
      // refetch, as after a sleep.
      if (this.lockRequest !== request || request.signal.aborted) return;
      this.dropConnection();
      this.releaseLock = null;
      this.queueForLock(false);
      this.heard.clear();
      this.deliver([RESYNC_EVENT]);
    });
  }

  private takeOverIfHung = () => {
    const inView = typeof document === "undefined" || document.visibilityState === "visible";
    if (this.connection || !this.channel || !inView) return;
    if (Date.now() - this.lastHeardAt < this.hungAfterMs) return;
    this.lockRequest?.abort();
    this.queueForLock(true);
  };

  private leave() {
    this.dropConnection();
    if (this.hungCheck) clearInterval(this.hungCheck);
    this.hungCheck = null;
    this.lockRequest?.abort();
    this.lockRequest = null;
    this.releaseLock?.();
    this.releaseLock = null;
    this.channel?.close();
    this.channel = null;
  }

  /** Closed quietly: followers keep their state until the next leader reports. */
  private dropConnection() {
    const connection = this.connection;
    this.connection = null;
    this.relaying = null;
    connection?.close();
  }

  private lead() {
    const connection = new SSEConnection(
      this.url,
      {
        token: this.options.token,
        lastEventId: newestId(this.resumeFrom, this.lastEventId),
        fetch: this.options.fetch,
        // Shared tabs hold one stream for the browser; a tab on its own must not replace another's.
        browserId: this.shared ? sharedBrowserId() : pageStreamId(),
      },
      {
        onActivity: () => {
          if (this.connection !== connection || Date.now() - this.lastAliveSentAt < ALIVE_EVERY_MS) return;
          this.sayAlive();
        },
        onEvents: (events) => {
          if (this.connection !== connection) return;
          this.relay({ type: "events", events, after: this.lastEventId });
          this.deliver(events);
        },
        onState: (state) => {
          if (this.connection !== connection) return;
          // Each chunk moves lastEventId; the other tabs keep their own, so only a change they show is relayed.
          if (!sameShownState(state, this.state)) this.relay({ type: "state", state: toWire(state) });
          this.setState(state);
        },
      },
    );
    this.connection = connection;
    this.relaying = this.shared ? { leader: randomId(), seq: 0 } : null;
    this.heard.clear();
    connection.start();
  }

  private onMessage(message: TabMessage) {
    this.lastHeardAt = Date.now();
    if (message.type === "hello") {
      if (!this.connection) return;
      this.relay({ type: "state", state: toWire(this.connection.getState()) });
      this.sayAlive();
      return;
    }
    if (message.type === "retry") return this.connection?.retryNow();
    const missed = this.missedRelayed(message);
    if (missed) this.post({ type: "hello" });
    if (missed || (message.type === "events" && message.after !== null && isNewerId(message.after, this.lastEventId))) this.deliver([RESYNC_EVENT]);
    // Events also while this tab still thinks it leads: a tab whose script hung has been replaced, and
    // what the new leader relays before this one learns it (its lock was stolen) must not be lost.
    if (message.type === "alive") this.hungAfterMs = message.hungAfterMs;
    else if (message.type === "events") this.deliver(message.events);
    else if (!this.connection) this.setState(fromWire(message.state));
  }

  /** Whether a relayed message shows one this tab did not hear (a turn numbers them from 1; an "alive" repeats the last). */
  private missedRelayed(message: Relayed & { type: string }): boolean {
    // Nothing heard since joining, leading or a refetch: nothing to have missed (the subscribers load what is there).
    const starting = this.heard.size === 0;
    const before = this.heard.get(message.leader) ?? 0;
    this.heard.delete(message.leader);
    this.heard.set(message.leader, Math.max(before, message.seq));
    if (this.heard.size > RECENT_LEADERS) this.heard.delete(this.heard.keys().next().value!);
    return !starting && message.seq > (message.type === "alive" ? before : before + 1);
  }

  private deliver(events: SSERawEvent[]) {
    for (const event of events) {
      if (event.event === "connected") this.learnHeartbeat(event.data);
      if (event.id) {
        if (!isNewerId(event.id, this.lastEventId)) continue;
        this.lastEventId = event.id;
      }
      for (const subscriber of this.subscribers) if (subscriber.events.includes(event.event)) subscriber.onEvent(event);
    }
  }

  private sayAlive() {
    if (!this.relaying) return;
    this.lastAliveSentAt = Date.now();
    this.post({ type: "alive", hungAfterMs: this.hungAfterMs, ...this.relaying });
  }

  /** Posts what the other tabs must not miss, numbered in this tab's turn. */
  private relay(message: RelayedMessage) {
    if (!this.relaying) return;
    this.relaying.seq++;
    this.post({ ...message, ...this.relaying });
  }

  private learnHeartbeat(data: string) {
    try {
      const { heartbeatMs } = JSON.parse(data) as { heartbeatMs?: unknown };
      if (typeof heartbeatMs === "number" && heartbeatMs > 0) this.hungAfterMs = HUNG_AFTER_HEARTBEATS * heartbeatMs + ALIVE_EVERY_MS;
    } catch {
      // Not ours to judge: the subscriber reports bad data.
    }
  }

  /** The page is hidden for good or frozen: hand the stream to another tab now, not when the browser discards this one. */
  private sleep = () => {
    if (this.channel) this.leave();
  };

  private wake = () => {
    if (this.channel || this.subscribers.size === 0) return;
    this.join();
    this.deliver([RESYNC_EVENT]);
  };

  private onPageShow = (e: PageTransitionEvent) => {
    if (e.persisted) this.wake();
  };

  private askLeaderToRetry = () => {
    if (!this.connection && this.state.retryAt !== null && document.visibilityState === "visible") this.post({ type: "retry" });
  };

  private post(message: TabMessage) {
    this.channel?.postMessage(message);
  }

  private setState(state: SSEState) {
    this.state = { ...state, lastEventId: this.lastEventId };
    for (const subscriber of this.subscribers) subscriber.onState(this.state);
  }
}

function sameShownState(a: SSEState, b: SSEState) {
  return a.status === b.status && a.retryAt === b.retryAt && a.error?.kind === b.error?.kind && a.error?.message === b.error?.message;
}

const streams = new Map<string, SharedStream>();

/** The page's one stream for this URL (and token and scope), created on first use. */
export function sharedStream(url: string, options: SharedStreamOptions = {}): SharedStream {
  const key = [url, options.token ?? "", options.scope ?? ""].join("\u0000");
  let stream = streams.get(key);
  if (!stream) {
    stream = new SharedStream(url, options, browserSharing(), () => streams.delete(key));
    streams.set(key, stream);
  }
  return stream;
}
