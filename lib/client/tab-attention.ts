// Which of the browser's tabs the person is looking at, so a new notification
// alerts once: a toast in the visible, focused tab (else the most recently
// focused visible one), or one desktop notification when no tab is in view.
// Tabs tell each other their visibility and focus over a BroadcastChannel;
// visible tabs repeat it now and then, so a crashed tab's claim expires.
// Without BroadcastChannel each tab only knows itself.
import { randomId } from "./random-id";

interface TabView {
  visible: boolean;
  focused: boolean;
  /** When this tab last gained focus (ms since epoch), 0 if never. */
  focusedAt: number;
  /** When this was said. */
  at: number;
}

type AttentionMessage = { type: "view"; tab: string; view: TabView } | { type: "gone"; tab: string } | { type: "who" };

const CHANNEL = "ntf-attention";
const REPEAT_MS = 20_000;
/** A visible tab that has not repeated itself for this long is presumed gone. */
const STALE_MS = 45_000;

export class TabAttention {
  private readonly id = randomId();
  private readonly others = new Map<string, TabView>();
  private focusedAt = 0;
  private channel: BroadcastChannel | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  start() {
    if (typeof BroadcastChannel !== "undefined") {
      this.channel = new BroadcastChannel(CHANNEL);
      this.channel.onmessage = (e: MessageEvent<AttentionMessage>) => this.onMessage(e.data);
    }
    if (document.hasFocus()) this.focusedAt = Date.now();
    window.addEventListener("focus", this.onFocus);
    window.addEventListener("blur", this.announce);
    window.addEventListener("pagehide", this.goodbye);
    document.addEventListener("visibilitychange", this.announce);
    this.timer = setInterval(() => document.visibilityState === "visible" && this.announce(), REPEAT_MS);
    this.announce();
    this.channel?.postMessage({ type: "who" } satisfies AttentionMessage);
  }

  stop() {
    this.goodbye();
    window.removeEventListener("focus", this.onFocus);
    window.removeEventListener("blur", this.announce);
    window.removeEventListener("pagehide", this.goodbye);
    document.removeEventListener("visibilitychange", this.announce);
    if (this.timer) clearInterval(this.timer);
    this.channel?.close();
    this.channel = null;
  }

  /** Whether this is the tab the person looks at: it shows toasts and acknowledges what reached the screen. */
  holdsAttention(): boolean {
    const me = this.view();
    if (!me.visible) return false;
    if (me.focused) return true;
    const visible = this.visibleOthers();
    if (visible.some(([, v]) => v.focused)) return false;
    return visible.every(([id, v]) => v.focusedAt < me.focusedAt || (v.focusedAt === me.focusedAt && id < this.id));
  }

  /** Whether any tab of the app is in view (else a desktop notification stands in for the toast). */
  anyTabVisible(): boolean {
    return this.view().visible || this.visibleOthers().length > 0;
  }

  private visibleOthers() {
    const now = Date.now();
    return [...this.others].filter(([, v]) => v.visible && now - v.at < STALE_MS);
  }

  private view(): TabView {
    return { visible: document.visibilityState === "visible", focused: document.hasFocus(), focusedAt: this.focusedAt, at: Date.now() };
  }

  private onFocus = () => {
    this.focusedAt = Date.now();
    this.announce();
  };

  private announce = () => {
    this.channel?.postMessage({ type: "view", tab: this.id, view: this.view() } satisfies AttentionMessage);
  };

  private goodbye = () => {
    this.channel?.postMessage({ type: "gone", tab: this.id } satisfies AttentionMessage);
  };

  private onMessage(message: AttentionMessage) {
    if (message.type === "who") this.announce();
    else if (message.type === "gone") this.others.delete(message.tab);
    else this.others.set(message.tab, message.view);
  }
}
