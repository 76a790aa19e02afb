// The notification log: every notification ever published (up to
// HISTORY_MAX), in id order, and the bus that carries new ones live.
import type { Notification } from "../../shared/types";
import type { BusMessage, BusSubscription } from "../bus/types";

export type NewNotification = Omit<Notification, "id" | "createdAt">;

export interface NotificationLog {
  /**
   * Stores the notification (id minted by the store) and publishes it,
   * atomically; `targeted` (streams connected now) starts its funnel in the
   * same round trip.
   */
  publish(notification: NewNotification, targeted?: number): Promise<Notification>;
  /**
   * Notifications with id > afterId, oldest first, at most `max`. `reset` is
   * true when some notification after afterId is no longer kept.
   */
  eventsAfter(afterId: string, max: number): Promise<{ events: Notification[]; reset: boolean }>;
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
  /** Notifications ever published. */
  publishedCount(): Promise<number>;
  /** One subscription to the bus; the hub opens exactly one per instance. */
  subscribe(onMessage: (message: BusMessage) => void): BusSubscription;
}
