// The one interface behind which the embedded (in-memory) and the Upstash
// Redis stores live. Routes and the hub talk only to this; neither knows which
// store runs. Both are checked by the same contract suite (store-contract.ts).
import type { Channel, FunnelStage, InboxEvent, Notification } from "../types";

export type NewNotification = Omit<Notification, "id" | "createdAt">;

/** What travels on the bus between instances. */
export type BusMessage =
  | { type: "notification"; notification: Notification }
  /** Read, seen or archived: every stream of the user hears it. */
  | { type: "inbox"; userId: string; change: InboxEvent }
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

/** One user's marks on the shared history. */
export interface InboxState {
  /** Everything at or before this id is read ("mark all read"). */
  watermark: string | null;
  /** Ids after the watermark marked read one by one. */
  readIds: Set<string>;
  /** Everything at or before this id was seen (the bell's menu opened). */
  seenUpTo: string | null;
  /** Everything read at or before this id is archived ("archive all read" archives up to the read watermark). */
  archivedUpTo: string | null;
  /** Ids archived one by one, or read one by one when all read ones were archived. */
  archivedIds: Set<string>;
}

/**
 * One step of an alert's funnel. With a `member` ("u:<user id>" or
 * "b:<browser id>"), it counts once per member (adding `count`, which may be
 * 0 to only record the member's state) and keeps the member's latency; without
 * one, it adds `count`.
 */
export interface FunnelMark {
  notificationId: string;
  stage: FunnelStage;
  member?: string;
  count: number;
  latencyMs?: number;
}

export interface FunnelRecord {
  counts: Record<FunnelStage, number>;
  /** Display latencies, one per browser, sorted. Read back as percentiles, never listed. */
  latency: { p50: number; p95: number; max: number } | null;
}

/** How the funnel names who reached a stage: a person counts once for read and opened, a browser once for displayed. */
export const funnelMember = {
  user: (userId: string) => `u:${userId}`,
  browser: (browserId: string) => `b:${browserId}`,
};

/** How long an alert's funnel is kept after its last change. */
export const FUNNEL_TTL_S = 7 * 24 * 3600;

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
  latestId(): Promise<string | null>;
  /** The stored notifications among `ids` (unknown or trimmed ones are left out), in id order. */
  eventsByIds(ids: string[]): Promise<Notification[]>;

  getInboxState(userId: string): Promise<InboxState>;
  markRead(userId: string, ids: string[]): Promise<void>;
  markAllRead(userId: string, upToId: string): Promise<void>;
  /** Moves the seen watermark forward (never back). */
  markSeen(userId: string, upToId: string): Promise<void>;
  archive(userId: string, ids: string[]): Promise<void>;
  /** Archives what is read now: up to the read watermark, and the ids read one by one. */
  archiveAllRead(userId: string): Promise<void>;
  /** Tells every stream of the user (on every instance) what changed. */
  publishInboxEvent(userId: string, change: InboxEvent): Promise<void>;
  /** The newest id published under each collapse scope (see collapseScope), absent for scopes never used. */
  latestInCollapseScopes(scopes: string[]): Promise<Map<string, string>>;

  /** Records funnel steps, in one round trip however many. */
  recordFunnel(marks: FunnelMark[], user?: { id: string; label: string }): Promise<void>;
  /** The funnels of these alerts, in one round trip (an alert with none has zeros). */
  funnels(ids: string[]): Promise<FunnelRecord[]>;
  /** Which stages each user reached for one alert (the users with any). */
  funnelRecipients(id: string): Promise<Map<string, Set<FunnelStage>>>;
  /** "Name <email>" of those among these users who ever acknowledged anything. */
  userLabels(userIds: string[]): Promise<Map<string, string>>;

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
