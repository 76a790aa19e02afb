// Types shared by the server, the client and the tests: the product's wire shapes.

/** Lowest first: `critical` is above `error`. */
export const SEVERITIES = ["info", "success", "warning", "error", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The severities muteBelow may name: `critical` is never muted, so nothing is below it to ask for. */
export const MUTE_BELOW = ["info", "success", "warning", "error"] as const satisfies readonly Severity[];

/** What a person mutes (lib/shared/preferences.ts applies it). */
export interface Preferences {
  /** Channel names, and "everyone" (EVERYONE) for the broadcast audience. */
  mutedChannels: string[];
  /** Mutes what is strictly below this severity (so "info" mutes nothing); null mutes none by severity. */
  muteBelow: (typeof MUTE_BELOW)[number] | null;
  /**
   * Desktop notifications when no tab is in view, on each of the person's
   * browsers that allows them. The person's choice, kept here on the server:
   * the browser keeps only its permission, so nothing there names who used it.
   */
  desktopNotifications: boolean;
}

export type Role = "admin" | "member";

/** A signed-in person as the server and their pages know them. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export type Audience =
  | { kind: "all" }
  | { kind: "user"; userId: string }
  | { kind: "channel"; channel: string };

export interface Sender {
  id: string;
  name: string;
  /** The name of the API token it was sent with; absent when sent from the admin form. */
  token?: string;
  /** The integration that translated it (a webhook of lib/integrations); absent for the API and the form. */
  via?: Integration;
}

export const INTEGRATIONS = { alertmanager: "Alertmanager", grafana: "Grafana", github: "GitHub" } as const;
export type Integration = keyof typeof INTEGRATIONS;

/** Where an alert stands: a `resolved` one replaces its `firing` one through the collapse key. */
export const ALERT_STATUSES = ["firing", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

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
  /**
   * A newer notification with the same key and the same audience replaces
   * this one in history, feeds and toasts (e.g. "deploy:42").
   */
  collapseKey?: string;
  status?: AlertStatus;
  /** ISO time: from then on it leaves every feed and count (the admins' alert list keeps it). */
  expiresAt?: string;
}

/** Who is on a firing alert ("I'm on it"): its first acknowledgement; later ones change nothing. */
export interface Acknowledgement {
  userId: string;
  name: string;
  /** ISO time. */
  at: string;
}

/** The `acknowledged` stream event, to everyone the alert is addressed to. */
export interface AcknowledgedEventData {
  id: string;
  acknowledgement: Acknowledgement;
}

/** A firing alert someone should be on: it can be acknowledged, and it can escalate. */
export const needsSomeone = (n: Pick<Notification, "severity" | "status">) => (n.severity === "error" || n.severity === "critical") && n.status !== "resolved";

/** A notification as one user's inbox holds it. */
export interface NotificationWithRead extends Notification {
  read: boolean;
  /** Shown in the bell's menu (or read): the badge counts those not seen. */
  seen: boolean;
  /** Left the feed; listed under the "Archived" filter. */
  archived: boolean;
  /** Muted by the person's preferences: kept and listed (the "Muted" filter), but in no count, toast or desktop notification. */
  muted: boolean;
  /** ISO time it comes back to the inbox, unread: present while it is snoozed (listed under "Snoozed" only). */
  snoozedUntil?: string;
  /** Present once someone acknowledged this firing alert. */
  acknowledgement?: Acknowledgement;
  /** The earlier ones of its collapse key (that it replaced), oldest first: present when there are any. */
  thread?: ThreadEntry[];
}

/** One earlier notification of a thread (a collapse key's), as its card's history lists it. */
export type ThreadEntry = Pick<Notification, "id" | "title" | "severity" | "status" | "createdAt">;

/** A user's unread and unseen counts as the server last saw them (archived ones count in neither). */
export interface InboxCounts {
  unreadCount: number;
  /** Unread and not yet seen in the bell's menu: what the badge shows. */
  unseenCount: number;
  /** The newest notification the counts account for: newer ones are not in them. */
  unreadAsOf: string | null;
  /**
   * The person's inbox version these counts (and a page's flags) were read at:
   * every read, seen or archive change moves it on by one. A client drops what
   * is older than what it shows, and refetches on a gap.
   */
  version: number;
}

/** The dashboard feed's page: what a load (on the server, with the page's HTML), a resync or a refresh shows. */
export const FIRST_PAGE_SIZE = 30;

export interface NotificationPage extends InboxCounts {
  items: NotificationWithRead[];
  /** A full page, or a search that stopped at its scan budget, continues from here; null: nothing more. */
  nextCursor: string | null;
  /** What the person muted, at the page's version: the browser mutes live notifications by it. */
  preferences: Preferences;
  /** Their snoozed notifications, soonest back first (at most 100): the "Snoozed" list, and each browser brings them back at their time. */
  snoozed: NotificationWithRead[];
  /**
   * The newest notification addressed to the person, archived, snoozed or not (null: none since their
   * read mark, or ever): where the browser's stream resumes, so it hands on nothing the page already
   * accounts for (the newest card shown may be older than one archived).
   */
  newestId: string | null;
}

export interface Channel {
  name: string;
  description: string;
  /** New people follow it (lib/store/directory/types.ts). */
  followedByDefault: boolean;
}

export interface ChannelsResponse {
  channels: Channel[];
  following: string[];
}

/**
 * What an API token may do: `hooks` only the webhooks (/api/hooks/*), `publish` publishing and the
 * webhooks, `read` its owner's streams and history, `admin` everything its owner may.
 */
export const TOKEN_SCOPES = ["hooks", "publish", "read", "admin"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface ApiToken {
  id: string;
  name: string;
  scope: TokenScope;
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
    /** Commands this instance sent to Redis, as Upstash bills them (each of a pipeline, a script as one). */
    storeCommands: number;
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
  /**
   * The person's inbox version as this stream starts (every read, seen, archive or mute change after it
   * follows as an event): a client whose feed is at it needs no new page, the resume brings the rest.
   */
  inboxVersion: number;
}

/** `all`: everything up to `upTo` (the newest notification when it was marked) is read. */
export type ReadEventData = ({ ids: string[] } | { all: true; upTo: string | null }) & InboxCounts;

/** Everything up to `upTo` was seen (the bell's menu was opened). */
export type SeenEventData = { upTo: string } & InboxCounts;

/** `allRead`: every notification that was read when it was asked is archived. */
export type ArchivedEventData = ({ ids: string[] } | { allRead: true }) & InboxCounts;

/** These are unread again (marked so, or the Undo of "Mark all read"); `unseenIds`: those of them not seen either (the badge counts them). */
export type UnreadEventData = { ids: string[]; unseenIds: string[] } & InboxCounts;

/** These are back in the inbox from the archive (moved back, or the Undo of "Archive read"). */
export type UnarchivedEventData = { ids: string[] } & InboxCounts;

/** These are snoozed until `until` (ISO), unread; `until` null: their snooze ended, they are back now. */
export type SnoozedEventData = { ids: string[]; until: string | null } & InboxCounts;

/** What the person now mutes, and the counts under it. */
export type PreferencesEventData = Preferences & InboxCounts;

/**
 * The answers of POST /api/notifications/read, /unread, /seen, /archive, /unarchive and /snooze: the
 * counts, and the ids changed (for "all", what an Undo gives back to /unread or /unarchive).
 */
export type MarkReadResult = InboxCounts & { ids?: string[] };
export type MarkSeenResult = InboxCounts;
export type ArchiveResult = InboxCounts & { ids?: string[] };

/** What changed in one user's inbox, sent to all their streams. */
export type InboxEvent =
  | { event: "read"; data: ReadEventData }
  | { event: "seen"; data: SeenEventData }
  | { event: "archived"; data: ArchivedEventData }
  | { event: "unread"; data: UnreadEventData }
  | { event: "unarchived"; data: UnarchivedEventData }
  | { event: "snoozed"; data: SnoozedEventData }
  | { event: "preferences"; data: PreferencesEventData };

/** To an admin's streams, for every batch of notifications published (whoever they are for): the admin's figures changed. */
export interface ActivityEventData {
  newestId: string;
}

export interface StreamEventMap {
  connected: ConnectedEventData;
  activity: ActivityEventData;
  notification: Notification;
  read: ReadEventData;
  seen: SeenEventData;
  archived: ArchivedEventData;
  unread: UnreadEventData;
  unarchived: UnarchivedEventData;
  snoozed: SnoozedEventData;
  acknowledged: AcknowledgedEventData;
  preferences: PreferencesEventData;
  reset: ResetEventData;
  reconnect: Record<string, never>;
  /** The server lost (false) or regained (true) its store: the dashboard says "Delayed" meanwhile. */
  store: { reachable: boolean };
}

/**
 * Refetch the newest page. `startedOver`: the stream's resume id is from a
 * history the server does not hold (an embedded server restarted, a wiped
 * Redis): what the client shows from before is gone, not just behind.
 */
export interface ResetEventData {
  startedOver?: true;
  /**
   * Never sent by the server: a tab that may have missed events (its script
   * hung, it slept) says so to its own feed, which then keeps nothing of what
   * it held (a restart's notice may be among what it missed).
   */
  missed?: true;
}

export interface ApiErrorBody {
  error: string;
  field?: string;
  fields?: Record<string, string>;
  /** Acknowledged ids that are unknown or not addressed to the user. */
  ids?: string[];
  /** The channels there are, when one named is not. */
  channels?: string[];
}

/** The stages of one alert's funnel, in order. */
/** `snoozed` and `unread` (marked unread again) say what people did with it after reading, beside the stages. */
export const FUNNEL_STAGES = ["targeted", "delivered", "muted", "displayed", "read", "opened", "snoozed", "unread", "acknowledged"] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/**
 * One alert's funnel. `targeted`: streams connected when it was published;
 * `delivered`: stream writes (a stream that connects later counts then);
 * `muted`: people whose preferences muted it when it reached them (never toasted, so not displayed);
 * `displayed`: browsers that rendered it on a screen; `read` and `opened`: people.
 */
export interface Funnel extends Record<FunnelStage, number> {
  /** Publish to display, from the browsers' acknowledgements (clock skew corrected); null before the first. */
  displayLatencyMs: { p50: number; p95: number; max: number } | null;
}

export interface AlertWithFunnel extends Notification {
  funnel: Funnel;
}

/** GET /api/admin/alerts: every alert, newest first. */
export interface AlertPage {
  items: AlertWithFunnel[];
  nextCursor: string | null;
}

/** A recipient's progress through one alert's funnel. */
export interface RecipientState {
  userId: string;
  /** "Name <email>" once the person has acknowledged anything, else null. */
  label: string | null;
  delivered: boolean;
  /** Their preferences muted it: not shown to them on purpose, not a failure to deliver. */
  muted: boolean;
  displayed: boolean;
  read: boolean;
  opened: boolean;
  /** They are the one who acknowledged it. */
  acknowledged: boolean;
}

/** GET /api/push: a person's Web Push settings. */
export interface PushSettings {
  /** The VAPID public key browsers subscribe with; null: Web Push is off on this deployment. */
  publicKey: string | null;
  severities: Severity[];
  /** The push endpoints of their subscribed devices: a page tells from them whether its browser is one. */
  endpoints: string[];
}

/** One line of an alert's escalation history (lib/escalation). */
export interface EscalationEvent {
  at: string;
  kind: "planned" | "renotified" | "escalated" | "stopped" | "webhook";
  text: string;
}

/** GET /api/admin/alerts/<id>. */
export interface AlertDetail {
  alert: AlertWithFunnel;
  recipients: RecipientState[];
  nextCursor: string | null;
  acknowledgement: Acknowledgement | null;
  /** What its escalation did, oldest first (empty: it has none). */
  escalation: EscalationEvent[];
}

/** POST /api/notifications/ack. */
export interface AckResult {
  displayed: number;
  muted: number;
  opened: number;
}

/** The answer of POST /api/admin/diagnostics. */
export type DiagnosticsResult =
  | { instance: string; action: "end-streams" | "rotate-streams"; streams: number }
  | { instance: string; action: "pause-bus"; paused: boolean; seconds: number }
  /** heapUsedBytes after a full collection; null when Node runs without --expose-gc (nothing collected). */
  | { instance: string; action: "collect-garbage"; heapUsedBytes: number | null };
