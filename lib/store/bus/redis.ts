// The instance's bus subscription in the Redis-backed modes, and how it
// refills what a break lost from the log.
import { compareIds } from "../../shared/ids";
import type { Notification } from "../../shared/types";
import type { BusMessage, BusSubscription } from "./types";
import type { RedisClient } from "../redis/client";
import { KEY } from "../redis/keys";
import { toNotification, type WireMessage } from "../redis/wire";
import { log } from "../../server/log";

const RESUBSCRIBE_MAX_MS = 10_000;
const GAP_FILL_PAGE = 1_000;

/**
 * The instance's one upstream subscription, over the client's transport (an
 * SSE stream from Upstash, a subscriber connection to Redis). It
 * re-subscribes with backoff and fills the gap from the log, so a break
 * upstream loses nothing and duplicates nothing.
 */
export class RedisSubscription implements BusSubscription {
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private abort: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private attempt = 0;
  /** Live once already: the next subscribe follows a break. */
  private wasLive = false;
  /** Newest notification id handed on; older or equal ones are dropped. */
  private lastId: string | null = null;
  /**
   * The log's newest id read before the first subscribe: where a gap fill
   * starts while nothing has been handed on yet, so a break before the first
   * event still loses nothing.
   */
  private baseline: string | null = null;
  /** Set by pause(): the next re-subscribe waits this long instead of backing off. */
  private pauseMs: number | null = null;

  constructor(
    private readonly transport: RedisClient["subscribe"],
    private readonly onMessage: (message: BusMessage) => void,
    private readonly log: {
      latestId(): Promise<string | null>;
      eventsAfter(afterId: string, max: number): Promise<{ events: Notification[]; reset: boolean }>;
    },
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    void this.connect();
  }

  close() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort?.abort();
    this.abort = null;
    this.markReady(); // nobody waits on a closed subscription
  }

  restart(reason: string) {
    if (this.closed) return;
    this.abort?.abort(new Error(reason));
  }

  pause(ms: number) {
    if (this.closed) return;
    this.pauseMs = ms;
    this.abort?.abort(new Error(`paused for ${ms} ms by diagnostics`));
  }

  private async connect() {
    const abort = new AbortController();
    this.abort = abort;
    try {
      if (this.lastId === null && this.baseline === null) this.baseline = (await this.log.latestId()) ?? "0-0";
      // Closed or paused during that read: subscribing now would open a connection nobody closes.
      if (this.closed || abort.signal.aborted) throw abort.signal.reason ?? new Error("closed while starting");
      // Messages wait here until the gap fill is done; `live` flips in the same
      // synchronous step that empties the buffer, so none can fall between.
      const handover = { live: false, buffered: [] as WireMessage[] };
      await this.transport(
        KEY.bus,
        {
          onSubscribed: () => {
            this.subscribed(handover).catch((error: Error) => abort.abort(new Error(`catching up from the log failed: ${error.message}`)));
          },
          onMessage: (payload) => {
            const message = JSON.parse(payload) as WireMessage;
            if (handover.live) this.deliver(message);
            else handover.buffered.push(message);
          },
        },
        abort.signal,
      );
      throw new Error("the subscription ended");
    } catch (error) {
      if (this.closed) return;
      if (this.wasLive) this.onMessage({ type: "interrupted" });
      const reason = abort.signal.aborted && abort.signal.reason instanceof Error ? abort.signal.reason : (error as Error);
      const delay = this.pauseMs ?? Math.min(RESUBSCRIBE_MAX_MS, 250 * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
      this.pauseMs = null;
      log().error({ component: "bus" }, `upstream subscription lost (${reason.message}); re-subscribing in ${Math.round(delay)} ms`);
      this.timer = setTimeout(() => void this.connect(), delay);
    }
  }

  /** Once subscribed: hand on what the log holds beyond the last id (what a break lost), then what arrived meanwhile. */
  private async subscribed(handover: { live: boolean; buffered: WireMessage[] }) {
    if (this.wasLive) this.onMessage({ type: "resubscribed" });
    for (;;) {
      const from = this.lastId ?? this.baseline ?? "0-0";
      const { events, reset } = await this.log.eventsAfter(from, GAP_FILL_PAGE);
      // Trimmed past the last id: what was lost is gone from the log too.
      if (reset) this.onMessage({ type: "gap" });
      for (const n of events) this.deliverNotification(n);
      if (events.length < GAP_FILL_PAGE) break;
    }
    for (const message of handover.buffered) this.deliver(message);
    handover.buffered = [];
    handover.live = true;
    this.attempt = 0;
    this.wasLive = true;
    this.onMessage({ type: "live", newestId: this.lastId ?? (this.baseline === "0-0" ? null : this.baseline) });
    this.markReady();
  }

  private deliver(message: WireMessage) {
    // A transport may still hand on what was already in flight when it was closed.
    if (this.closed) return;
    if (message.type === "notification") this.deliverNotification(toNotification(message.id, message.n));
    else if (message.type === "read") this.onMessage({ type: "inbox", userId: message.userId, change: { event: "read", data: message.data } });
    else this.onMessage(message);
  }

  private deliverNotification(notification: Notification) {
    if (this.closed) return;
    if (this.lastId && compareIds(notification.id, this.lastId) <= 0) return;
    this.lastId = notification.id;
    this.onMessage({ type: "notification", notification });
  }
}
