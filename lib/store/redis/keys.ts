// Every key the Redis-backed store writes, in one place: a concern's scripts
// sometimes touch another's keys in the same atomic step (an admission reads
// follows). docs/operations.md says what each holds.
export const KEY = {
  log: "ntf:log",
  /** The ids sent to one audience ("all", "user:<id>", "channel:<name>"), a stream trimmed with the log: one person's pages read these. */
  audience: (audience: string) => `ntf:aud:${audience}`,
  /** What a release before this one kept per word (a stream each, and a sorted set naming them): dropped once (log/redis.ts). */
  oldWordIndexes: { set: "ntf:words", prefix: "ntf:word:" },
  /** Set once the audience indexes hold every notification of the log (built from it when a release without them wrote it). */
  audienceIndexesBuilt: "ntf:aud-built",
  bus: "ntf:bus",
  /** The channel catalog: name → {"description","followedByDefault"} as JSON (directory/redis.ts). */
  channels: "ntf:channels",
  /** Set once the catalog got its first channels: a channel an admin deleted is not seeded again. */
  channelsSeeded: "ntf:channels-seeded",
  delivered: "ntf:delivered",
  presence: "ntf:presence",
  tokens: "ntf:tokens",
  tokenByHash: "ntf:token-hash",
  revokedSession: (sessionId: string) => `ntf:revoked:${sessionId}`,
  /** An email sign-in link, by its hash, until it is taken or expires. */
  signInLink: (hash: string) => `ntf:signin-link:${hash}`,
  watermark: (userId: string) => `ntf:read-upto:${userId}`,
  readIds: (userId: string) => `ntf:read:${userId}`,
  /** Ids at or before the read watermark marked unread again. */
  unreadIds: (userId: string) => `ntf:unread:${userId}`,
  seenUpTo: (userId: string) => `ntf:seen-upto:${userId}`,
  archivedUpTo: (userId: string) => `ntf:archived-upto:${userId}`,
  archivedIds: (userId: string) => `ntf:archived:${userId}`,
  /** Ids at or before the archive watermark moved back to the inbox. */
  unarchivedIds: (userId: string) => `ntf:unarchived:${userId}`,
  /** Snoozed ids and when each comes back (ms), a hash. */
  snoozedUntil: (userId: string) => `ntf:snoozed:${userId}`,
  /** What the person muted, as JSON (lib/preferences.ts). */
  preferences: (userId: string) => `ntf:prefs:${userId}`,
  /** Moves on by one with every change to the marks above (inbox/redis.ts), in the same atomic step. */
  inboxVersion: (userId: string) => `ntf:inbox-version:${userId}`,
  /** Newest id per collapse scope. */
  collapse: "ntf:collapse",
  /** A collapse scope's ids, oldest first, its newest THREAD_MAX (the publish script builds it as "ntf:thread:" .. scope). */
  thread: (scope: string) => `ntf:thread:${scope}`,
  /** The last revision a tool's notification applied per collapse scope, "<order>|<signature>" (log/types.ts, Revision). */
  revisions: "ntf:revisions",
  /** "Name <email>" of people who acknowledged anything, for the alert pages (the funnel's record script writes it). */
  users: "ntf:users",
  /** One alert's funnel: stage counts and "<stage>|<member>" fields (funnel/redis.ts). */
  funnel: (id: string) => `ntf:funnel:${id}`,
  follows: (userId: string) => `ntf:follows:${userId}`,
  /** Everyone who signed in: user id → {"email","name","role"} as JSON (whom escalations email). */
  people: "ntf:people",
  /** The processes holding a user's stream slots (presence/redis-admission.ts); named anew when slots moved out of one sorted set. */
  streamProcesses: (userId: string) => `ntf:stream-processes:${userId}`,
  /** One process's slots for a user, scored by when each lapses at the latest. */
  streamSlots: (userId: string, processId: string) => `${KEY.streamSlotsPrefix(userId)}${processId}`,
  streamSlotsPrefix: (userId: string) => `ntf:stream-slots:${userId}:`,
  /** Each browser's current stream of a user, "<process>|<slot>": its next stream replaces that one. */
  streamBrowsers: (userId: string) => `ntf:stream-browsers:${userId}`,
  /** Set with a TTL while the process is alive: its stream slots count while it exists. */
  alive: (processId: string) => `ntf:alive:${processId}`,
  connectWindow: (userId: string, window: number) => `ntf:rl:connect:${userId}:${window}`,
  /** Who has a Web Push subscription: user id → {"email","name","subscriptions":[…]} as JSON, present while they have one (push/redis.ts). */
  pushPeople: "ntf:push-people",
  /** The severities each person chose to push, comma-separated (absent: the default). */
  pushSeverities: "ntf:push-severities",
  /** Who acknowledged an alert first, {"userId","name","at"} as JSON; it lives as long as the alert's funnel. */
  acknowledgement: (alertId: string) => `ntf:ack:${alertId}`,
  /** Escalation steps to run, scored by when (ms); a claimed one is pushed LEASE later until it is done (escalations/redis.ts). */
  due: "ntf:due",
  /** What happened to one alert's escalation, oldest first, as JSON lines; it lives as long as a funnel. */
  escalationLog: (alertId: string) => `ntf:esc-log:${alertId}`,
  /** Admins' default escalation delays: severity → seconds. */
  escalationDefaults: "ntf:esc-defaults",
  /** Something allowed once while the key lives (limits/redis.ts claimOnce): a GitHub delivery id, for 24 h. */
  once: (key: string) => `ntf:once:${key}`,
};
