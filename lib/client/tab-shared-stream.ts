// One stream per browser, whatever its number of tabs. Every tab that wants
// the stream asks for the same Web Lock; the one holding it (the leader) owns
// the real connection and relays its events and state to the others over a
// BroadcastChannel. When the leader goes (closed, crashed, reloaded, frozen,
// put in the back/forward cache) the browser hands the lock to the next tab,
// which resumes from the newest id it has seen: every tab sees every relayed
// event, so that is the newest id any tab has. Events carry increasing ids,
// so one relayed twice around a handover is dropped by id.
//
// Without Web Locks or BroadcastChannel (older browsers, plain-http origins
// other than localhost) every tab leads its own connection, as before.
import { isNewerId, SSEConnection } from "./sse-connection";
import { fromWire, toWire, type SSERawEvent, type SSEState, type WireState } from "./sse-types";

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

type TabMessage =
  | { type: "events"; events: SSERawEvent[] }
  | { type: "state"; state: WireState }
  /** A tab joined or woke up: the leader answers with its state. */
  | { type: "hello" }
  /** A tab came into view or back online while the leader waits to retry: a hidden leader's timers are throttled, so retry now. */
  | { type: "retry" };

/** Sent to this tab's subscribers after it slept (frozen, back/forward cache): relayed events may have been missed. */
const RESYNC_EVENT: SSERawEvent = { event: "reset", data: "{}" };

/** The browser's means to share, or null where it lacks them. */
export function browserSharing(): TabSharing | null {
  if (typeof navigator === "undefined" || !navigator.locks || typeof BroadcastChannel === "undefined") return null;
  return { locks: navigator.locks, openChannel: (name) => new BroadcastChannel(name) };
}

export class SharedStream {
  private readonly subscribers = new Set<StreamSubscriber>();
  private state: SSEState;
  private lastEventId: string | null;
  /** This tab's real connection, while it leads. */
  private connection: SSEConnection | null = null;
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

  getState() {
    return this.state;
  }

  /** Whether this tab holds the browser's connection. */
  get isLeader() {
    return this.connection !== null;
  }

  /** The page learnt of newer events elsewhere (its history): a later resume starts there. */
  advanceTo(id: string) {
    if (!isNewerId(id, this.lastEventId)) return;
    this.lastEventId = id;
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
    const sharing = this.shared!;
    this.channel = sharing.openChannel(this.name);
    this.channel.onmessage = (e: MessageEvent<TabMessage>) => this.onMessage(e.data);
    this.post({ type: "hello" });
    const request = new AbortController();
    this.lockRequest = request;
    sharing.locks
      .request(this.name, { signal: request.signal }, () => {
        if (request.signal.aborted) return;
        this.lead();
        return new Promise<void>((release) => (this.releaseLock = release));
      })
      // Aborted when this tab leaves before its turn; nothing to do.
      .catch(() => {});
  }

  private leave() {
    const connection = this.connection;
    this.connection = null;
    // Closed quietly: followers keep their state until the next leader reports.
    connection?.close();
    this.lockRequest?.abort();
    this.lockRequest = null;
    this.releaseLock?.();
    this.releaseLock = null;
    this.channel?.close();
    this.channel = null;
  }

  private lead() {
    const connection = new SSEConnection(
      this.url,
      { token: this.options.token, lastEventId: this.lastEventId, fetch: this.options.fetch },
      {
        onEvents: (events) => {
          if (this.connection !== connection) return;
          this.post({ type: "events", events });
          this.deliver(events);
        },
        onState: (state) => {
          if (this.connection !== connection) return;
          this.post({ type: "state", state: toWire(state) });
          this.setState(state);
        },
      },
    );
    this.connection = connection;
    connection.start();
  }

  private onMessage(message: TabMessage) {
    if (message.type === "hello") {
      if (this.connection) this.post({ type: "state", state: toWire(this.connection.getState()) });
    } else if (message.type === "retry") {
      this.connection?.retryNow();
    } else if (!this.connection) {
      if (message.type === "events") this.deliver(message.events);
      else this.setState(fromWire(message.state));
    }
  }

  private deliver(events: SSERawEvent[]) {
    for (const event of events) {
      if (event.id) {
        if (!isNewerId(event.id, this.lastEventId)) continue;
        this.lastEventId = event.id;
      }
      for (const subscriber of this.subscribers) if (subscriber.events.includes(event.event)) subscriber.onEvent(event);
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
