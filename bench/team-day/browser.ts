// One person's browser, as the dashboard behaves on the wire (hooks/use-notification-feed.ts,
// lib/client/display-acks.ts): one stream with its browser id, resumed by id after every `reconnect`
// (the planned rotation) or drop; the newest page fetched when the stream connects (unless
// `connected` says the inbox is at the version shown); each live notification acknowledged as
// displayed (the tab is in view) a moment later, in one batch; some read, some bells opened.
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { compareIds } from "../../lib/shared/ids";

export interface BrowserOptions {
  /** The instances behind the load balancer: each request goes to any one of them (no affinity). */
  urls: string[];
  cookie: string;
  browserId: string;
  /** Whether this person marks what arrives read (one in three), and opens the bell (one in five). */
  reads: boolean;
  opensBell: boolean;
}

export interface BrowserTally {
  connects: number;
  historyFetches: number;
  notifications: number;
  acks: number;
}

const ACK_DELAY_MS = 1_000;
const RETRY_MS = 1_000;

export class SimulatedBrowser {
  readonly tally: BrowserTally = { connects: 0, historyFetches: 0, notifications: 0, acks: 0 };
  /** The instance holding this browser's stream now (null between streams). */
  streamUrl: string | null = null;
  private lastEventId: string | null = null;
  /** The inbox version the feed shows (from its last page or event), -1 before the first page. */
  private version = -1;
  private stopped = false;
  private controller: AbortController | null = null;
  private pendingAcks: string[] = [];
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: BrowserOptions) {}

  start() {
    this.running = this.loop();
  }

  async stop() {
    this.stopped = true;
    this.controller?.abort();
    if (this.ackTimer) clearTimeout(this.ackTimer);
    await this.running;
  }

  /**
   * Any instance, as a load balancer without affinity picks. (Taking each browser's next one in turn
   * sent every quiet rotation back to the instance it came from, since a stream and a page alternate:
   * one instance held every stream, and presence looked cheaper than it is.)
   */
  private url() {
    const { urls } = this.options;
    return urls[Math.floor(Math.random() * urls.length)]!;
  }

  private headers(extra: Record<string, string> = {}) {
    return { cookie: this.options.cookie, ...extra };
  }

  /** It holds a notification id to resume from. */
  get resumesFromAnId() {
    return this.lastEventId !== null;
  }

  private async loop() {
    while (!this.stopped) {
      this.controller = new AbortController();
      const url = this.url();
      try {
        const res = await fetch(`${url}/api/events?browserId=${this.options.browserId}`, {
          headers: this.headers(this.lastEventId ? { "last-event-id": this.lastEventId } : {}),
          signal: this.controller.signal,
        });
        if (res.ok && res.body) {
          this.streamUrl = url;
          await this.read(res.body);
        }
        else await res.arrayBuffer().catch(() => undefined);
      } catch {
        // Dropped or aborted: reconnect (below) unless stopped.
      }
      this.streamUrl = null;
      if (!this.stopped) await new Promise((r) => setTimeout(r, this.lastEnd === "reconnect" ? 0 : RETRY_MS));
    }
  }

  private lastEnd: "reconnect" | "dropped" = "dropped";

  private async read(body: ReadableStream<Uint8Array>) {
    this.lastEnd = "dropped";
    const parser = createParser({ onEvent: (event) => this.onEvent(event) });
    const decoder = new TextDecoder();
    const reader = body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) parser.feed(decoder.decode(chunk.value, { stream: true }));
  }

  private onEvent(event: EventSourceMessage) {
    switch (event.event) {
      case "connected": {
        this.tally.connects++;
        const { inboxVersion } = JSON.parse(event.data) as { inboxVersion?: number };
        // A resume by id brings every notification missed; only a change of marks or mutes needs the page.
        if (this.lastEventId === null || inboxVersion !== this.version) void this.fetchNewestPage();
        return;
      }
      case "notification":
        this.tally.notifications++;
        if (event.id) this.lastEventId = event.id;
        this.pendingAcks.push(event.id!);
        this.ackTimer ??= setTimeout(() => void this.acknowledge(), ACK_DELAY_MS);
        return;
      case "read":
      case "seen":
      case "archived":
      case "preferences": {
        const { version } = JSON.parse(event.data) as { version: number };
        // A skipped version means a missed change: the page is fetched again (feed-state.ts's applyCount).
        if (this.version >= 0 && version > this.version + 1) void this.fetchNewestPage();
        this.version = Math.max(this.version, version);
        return;
      }
      case "reconnect":
        this.lastEnd = "reconnect";
        return;
    }
  }

  private async fetchNewestPage() {
    this.tally.historyFetches++;
    const res = await fetch(`${this.url()}/api/notifications?limit=30&muted=0`, { headers: this.headers() });
    if (!res.ok) return void (await res.arrayBuffer());
    const page = (await res.json()) as { version: number; items: { id: string }[] };
    this.version = Math.max(this.version, page.version);
    if (page.items[0] && (!this.lastEventId || compareIds(page.items[0].id, this.lastEventId) > 0)) this.lastEventId = page.items[0].id;
  }

  private async post(path: string, body: unknown) {
    const url = this.url();
    const res = await fetch(`${url}${path}`, { method: "POST", headers: this.headers({ origin: url, "content-type": "application/json" }), body: JSON.stringify(body) });
    await res.arrayBuffer();
    return res.ok;
  }

  private async acknowledge() {
    this.ackTimer = null;
    const ids = this.pendingAcks.splice(0);
    if (!ids.length) return;
    const now = Date.now();
    if (await this.post("/api/notifications/ack", { browserId: this.options.browserId, displayed: ids.map((id) => ({ id, displayedAt: now, live: true })) })) this.tally.acks++;
    if (this.options.opensBell) await this.post("/api/notifications/seen", { upTo: ids.at(-1) });
    if (this.options.reads) await this.post("/api/notifications/read", { ids });
  }
}
