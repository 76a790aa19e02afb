// Tells the server which notifications reached this browser's screen, which
// links were opened, and which arrived muted, for the alerts' funnels (POST
// /api/notifications/ack). Once per browser and person: acknowledged ids
// are remembered in localStorage (per user), which every tab shares, and only
// the tab the person looks at acknowledges. At most one request a second; an
// opened link, and what is pending when the page goes, are sent at once with
// keepalive, since the page may be leaving.
import { ApiClientError, apiFetch } from "./api-client";
import { sharedBrowserId } from "./browser-id";
import type { AckResult } from "../shared/types";

const ACKED_KEY = (userId: string) => `ntf-acked:${userId}`;
/** Remembered acknowledged ids (the feed holds at most 100). */
const ACKED_KEEP = 300;
const SEND_EVERY_MS = 1_000;
/** Per request, as the API allows. */
const MAX_IDS = 100;

interface Displayed {
  id: string;
  displayedAt: number;
  /** Shown as it was delivered, not later from history: only those time the funnel. */
  live: boolean;
}

/** Live arrivals remembered until shown (the feed holds at most 100). */
const LIVE_KEEP = 200;

export class DisplayAcks {
  private pending = new Map<string, Displayed>();
  private opened = new Set<string>();
  private muted = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSentAt = 0;
  private sending = false;
  /** Server clock minus this browser's clock, from the stream's `connected`s (see setServerTime). */
  private skewMs: number | null = null;
  private readonly live = new Set<string>();

  constructor(
    private readonly userId: string,
    private readonly post: (body: unknown, keepalive: boolean) => Promise<unknown> = postAck,
  ) {}

  start() {
    window.addEventListener("pagehide", this.flushNow);
  }

  /** Stops, sending what is pending. */
  stop() {
    window.removeEventListener("pagehide", this.flushNow);
    this.flushNow();
  }

  /**
   * The stream said the server's time: acknowledgements carry times on the
   * server's clock. Each sample is late by the event's way here, so it
   * understates the offset; the largest sample is the least late (a single
   * one made fast cards read as 0 ms).
   */
  setServerTime(serverTime: string, receivedAt = Date.now()) {
    const server = Date.parse(serverTime);
    if (Number.isFinite(server)) this.skewMs = Math.max(this.skewMs ?? -Infinity, server - receivedAt);
  }

  /** It came over the stream as it was published. */
  arrivedLive(id: string) {
    this.live.add(id);
    if (this.live.size > LIVE_KEEP) this.live.delete(this.live.values().next().value!);
  }

  /** These are on screen now; each is acknowledged once per browser and person. */
  displayed(ids: string[]) {
    const acked = readAcked(this.userId);
    const at = Math.round(Date.now() + (this.skewMs ?? 0));
    for (const id of ids) {
      if (acked.has(id) || this.pending.has(id)) continue;
      this.pending.set(id, { id, displayedAt: at, live: this.live.delete(id) });
    }
    if (this.pending.size) this.schedule();
  }

  /** It came over the stream, and the person's preferences muted it: it is not shown, on purpose. */
  mutedLive(id: string) {
    if (readAcked(this.userId).has(id)) return;
    this.muted.add(id);
    this.schedule();
  }

  /** The person opened the notification's link (which also reads it). */
  openedLink(id: string) {
    this.opened.add(id);
    void this.send(true);
  }

  private flushNow = () => void this.send(true);

  private cancelTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule() {
    if (this.timer || this.sending) return;
    this.timer = setTimeout(() => void this.send(false), Math.max(0, this.lastSentAt + SEND_EVERY_MS - Date.now()));
  }

  private async send(keepalive: boolean) {
    if (this.sending) return;
    this.cancelTimer();
    const displayed = [...this.pending.values()].slice(0, MAX_IDS);
    const opened = [...this.opened].slice(0, MAX_IDS);
    const muted = [...this.muted].slice(0, MAX_IDS);
    if (!displayed.length && !opened.length && !muted.length) return;
    this.sending = true;
    this.lastSentAt = Date.now();
    try {
      await this.post({ browserId: sharedBrowserId(), displayed, opened, muted }, keepalive);
      this.forget(displayed.map((d) => d.id), opened, muted);
      remember(this.userId, [...displayed.map((d) => d.id), ...muted]);
    } catch (error) {
      // Ids the server does not know as ours (trimmed, or a channel left) are dropped and
      // remembered, so they are not offered again; the rest go again.
      if (error instanceof ApiClientError && error.status === 400) {
        const refused = error.body.ids ?? [...displayed.map((d) => d.id), ...opened, ...muted];
        this.forget(refused, refused, refused);
        remember(this.userId, refused);
      }
    } finally {
      this.sending = false;
    }
    if (this.pending.size || this.opened.size || this.muted.size) this.schedule();
  }

  private forget(displayed: string[], opened: string[], muted: string[]) {
    for (const id of displayed) this.pending.delete(id);
    for (const id of opened) this.opened.delete(id);
    for (const id of muted) this.muted.delete(id);
  }
}

function postAck(body: unknown, keepalive: boolean) {
  return apiFetch<AckResult>("/api/notifications/ack", { method: "POST", body, keepalive });
}

/** People signed out in this page: an acknowledgement answered after (one on its way, or sent as the page hides) keeps nothing. */
const signedOut = new Set<string>();

/** Signing out: what this browser showed the person is not left behind for whoever uses it next. */
export function forgetDisplayed(userId: string) {
  signedOut.add(userId);
  try {
    localStorage.removeItem(ACKED_KEY(userId));
  } catch {
    // Storage off: nothing was kept.
  }
}

function readAcked(userId: string): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(ACKED_KEY(userId)) ?? "[]") as string[]);
  } catch {
    return new Set();
  }
}

function remember(userId: string, ids: string[]) {
  if (!ids.length || signedOut.has(userId)) return;
  try {
    localStorage.setItem(ACKED_KEY(userId), JSON.stringify([...readAcked(userId), ...ids].slice(-ACKED_KEEP)));
  } catch {
    // Storage full or off: the server counts a browser once anyway.
  }
}
