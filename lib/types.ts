// Types shared by the server, the client and the tests: the product's wire shapes.

export const SEVERITIES = ["info", "success", "warning", "error"] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Role = "admin" | "member";

export type Audience =
  | { kind: "all" }
  | { kind: "user"; userId: string }
  | { kind: "channel"; channel: string };

export interface Sender {
  id: string;
  name: string;
}

export interface Notification {
  /** Redis-stream style "<ms>-<seq>", strictly increasing in publish order. */
  id: string;
  title: string;
  body: string;
  severity: Severity;
  link?: string;
  audience: Audience;
  createdAt: string;
  sender: Sender;
}

export interface NotificationWithRead extends Notification {
  read: boolean;
}

/** A user's unread count as the server last saw it. */
export interface UnreadCount {
  unreadCount: number;
  /** The newest notification the count accounts for: newer ones are not in it. */
  unreadAsOf: string | null;
}

export interface NotificationPage extends UnreadCount {
  items: NotificationWithRead[];
  nextCursor: string | null;
}

export interface Channel {
  name: string;
  description: string;
}

export interface ChannelsResponse {
  channels: Channel[];
  following: string[];
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedApiToken extends ApiToken {
  token: string;
}

export interface Stats {
  connections: { total: number; instances: { id: string; connections: number }[] };
  published: number;
  delivered: number;
  thisInstance: {
    id: string;
    connections: number;
    users: number;
    subscriptions: number;
    timers: number;
    /** The most bytes any stream has had waiting for a slow client (capped by STREAM_QUEUE_MAX_BYTES). */
    backlogPeakBytes: number;
    rssBytes: number;
    heapUsedBytes: number;
    /** Round trips this instance has made to Redis since it started (0 in embedded mode): the benchmark's cost per connect. */
    storeRoundTrips: number;
  };
}

export interface PublishResult extends Notification {
  /** Streams addressed by this notification that are connected right now, over all instances. */
  connectedRecipients: number;
}

/** Payloads of the named SSE events on GET /api/events. */
export interface ConnectedEventData {
  connectionId: string;
  userId: string;
  instance: string;
  serverTime: string;
  /** How often the stream sends a heartbeat: a client that hears nothing for a few of these may presume it dead. */
  heartbeatMs: number;
}

/** `all`: everything up to `upTo` (the newest notification when it was marked) is read. */
export type ReadEventData = ({ ids: string[] } | { all: true; upTo: string | null }) & UnreadCount;

/** The answer of POST /api/notifications/read. */
export type MarkReadResult = UnreadCount & { ids?: string[] };

export interface StreamEventMap {
  connected: ConnectedEventData;
  notification: Notification;
  read: ReadEventData;
  reset: Record<string, never>;
  reconnect: Record<string, never>;
}
export type StreamEventName = keyof StreamEventMap;

export interface ApiErrorBody {
  error: string;
  field?: string;
  fields?: Record<string, string>;
}

/** The answer of POST /api/admin/diagnostics. */
export type DiagnosticsResult =
  | { instance: string; action: "end-streams" | "rotate-streams"; streams: number }
  | { instance: string; action: "pause-bus"; paused: boolean; seconds: number };
