// One live connection to an SSE endpoint, without React or tabs: a fetch
// stream parsed by eventsource-parser (unlike EventSource, fetch sees a 401,
// a 429's Retry-After and a token header), reconnecting with backoff and
// jitter and resuming from the last event id. A planned rotation (`event:
// reconnect`) reconnects at once and never shows as an interruption.
import { createParser } from "eventsource-parser";
import { isNewerId, newestId } from "../shared/ids";
import { StreamError, type SSERawEvent, type SSEState } from "./sse-types";

export interface ConnectionOptions {
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** Where the first request resumes from. */
  lastEventId?: string | null;
  /** Sent as X-Browser-Id: this stream replaces the browser's older one on the server. */
  browserId?: string;
  fetch?: typeof fetch;
}

export interface ConnectionListener {
  /** The events of one network chunk, at once (a burst is one render, not one per event). */
  onEvents(events: SSERawEvent[]): void;
  onState(state: SSEState): void;
  /** Anything arrived, heartbeats included: the connection is alive. */
  onActivity?(): void;
}

const MAX_BACKOFF_MS = 30_000;
const DEFAULT_RETRY_MS = 1_000;

/** Full-jitter exponential backoff: a random delay in [base/2, min(cap, base·2^attempt)]. */
export function backoffDelay(attempt: number, baseMs: number, random = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt);
  const floor = Math.min(ceiling, baseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}

export class SSEConnection {
  private state: SSEState;
  private attempt = 0;
  private retryBaseMs = DEFAULT_RETRY_MS;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private abort: AbortController | null = null;
  private closed = false;
  /** Where the next request resumes if the page knows of newer events than the stream sent (its history). */
  private resumeFrom: string | null = null;

  constructor(
    readonly url: string,
    private readonly options: ConnectionOptions,
    private readonly listener: ConnectionListener,
  ) {
    this.state = { status: "connecting", lastEventId: options.lastEventId ?? null, error: null, retryAt: null };
  }

  start() {
    if (typeof window !== "undefined") {
      window.addEventListener("online", this.retryNow);
      document.addEventListener("visibilitychange", this.onVisibility);
    }
    this.connect();
  }

  close() {
    if (this.closed) return;
    this.stop();
    this.setState({ status: "closed", retryAt: null });
  }

  private stop() {
    this.closed = true;
    if (typeof window !== "undefined") {
      window.removeEventListener("online", this.retryNow);
      document.removeEventListener("visibilitychange", this.onVisibility);
    }
    this.teardown();
  }

  getState() {
    return this.state;
  }

  /**
   * Moves the next request's resume point forward (the page learnt of newer
   * events elsewhere, e.g. its history). Events still arriving on this
   * connection are not skipped for it: they may be exactly those.
   */
  advanceTo(id: string) {
    if (isNewerId(id, this.resumeFrom)) this.resumeFrom = id;
  }

  /** While waiting to retry (not after a 429: the server said when), try now: the network is back or the tab is in view. */
  retryNow = () => {
    if (this.closed || !this.reconnectTimer || this.state.error?.kind === "too-many") return;
    this.teardown();
    this.connect();
  };

  private onVisibility = () => {
    if (document.visibilityState === "visible") this.retryNow();
  };

  private connect(planned = false) {
    if (this.closed) return;
    // A planned rotation stays "open": nothing was interrupted.
    if (!planned) this.setState({ status: "connecting", retryAt: null });
    void this.run();
  }

  private async run() {
    const abort = new AbortController();
    this.abort = abort;
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (this.options.browserId) headers["x-browser-id"] = this.options.browserId;
    const resume = newestId(this.resumeFrom, this.state.lastEventId);
    if (resume) headers["last-event-id"] = resume;
    try {
      const res = await (this.options.fetch ?? fetch)(this.url, { headers, signal: abort.signal, cache: "no-store" });
      if (!res.ok || !res.body) throw await refusal(res);
      this.attempt = 0;
      this.setState({ status: "open", error: null, retryAt: null });
      let rotate = false;
      let replaced = false;
      let heardEvent = false;
      let batch: SSERawEvent[] = [];
      const parser = createParser({
        onEvent: (e) => {
          const event: SSERawEvent = { event: e.event ?? "message", data: e.data, id: e.id };
          if (event.event === "reconnect") {
            rotate = true;
            return;
          }
          if (event.event === "replaced") {
            replaced = true;
            return;
          }
          heardEvent = true;
          if (!event.id || isNewerId(event.id, this.state.lastEventId)) {
            if (event.id) this.state = { ...this.state, lastEventId: event.id };
            batch.push(event);
          }
        },
        onRetry: (ms) => (this.retryBaseMs = ms),
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.abort !== abort) break;
        parser.feed(value);
        this.listener.onActivity?.();
        if (batch.length) {
          const events = batch;
          batch = [];
          this.listener.onEvents(events);
          this.setState({});
        }
        if (rotate || replaced) break;
      }
      if (this.abort !== abort) return;
      // This browser opened a newer stream (another tab took over): coming back would end that one.
      if (replaced) return this.close();
      // The server is about to end the response (its time limit, a revoked sign-in): resume now,
      // unless it said nothing else first (a stream turned away at once must not loop).
      if (rotate && heardEvent) {
        this.teardown();
        return this.connect(true);
      }
      this.failed(new StreamError("network", "The live connection ended."));
    } catch (error) {
      if (this.abort !== abort) return; // closed or replaced on purpose
      this.failed(error instanceof StreamError ? error : new StreamError("network", "The live connection was interrupted."));
    }
  }

  private failed(error: StreamError) {
    this.teardown();
    if (this.closed) return;
    if (error.kind === "unauthorized" || error.kind === "forbidden") {
      this.stop();
      this.setState({ status: "closed", error, retryAt: null });
      return;
    }
    const delay = Math.max(backoffDelay(this.attempt++, this.retryBaseMs), (error.retryAfterS ?? 0) * 1000);
    this.setState({ status: "connecting", error, retryAt: Date.now() + delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private teardown() {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const abort = this.abort;
    this.abort = null;
    abort?.abort();
  }

  private setState(patch: Partial<SSEState>) {
    this.state = { ...this.state, ...patch };
    this.listener.onState(this.state);
  }
}

/** What a refused stream request means for the person: sign in again, wait, or retry. */
async function refusal(res: Response): Promise<StreamError> {
  const message = await res
    .json()
    .then((body: { error?: unknown }) => (typeof body.error === "string" ? body.error : null))
    .catch(() => null);
  const retryAfter = Number(res.headers.get("retry-after"));
  const retryAfterS = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  if (res.status === 401) return new StreamError("unauthorized", message ?? "Your session has ended. Sign in again.");
  if (res.status === 403) return new StreamError("forbidden", message ?? "This account may not open the live stream.");
  if (res.status === 429) return new StreamError("too-many", message ?? "Too many devices connected: close one.", retryAfterS);
  return new StreamError("server", message ?? `The live stream answered ${res.status}.`, retryAfterS);
}
