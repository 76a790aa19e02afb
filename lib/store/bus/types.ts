// What travels between instances: every concern that must tell all of them
// something (a new notification, a read, a revoked token) sends it here, and
// each instance's hub holds one subscription (log/ owns subscribing, since a
// subscription that broke refills its gap from the log).
import type { AcknowledgedEventData, Audience, InboxEvent, Notification } from "../../shared/types";

export type BusMessage =
  | { type: "notification"; notification: Notification }
  /** Read, seen or archived: every stream of the user hears it. */
  | { type: "inbox"; userId: string; change: InboxEvent }
  | { type: "follows"; userId: string; following: string[] }
  /** Someone is on a firing alert: every stream it is addressed to hears who. */
  | { type: "acknowledged"; audience: Audience; data: AcknowledgedEventData }
  /** A revoked API token: every instance ends the streams it opened. */
  | { type: "token-revoked"; tokenId: string }
  /** A signed-out session: every instance ends its streams and stops trusting its cookie. */
  | { type: "session-revoked"; sessionId: string }
  /**
   * Sent with every presence report: an instance that does not hear its own
   * soon after reporting has a subscription that stopped receiving (a network
   * that dropped it without a word), and subscribes again.
   */
  | { type: "beat"; instanceId: string }
  /** The browser that held this stream opened a new one: whichever instance holds the old one ends it. */
  | { type: "stream-replaced"; userId: string; slotId: string }
  /** Raised locally by a subscription that lost messages the log no longer holds. */
  | { type: "gap" }
  /**
   * Raised locally as soon as a live subscription knows it lost the bus, before
   * it tries again: until the next `live`, messages may be missed (a sign-out
   * among them), so nothing may be trusted to arrive.
   */
  | { type: "interrupted" }
  /**
   * Raised locally by a subscription that came back after a break, before it
   * hands on what the log holds of the break: control messages sent
   * meanwhile (sign-outs, revoked tokens, follows, read state) are not in
   * the log, so the hub reads what they would have told it.
   */
  | { type: "resubscribed" }
  /**
   * Raised locally once the subscription is live (again): the newest id it
   * has handed on, or the log's newest when it started (null: an empty log).
   * Every later notification follows as a message.
   */
  | { type: "live"; newestId: string | null };

/** A message another concern sends to every instance (never a notification: only a publish sends those). */
export type ControlMessage = Exclude<BusMessage, { type: "notification" | "gap" | "interrupted" | "resubscribed" | "live" }>;

export interface BusSubscription {
  /** Settles once messages published from now on will be received. */
  ready: Promise<void>;
  close(): void;
  /**
   * Diagnostics: drops the subscription for `ms` as if the bus were
   * unreachable, then recovers the way a real break does, handing on what
   * was published meanwhile from the log.
   */
  pause(ms: number): void;
  /** Drops the subscription and subscribes again, as after a noticed break: it stopped receiving without a word. */
  restart(reason: string): void;
}
