// The one interface behind which the embedded (in-memory) and the Upstash
// Redis stores live. Routes and the hub talk only to this; neither knows which
// store runs. Both are checked by the same contract suite (store-contract.ts).
import type { Channel, Notification, ReadEventData } from "../types";

export type NewNotification = Omit<Notification, "id" | "createdAt">;

/** What travels on the bus between instances. */
export type BusMessage =
  | { type: "notification"; notification: Notification }
  | { type: "read"; userId: string; data: ReadEventData }
  | { type: "follows"; userId: string; following: string[] }
  /** A revoked API token: every instance ends the streams it opened. */
  | { type: "token-revoked"; tokenId: string }
  /** A signed-out session: every instance ends its streams and stops trusting its cookie. */
  | { type: "session-revoked"; sessionId: string }
  /** Raised locally by a subscription that lost messages the log no longer holds. */
  | { type: "gap" };

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
}

export interface ReadState {
  /** Everything at or before this id is read ("mark all read"). */
  watermark: string | null;
  /** Ids after the watermark marked read one by one. */
  readIds: Set<string>;
}

/** A token acts as its owner with the owner's current role, derived from the email on every use. */
export interface TokenRecord {
  id: string;
  userId: string;
  email: string;
  name: string;
  label: string;
  hash: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface InstancePresence {
  id: string;
  connections: number;
}

export interface RateLimitResult {
  ok: boolean;
  retryAfterS: number;
}

/** What a stream asks for before it opens. */
export interface StreamAdmission {
  userId: string;
  /** Names this stream's slot under the per-user limit until it is released. */
  slotId: string;
  instanceId: string;
  /** MAX_CONNECTIONS_PER_USER, over every instance. */
  maxStreams: number;
  /** RATE_CONNECT_PER_MIN. */
  opensPerMinute: number;
  /** How long a slot may outlive its stream if its instance dies without releasing it (streams never live longer). */
  maxStreamMs: number;
  /** How long this instance counts as alive without another sign of life (a presence report or an admission). */
  instanceTtlMs: number;
}

export type AdmissionResult =
  | { ok: true; following: string[] }
  | { ok: false; refused: "streams" | "rate"; retryAfterS: number };

export interface Store {
  readonly mode: "embedded" | "upstash" | "redis";
  /** Round trips made to the backing service so far (0 for the embedded store). */
  readonly roundTrips: number;

  /** Stores the notification (id minted by the store) and publishes it, atomically. */
  publish(notification: NewNotification): Promise<Notification>;
  /**
   * Notifications with id > afterId, oldest first, at most `max`. `reset` is
   * true when some notification after afterId is no longer kept.
   */
  eventsAfter(afterId: string, max: number): Promise<{ events: Notification[]; reset: boolean }>;
  /** Up to `count` notifications with id < beforeId (or the newest), newest first. */
  eventsBefore(beforeId: string | null, count: number): Promise<Notification[]>;
  latestId(): Promise<string | null>;
  /** The stored notifications among `ids` (unknown or trimmed ones are left out), in id order. */
  eventsByIds(ids: string[]): Promise<Notification[]>;

  getReadState(userId: string): Promise<ReadState>;
  markRead(userId: string, ids: string[]): Promise<void>;
  markAllRead(userId: string, upToId: string): Promise<void>;
  publishRead(userId: string, data: ReadEventData): Promise<void>;

  listChannels(): Promise<Channel[]>;
  getFollowing(userId: string): Promise<string[]>;
  setFollowing(userId: string, channels: string[]): Promise<void>;

  createToken(record: TokenRecord): Promise<void>;
  listTokens(userId: string): Promise<TokenRecord[]>;
  /** Deletes the user's token and tells every instance (a `token-revoked` bus message); false when not theirs. */
  deleteToken(userId: string, tokenId: string): Promise<boolean>;
  findTokenByHash(hash: string): Promise<TokenRecord | null>;
  /** Whether the token still exists (not revoked). */
  tokenExists(tokenId: string): Promise<boolean>;
  touchToken(tokenId: string, at: string): Promise<void>;

  /**
   * Records a signed-out session until `untilMs` (its JWT's expiry, after
   * which the cookie is refused anyway) and tells every instance (a
   * `session-revoked` bus message).
   */
  revokeSession(sessionId: string, untilMs: number): Promise<void>;
  isSessionRevoked(sessionId: string): Promise<boolean>;

  /**
   * This instance's open-stream counts, kept for `ttlMs`: keyed by
   * presenceKey(); `deliveredDelta` is added to the global delivered counter.
   */
  reportPresence(instanceId: string, counts: Map<string, number>, deliveredDelta: number, ttlMs: number): Promise<void>;
  removePresence(instanceId: string): Promise<void>;
  liveInstances(): Promise<InstancePresence[]>;
  /** The sum of one presence count over every live instance except `exceptInstance`. */
  countElsewhere(key: string, exceptInstance: string): Promise<number>;
  counters(): Promise<{ published: number; delivered: number }>;

  /**
   * One round trip, atomic: a slot under the per-user stream limit (counted
   * exactly over every instance; slots of dead instances do not count), the
   * connect rate limit, and the user's followed channels.
   */
  admitStream(request: StreamAdmission): Promise<AdmissionResult>;
  /** Frees the stream's slot at once, for every instance. */
  releaseStream(userId: string, slotId: string, instanceId: string): Promise<void>;

  /** Fixed-window-or-better limiter: `limit` hits per `windowS` for `key`. */
  rateLimit(key: string, limit: number, windowS: number): Promise<RateLimitResult>;

  /** One subscription to the bus; the hub opens exactly one per instance. */
  subscribe(onMessage: (message: BusMessage) => void): BusSubscription;
  /** Throws when the backing service cannot be reached. */
  ping(): Promise<void>;
}

/** Retry-After for a stream refused over MAX_CONNECTIONS_PER_USER: a slot frees when any of the user's streams closes. */
export const STREAMS_RETRY_AFTER_S = 10;

/** Keys of the presence counts each instance reports. */
export const presenceKey = {
  all: "all",
  user: (userId: string) => `user:${userId}`,
  channel: (channel: string) => `channel:${channel}`,
};

export const DEFAULT_CHANNELS: Channel[] = [
  { name: "deploys", description: "Releases and rollbacks" },
  { name: "incidents", description: "Outages and their resolution" },
  { name: "security", description: "Security advisories and sign-in alerts" },
  { name: "billing", description: "Invoices, limits and plan changes" },
];
