// The instance's one bus subscription, as the hub hears it: dispatch of each
// message to the hub, whether the subscription is live (and since when), the
// follows trusted while it stays live, and the catch-up after a break
// (bus-break.ts). The hub (hub.ts) holds the streams; this holds the bus.
//
// A network may drop a quiet connection without a FIN or an RST reaching
// this process (NAT gateways, load balancers and firewalls do): a
// subscription then hears nothing, for ever, and says nothing. So every
// presence report carries a beat on the bus, and an instance that does not
// hear its own within ECHO_MS of reporting subscribes again (a noticed break:
// the gap is filled from the log, the control messages read again). And a
// subscription that has heard nothing for a report's interval and ECHO_MS is
// not trusted meanwhile: admissions, sign-in checks and resumes ask the store.
// Both cost no command of their own: the beat rides in the report's script.
import type { BusMessage, BusSubscription } from "../store/bus/types";
import type { Stores } from "../store/stores";
import type { Audience, Notification } from "../shared/types";
import { catchUpAfterBreak, type BreakCatchUpHost } from "./bus-break";
import { BusTrustedCache } from "./bus-trusted-cache";
import { encodeJsonEvent } from "./encode";
import type { RecentRevocations } from "./revocations";
import { log } from "../server/log";

/** A catch-up after a bus break that the store could not answer is tried again this soon. */
const CATCH_UP_RETRY_MS = 2_000;
/** A report's own beat not heard this long after the report went through: the subscription stopped receiving. */
export const ECHO_MS = 8_000;

/** What the hub does with what the bus says. */
export interface BusListenerHost extends BreakCatchUpHost {
  notification(notification: Notification): void;
  /** An inbox change of the user's, encoded as its stream event. */
  inboxChanged(userId: string, version: number, chunk: Uint8Array): void;
  streamReplaced(userId: string, slotId: string): void;
  /** An event for every stream an audience reaches, encoded. */
  toAudience(audience: Audience, chunk: Uint8Array): void;
  /** The bus lost messages the log no longer holds. */
  gap(): void;
  /** The subscription broke: the store is away (store-status.ts). */
  interrupted(): void;
  /** The subscription is live (again). */
  live(): void;
  /** A catch-up ended: live events held meanwhile may go. */
  caughtUp(): void;
}

export class BusListener {
  private subscription: BusSubscription | null = null;
  /** The subscription once its `ready` settled (a new one is not live until then). */
  private liveSubscription: BusSubscription | null = null;
  /** Moves on whenever the subscription changes or breaks: the same mark at two moments means nothing was missed between. */
  private epoch = 0;
  /** When the current mark began: while it holds, every message sent since then has been heard. */
  private epochStartedAt = 0;
  /**
   * The newest notification heard on the subscription, or the log's newest when it went live (none after
   * a break, until it is live again): a stream resuming from it, while that subscription stays live,
   * missed nothing and reads nothing from the log (a planned rotation of a quiet team costs no resume read).
   */
  private newestHeard: { subscription: BusSubscription; id: string } | null = null;
  /** Users' follows, trusted while the bus stays live (every change is a `follows` message). */
  private readonly follows = new BusTrustedCache<string[]>();
  /** After a bus break, live events wait until what the lost control messages would have said is read (catchUpAfterBreak). */
  private catching = false;
  private catchUpTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the subscription last heard anything from the bus (or went live). */
  private lastHeardAt = 0;
  /** When the subscription was opened (the first stream here), and whether it has gone live since (a break does not undo that). */
  private openedAt = 0;
  private wentLive = false;

  private echoTimer: ReturnType<typeof setTimeout> | null = null;

  /** `heardWithinMs`: the subscription is trusted only while it heard something that recently (a report's interval and ECHO_MS). */
  constructor(
    private readonly store: Pick<Stores, "log" | "directory">,
    private readonly revocations: RecentRevocations,
    private readonly heardWithinMs: number,
    private readonly host: BusListenerHost,
  ) {}

  /** Subscribes, unless subscribed already (the first stream of the instance). */
  open() {
    if (this.subscription) return;
    this.subscription = this.store.log.subscribe(this.onMessage);
    this.openedAt = Date.now();
    this.wentLive = false;
    this.nextEpoch();
  }

  /** The last stream is gone: the subscription, its timer and what it trusted go too. */
  close() {
    this.subscription?.close();
    this.subscription = null;
    this.liveSubscription = null;
    this.nextEpoch();
    this.follows.clear();
    if (this.catchUpTimer) clearTimeout(this.catchUpTimer);
    this.catchUpTimer = null;
    this.stopWaitingForEcho();
  }

  get subscribed() {
    return this.subscription !== null;
  }

  get timers() {
    return (this.catchUpTimer ? 1 : 0) + (this.echoTimer ? 1 : 0);
  }

  /**
   * idle: no subscription (no stream open here); opening: the first stream's, not live yet (for a trust
   * window at most); live; or not live (subscribing again after a break, or heard nothing lately). Opening
   * is no reason for a load balancer to look elsewhere: every instance's first stream opens one, and in a
   * rolling restart the other instance may be the one going away (behind Caddy, "no upstreams available").
   */
  get state(): "idle" | "opening" | "live" | "not live" {
    if (!this.subscription) return "idle";
    if (this.liveMark() !== null) return "live";
    return !this.wentLive && Date.now() - this.openedAt <= this.heardWithinMs ? "opening" : "not live";
  }

  /**
   * A presence report that started at `sentAt` went through, and with it a beat: unless the
   * subscription hears it within ECHO_MS, it stopped receiving and subscribes again.
   */
  expectEcho(sentAt: number) {
    const subscription = this.subscription;
    if (!subscription || subscription !== this.liveSubscription || this.lastHeardAt >= sentAt || this.echoTimer) return;
    // Anything heard since the report went proves the subscription receives (its own beat is the one thing sure to come).
    const silent = () => subscription === this.subscription && subscription === this.liveSubscription && this.lastHeardAt < sentAt;
    this.echoTimer = setTimeout(() => {
      this.echoTimer = null;
      // After a stalled event loop, the beat may wait in the socket: what is read in this turn goes first.
      setImmediate(() => {
        if (!silent()) return;
        log().error({ component: "bus" }, `heard nothing of this instance's presence report for ${ECHO_MS / 1000} s: the subscription stopped receiving; subscribing again`);
        subscription.restart(`silent for ${ECHO_MS / 1000} s after a presence report`);
      });
    }, ECHO_MS);
    this.echoTimer.unref?.();
  }

  private stopWaitingForEcho() {
    if (this.echoTimer) clearTimeout(this.echoTimer);
    this.echoTimer = null;
  }

  /** Live events wait while a catch-up after a break runs. */
  get catchingUp() {
    return this.catching;
  }

  /** Diagnostics: the subscription drops for `ms`, then recovers; false when there is none (no streams). */
  pause(ms: number): boolean {
    if (!this.subscription) return false;
    this.subscription.pause(ms);
    return true;
  }

  /**
   * A mark of the bus subscription as live now, or null when it is not: a
   * stream admitted under a mark that still holds when it opens missed no
   * revocation or inbox change sent after its admission read the store.
   */
  liveMark(): number | null {
    const heardLately = Date.now() - this.lastHeardAt <= this.heardWithinMs;
    return this.subscription !== null && this.subscription === this.liveSubscription && heardLately ? this.epoch : null;
  }

  /** Since when the subscription has been live without a break, or null. */
  liveSince(): number | null {
    return this.liveMark() === null ? null : this.epochStartedAt;
  }

  /** The user's follows as this instance knows them for sure (null: read them, then learnFollowing). */
  knownFollowing(userId: string): string[] | null {
    return this.follows.get(userId, this.liveSince());
  }

  /** Follows read from the store by a read that started at `readAt`. */
  learnFollowing(userId: string, following: string[], readAt: number) {
    if (this.liveSince() !== null) this.follows.learn(userId, following, readAt);
  }

  /**
   * Waits until the subscription is live: a stream's replay must not read the log before it, or an
   * event published between the two would be in neither. Answers whether a resume from an id is up
   * to date without the log (the subscription was live before and has heard nothing newer since).
   */
  async untilLive(): Promise<(lastEventId: string | null) => boolean> {
    const subscription = this.subscription;
    const wasLive = subscription !== null && subscription === this.liveSubscription;
    await subscription?.ready;
    if (subscription && subscription === this.subscription) this.markLive(subscription);
    return (lastEventId) => wasLive && this.newestHeard?.subscription === subscription && this.newestHeard.id === lastEventId;
  }

  private nextEpoch() {
    this.epoch++;
    this.epochStartedAt = Date.now();
  }

  private markLive(subscription: BusSubscription) {
    if (this.liveSubscription === subscription) return;
    this.liveSubscription = subscription;
    this.wentLive = true;
    this.lastHeardAt = Date.now();
    this.nextEpoch();
  }

  /** A message came over the bus: after a silence longer than trusted, what it missed meanwhile is not known (a new mark). */
  private heard() {
    const now = Date.now();
    if (now - this.lastHeardAt > this.heardWithinMs) this.nextEpoch();
    this.lastHeardAt = now;
  }

  private onMessage = (message: BusMessage) => {
    if (message.type !== "interrupted" && message.type !== "resubscribed" && message.type !== "gap" && message.type !== "live") this.heard();
    switch (message.type) {
      case "beat":
        // Heard: that is all a beat says.
        return;
      case "notification":
        if (this.subscription) this.newestHeard = { subscription: this.subscription, id: message.notification.id };
        return this.host.notification(message.notification);
      case "inbox":
        return this.host.inboxChanged(message.userId, message.change.data.version, encodeJsonEvent(message.change.event, message.change.data));
      case "follows":
        this.follows.learn(message.userId, message.following, Date.now());
        return this.host.updateFollowing(message.userId, message.following);
      case "session-revoked":
        return this.host.revoked({ kind: "session", sessionId: message.sessionId });
      case "token-revoked":
        return this.host.revoked({ kind: "token", tokenId: message.tokenId });
      case "stream-replaced":
        return this.host.streamReplaced(message.userId, message.slotId);
      case "acknowledged":
        return this.host.toAudience(message.audience, encodeJsonEvent("acknowledged", message.data));
      case "gap":
        this.newestHeard = null;
        this.nextEpoch();
        return this.host.gap();
      case "resubscribed":
        this.newestHeard = null;
        this.stopWaitingForEcho();
        this.nextEpoch();
        return void this.catchUpAfterBreak();
      case "interrupted":
        // Not live until it says so again: admissions and session checks ask the store meanwhile.
        this.host.interrupted();
        this.newestHeard = null;
        this.stopWaitingForEcho();
        this.liveSubscription = null;
        this.nextEpoch();
        return;
      case "live":
        this.newestHeard = message.newestId !== null && this.subscription ? { subscription: this.subscription, id: message.newestId } : null;
        if (this.subscription) this.markLive(this.subscription);
        return this.host.live();
    }
  };

  /** Live events wait while what the break's lost control messages would have said is read again (bus-break.ts). */
  private catchUpAfterBreak = async () => {
    this.catchUpTimer = null;
    if (!this.subscription) return;
    this.catching = true;
    const done = await catchUpAfterBreak(this.host, this.store.directory, this.revocations);
    this.catching = false;
    if (!done && !this.catchUpTimer) this.catchUpTimer = setTimeout(this.catchUpAfterBreak, CATCH_UP_RETRY_MS);
    this.host.caughtUp();
  };
}
