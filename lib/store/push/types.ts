// Each person's Web Push subscriptions (one per browser that said "Notify
// this device") and which severities they want pushed.
import type { Severity } from "../../shared/types";

/** What the browser's PushManager answered, as the push service needs it (web-push's PushSubscription). */
export interface PushSubscriptionRecord {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** When it was made (ISO): past the cap, the oldest goes. */
  createdAt: string;
}

/** A person who has at least one subscription: whom the publish path asks about. */
export interface PushPerson {
  userId: string;
  email: string;
  name: string;
  severities: Severity[];
  subscriptions: PushSubscriptionRecord[];
}

/** The subscriptions a person may keep: a new browser past this replaces their oldest one. */
export const PUSH_SUBSCRIPTIONS_MAX = 10;

export const DEFAULT_PUSH_SEVERITIES: Severity[] = ["error", "critical"];

export interface PushStore {
  /**
   * Keeps the subscription (replacing one with the same endpoint); past
   * PUSH_SUBSCRIPTIONS_MAX the oldest go. A browser is one person's: its
   * endpoint leaves whoever had it before (someone else signed in there).
   */
  subscribe(person: Omit<PushPerson, "severities" | "subscriptions">, subscription: PushSubscriptionRecord): Promise<void>;
  /** Drops one of the person's subscriptions by endpoint (they stopped it, or the push service says it is gone); false when they had none there. */
  unsubscribe(userId: string, endpoint: string): Promise<boolean>;
  subscriptions(userId: string): Promise<PushSubscriptionRecord[]>;
  /** Everyone with a subscription, with them, in one round trip (two commands): a publish reads this, and nothing per person. */
  people(): Promise<PushPerson[]>;
  /** The severities the person wants pushed (DEFAULT_PUSH_SEVERITIES until they choose). */
  severities(userId: string): Promise<Severity[]>;
  setSeverities(userId: string, severities: Severity[]): Promise<void>;
}
