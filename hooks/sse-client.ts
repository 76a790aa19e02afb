// The browser side of a stream, without React: one connection per URL shared
// by every subscriber on the page, reconnecting with backoff and jitter and
// resuming from the last event id. Native EventSource when cookies suffice; a
// fetch stream parsed by eventsource-parser when a header (a token) is needed.
import { createParser } from "eventsource-parser";

export type SSEStatus = "connecting" | "open" | "closed";

export interface SSERawEvent {
  event: string;
  data: string;
  id?: string;
}

export interface SSEState {
  status: SSEStatus;
  lastEventId: string | null;
  error: Error | null;
  /** When the next reconnect attempt starts (ms since epoch), while waiting for one. */
  retryAt: number | null;
}

export interface SSESubscriber {
  events: readonly string[];
  onEvent(event: SSERawEvent): void;
  onState(state: SSEState): void;
}

export interface SSEOptions {
  /** Sent as `Authorization: Bearer …`; switches to the fetch mode. */
  token?: string;
  /** Where a brand-new connection resumes from. */
  lastEventId?: string | null;
  fetch?: typeof fetch;
}

const MAX_BACKOFF_MS = 30_000;

/** Full-jitter exponential backoff: a random delay in [base/2, min(cap, base·2^attempt)]. */
export function backoffDelay(attempt: number, baseMs: number, random = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt);
  const floor = Math.min(ceiling, baseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}

/** Errors that retrying will not fix: the user must sign in again. */
class FatalStreamError extends Error {}

export class SSEConnection {
  private readonly subscribers = new Set<SSESubscriber>();
  private state: SSEState;
  private attempt = 0;
  private retryBaseMs = 1_000;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private source: EventSource | null = null;
  private abort: AbortController | null = null;
  private readonly listened = new Set<string>();
  private closed = false;

  constructor(
    readonly url: string,
    private readonly options: SSEOptions = {},
    private readonly onIdle: () => void = () => {},
  ) {
    this.state = { status: "connecting", lastEventId: options.lastEventId ?? null, error: null, retryAt: null };
  }

  subscribe(subscriber: SSESubscriber): () => void {
    this.subscribers.add(subscriber);
    subscriber.onState(this.state);
    if (this.subscribers.size === 1 && !this.source && !this.abort) this.connect();
    else for (const name of subscriber.events) this.listen(name);
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.close();
    };
  }

  getState() {
    return this.state;
  }

  close() {
    this.closed = true;
    this.teardown();
    this.setState({ status: "closed", retryAt: null });
    this.onIdle();
  }

  private connect() {
    if (this.closed) return;
    this.setState({ status: "connecting", retryAt: null });
    if (this.options.token || typeof EventSource === "undefined") void this.connectWithFetch();
    else this.connectWithEventSource();
  }

  private connectWithEventSource() {
    const url = new URL(this.url, window.location.href);
    // EventSource sends Last-Event-ID only on its own retries; ours go in the query.
    if (this.state.lastEventId) url.searchParams.set("lastEventId", this.state.lastEventId);
    const source = new EventSource(url);
    this.source = source;
    this.listened.clear();
    source.onopen = () => this.opened();
    source.onerror = () => this.failed(new Error("The live connection was interrupted."));
    for (const subscriber of this.subscribers) for (const name of subscriber.events) this.listen(name);
  }

  private listen(name: string) {
    if (!this.source || this.listened.has(name)) return;
    this.listened.add(name);
    this.source.addEventListener(name, (e) => {
      const message = e as MessageEvent<string>;
      this.received({ event: name, data: message.data, id: message.lastEventId || undefined });
    });
  }

  private async connectWithFetch() {
    const abort = new AbortController();
    this.abort = abort;
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (this.state.lastEventId) headers["last-event-id"] = this.state.lastEventId;
    try {
      const res = await (this.options.fetch ?? fetch)(this.url, { headers, signal: abort.signal, cache: "no-store" });
      if (res.status === 401 || res.status === 403) throw new FatalStreamError(`The stream refused this client (${res.status}).`);
      if (!res.ok || !res.body) throw new Error(`The stream answered ${res.status}.`);
      this.opened();
      const parser = createParser({
        onEvent: (e) => this.received({ event: e.event ?? "message", data: e.data, id: e.id }),
        onRetry: (ms) => (this.retryBaseMs = ms),
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
      if (this.abort === abort) this.failed(new Error("The live connection ended."));
    } catch (error) {
      if (this.abort !== abort) return; // closed or replaced on purpose
      this.failed(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private opened() {
    this.attempt = 0;
    this.setState({ status: "open", error: null, retryAt: null });
  }

  private received(event: SSERawEvent) {
    if (event.id) this.state = { ...this.state, lastEventId: event.id };
    if (event.event === "reconnect") {
      // The server is about to end the response (platform time limit): resume now, no error.
      this.teardown();
      this.connect();
      return;
    }
    for (const subscriber of this.subscribers) if (subscriber.events.includes(event.event)) subscriber.onEvent(event);
    if (event.id) this.setState({});
  }

  private failed(error: Error) {
    this.teardown();
    if (this.closed) return;
    if (error instanceof FatalStreamError) {
      this.setState({ status: "closed", error, retryAt: null });
      return;
    }
    const delay = backoffDelay(this.attempt++, this.retryBaseMs);
    this.setState({ status: "connecting", error, retryAt: Date.now() + delay });
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private teardown() {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.source?.close();
    this.source = null;
    const abort = this.abort;
    this.abort = null;
    abort?.abort();
  }

  private setState(patch: Partial<SSEState>) {
    this.state = { ...this.state, ...patch };
    for (const subscriber of this.subscribers) subscriber.onState(this.state);
  }
}

const shared = new Map<string, SSEConnection>();

/** The page's one connection for this URL (and token), created on first use. */
export function sharedConnection(url: string, options: SSEOptions = {}): SSEConnection {
  const key = `${url}\u0000${options.token ?? ""}`;
  let connection = shared.get(key);
  if (!connection) {
    connection = new SSEConnection(url, options, () => shared.delete(key));
    shared.set(key, connection);
  }
  return connection;
}

/** An event's JSON data, or the error to report: a bad payload never throws. */
export function parseEventData<T>(raw: SSERawEvent): { data: T } | { error: Error } {
  try {
    return { data: JSON.parse(raw.data) as T };
  } catch {
    return { error: new Error(`The "${raw.event}" event carried data that is not JSON.`) };
  }
}
