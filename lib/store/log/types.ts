// The notification log: every notification ever published (up to
// HISTORY_MAX), in id order, and the bus that carries new ones live.
import type { Notification } from "../../shared/types";
import type { BusMessage, BusSubscription } from "../bus/types";

export type NewNotification = Omit<Notification, "id" | "createdAt">;


/**
 * What a tool's re-send is known by, under the notification's collapse
 * scope: one whose signature is the last one applied there (a retried
 * webhook, an alert re-sent unchanged) adds nothing, and so does one whose
 * order is below the last one's (an older status arriving late).
 */
export interface Revision {
  signature: string;
  order?: number;
}

export interface Outgoing {
  notification: NewNotification;
  /** Streams connected to its audience now: its funnel starts with it. */
  targeted?: number;
  revision?: Revision;
}

export interface AfterId {
  events: Notification[];
  reset: boolean;
  unknownId: boolean;
}

export interface NotificationLog {
  /**
   * Stores the notification (id minted by the store) and publishes it,
   * atomically; `targeted` (streams connected now) starts its funnel in the
   * same round trip.
   */
  publish(notification: NewNotification, targeted?: number): Promise<Notification>;
  /**
   * Stores and publishes a batch in one atomic step, in order: all of it or
   * none (a webhook's payload). A notification its revision says was applied
   * already, or is older than what was, is left out: null in its place.
   */
  publishAll(batch: Outgoing[]): Promise<(Notification | null)[]>;
  /**
   * Notifications with id > afterId, oldest first, at most `max`. `reset` is
   * true when some notification after afterId is no longer kept; `unknownId`
   * when afterId is older than everything the log holds (or it holds
   * nothing) and nothing was ever trimmed from it: the log started after it
   * (it was wiped, or an embedded store restarted), in the same round trip.
   * An unknown id between held ones is not told apart from a known one:
   * that would say whether anyone was sent something at that moment.
   */
  eventsAfter(afterId: string, max: number): Promise<AfterId>;
  /** Up to `count` notifications with id < beforeId (or the newest), newest first. */
  eventsBefore(beforeId: string | null, count: number): Promise<Notification[]>;
  /**
   * Up to `count` notifications in any of `indexes`, newest first, with
   * `after` < id < `before` (null: no bound). The log keeps an index per
   * audience (audienceKey: what was sent to it), so a page costs O(count),
   * however much else the log holds: one person's history is never a scan of
   * everyone's.
   */
  eventsInIndexes(indexes: string[], range: { before: string | null; after: string | null }, count: number): Promise<Notification[]>;
  /**
   * A search: looks at the next `count` notifications of `indexes` (newest
   * first, as eventsInIndexes) and answers those holding every one of
   * `words` (lib/shared/search-words.ts), with the last id looked at (null:
   * the indexes ran out), where the next call goes on. Each entry keeps its
   * words beside it, so the search index costs less than the log and goes
   * with each entry it indexes; a search costs O(what it looks at) in one
   * round trip.
   */
  searchIndexes(
    indexes: string[],
    range: { before: string | null; after: string | null },
    count: number,
    words: string[],
  ): Promise<{ events: Notification[]; lastLookedAt: string | null }>;
  latestId(): Promise<string | null>;
  /** The stored notifications among `ids` (unknown or trimmed ones are left out), in id order. */
  eventsByIds(ids: string[]): Promise<Notification[]>;
  /** The newest id published under each collapse scope (see collapseScope), absent for scopes never used. */
  latestInCollapseScopes(scopes: string[]): Promise<Map<string, string>>;
  /** The stored notifications of these collapse scopes (a thread each: its newest THREAD_MAX), in id order, in one round trip. */
  threadsOf(scopes: string[]): Promise<Notification[]>;
  /** Notifications ever published. */
  publishedCount(): Promise<number>;
  /** One subscription to the bus; the hub opens exactly one per instance. */
  subscribe(onMessage: (message: BusMessage) => void): BusSubscription;
}
