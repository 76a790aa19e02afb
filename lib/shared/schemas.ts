// zod schemas for every request body and query, shared by the API routes and
// the admin form so that both sides enforce the same rules.
import { z } from "zod";
import { parseEmailAddress } from "./email-address";
import { notificationLinkTarget } from "./links";
import { withoutDisguises } from "./plain-text";
import { EVERYONE } from "./preferences";
import { MIN_WORD, queryWords } from "./search-words";
import { ALERT_STATUSES, MUTE_BELOW, SEVERITIES, TOKEN_SCOPES } from "./types";

export const LIMITS = {
  escalateTo: 20,
  title: 120,
  body: 2000,
  link: 2048,
  channel: 40,
  channelDescription: 120,
  tokenName: 60,
  readIds: 500,
  following: 100,
  pageSize: 100,
  collapseKey: 64,
  ackIds: 100,
  query: 200,
} as const;

const notificationId = z.string().regex(/^\d{1,16}-\d{1,16}$/, "Not a notification id.");

export const channelName = z
  .string()
  .min(1, "Choose a channel.")
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "Channel names are 1–40 lowercase letters, digits or dashes.");

// Windows line ends (\r\n, as many scripts and forms send) and lone \r are
// stored as \n. Other control characters (but a tab in the body) have no place
// in a notification and can break terminals and logs that show it.
// Characters that disguise text (bidi overrides, C1 controls) are removed: lib/shared/plain-text.ts.
const storedText = (value: string) => withoutDisguises(value.replace(/\r\n?/g, "\n"));
const TITLE_CHARS = /^[^\u0000-\u0009\u000b-\u001f\u007f]*$/;
const BODY_CHARS = /^[^\u0000-\u0008\u000b-\u001f\u007f]*$/;

const link = z
  .string()
  .trim()
  .max(LIMITS.link, `Links are at most ${LIMITS.link} characters.`)
  .refine((value) => notificationLinkTarget(value) !== null, "A link is a path of this app starting with / or an https:// URL.");

export const channelSettingsSchema = z.object({
  description: z.string().overwrite(withoutDisguises).trim().max(LIMITS.channelDescription, `Descriptions are at most ${LIMITS.channelDescription} characters.`).regex(TITLE_CHARS, "Descriptions cannot contain control characters.").default(""),
  followedByDefault: z.boolean({ error: "followedByDefault is true or false." }).default(false),
});

export const audienceInputSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }),
  z.object({
    kind: z.literal("user"),
    userId: z.string().trim().min(1, "Name the user (id or email).").max(254, "User ids are at most 254 characters."),
  }),
  z.object({
    kind: z.literal("channel"),
    channel: channelName.refine((name) => name !== EVERYONE, `"${EVERYONE}" is the broadcast audience's name: send to { "kind": "all" }.`),
  }),
]);

/** Escalation delays: at least ESCALATE_MIN_S, at most 7 days (what QStash delays on its free tier, docs/deploy-vercel.md). */
export const ESCALATE_MIN_S = 10;
export const ESCALATE_MAX_S = 7 * 24 * 3600;
const DURATION_UNITS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** "90s", "5m", "1h", "2d" or a number of seconds, as seconds. */
export const escalationDelay = z
  .union([z.number().int(), z.string().trim()], { error: 'escalateAfter is a duration such as "90s", "5m" or "1h".' })
  .transform((value, ctx) => {
    const match = typeof value === "string" ? /^(\d{1,7})\s*([smhd])$/.exec(value) : null;
    const seconds = typeof value === "number" ? value : match ? Number(match[1]) * DURATION_UNITS[match[2] as keyof typeof DURATION_UNITS] : null;
    if (seconds === null) return (ctx.addIssue({ code: "custom", message: 'Write the delay as a number and a unit: "90s", "5m", "1h" or "2d".' }), z.NEVER);
    if (seconds < ESCALATE_MIN_S) return (ctx.addIssue({ code: "custom", message: `Escalate after ${ESCALATE_MIN_S} s at the soonest: nobody can acknowledge faster.` }), z.NEVER);
    if (seconds > ESCALATE_MAX_S) return (ctx.addIssue({ code: "custom", message: "Escalate within 7 days at the latest." }), z.NEVER);
    return seconds;
  });

const escalationAddress = z
  .string()
  .transform((value, ctx) => parseEmailAddress(value) ?? (ctx.addIssue({ code: "custom", message: `"${value.slice(0, 60)}" is not an email address.` }), z.NEVER));

export const publishSchema = z.object({
  title: z
    .string({ error: "A title is required." })
    .overwrite(storedText)
    .trim()
    .min(1, "A title is required.")
    .max(LIMITS.title, `Titles are at most ${LIMITS.title} characters.`)
    .regex(TITLE_CHARS, "Titles cannot contain control characters (line breaks are fine)."),
  body: z
    .string()
    .overwrite(storedText)
    .max(LIMITS.body, `Bodies are at most ${LIMITS.body} characters.`)
    .regex(BODY_CHARS, "Bodies cannot contain control characters (line breaks and tabs are fine).")
    .default(""),
  severity: z.enum(SEVERITIES, { error: `Severity is one of ${SEVERITIES.join(", ")}.` }).default("info"),
  link: link.optional(),
  // Required: a publish that forgets it (or misspells it) must not reach everyone.
  audience: audienceInputSchema.nullish().transform((audience, ctx) => {
    if (audience) return audience;
    ctx.addIssue({ code: "custom", message: 'Name the audience: { "kind": "all" }, a user or a channel.' });
    return z.NEVER;
  }),
  collapseKey: z
    .string()
    .min(1, "A collapse key has at least 1 character.")
    .max(LIMITS.collapseKey, `Collapse keys are at most ${LIMITS.collapseKey} characters.`)
    .regex(/^[^\u0000-\u001f\u007f]*$/, "Collapse keys cannot contain control characters.")
    .optional(),
  status: z.enum(ALERT_STATUSES, { error: 'Status is "firing" or "resolved".' }).optional(),
  expiresAt: z.iso
    .datetime({ offset: true, error: "expiresAt is an ISO time, e.g. 2026-12-24T18:00:00Z." })
    .transform((value) => new Date(value).toISOString())
    .refine((value) => Date.parse(value) > Date.now(), "expiresAt is in the past: the alert would never be shown.")
    .optional(),
  /** Unacknowledged this long, a firing error or critical alert reaches its recipients again, then escalateTo (lib/escalation). */
  escalateAfter: escalationDelay.optional(),
  /** Who the escalation's last step reaches: these addresses instead of the admins. */
  escalateTo: z.array(escalationAddress).min(1, "Name at least one address, or leave escalateTo out (the admins).").max(LIMITS.escalateTo, `At most ${LIMITS.escalateTo} addresses.`).optional(),
}).strict();
export type PublishInput = z.infer<typeof publishSchema>;

const someIds = z.array(notificationId).min(1).max(LIMITS.readIds);

export const markReadSchema = z.union([z.object({ all: z.literal(true) }).strict(), z.object({ ids: someIds }).strict()], {
  error: 'Send { "ids": [...] } or { "all": true }.',
});

/** POST /api/sign-in/email: the address in its one form (email-address.ts). */
export const emailLinkSchema = z
  .object({
    email: z
      .string()
      .max(254, "Email addresses are at most 254 characters.")
      .transform((value, ctx) => parseEmailAddress(value) ?? (ctx.addIssue({ code: "custom", message: "Enter an email address, like name@example.com." }), z.NEVER)),
    callbackUrl: z.string().max(2_000).optional(),
  })
  .strict();

export const markSeenSchema = z.object({ upTo: notificationId }).strict();

/** POST /api/notifications/unread and /unarchive: some ids (an Undo sends back the ids its action answered). */
export const someIdsSchema = z.object({ ids: someIds }).strict();

/** How far ahead a snooze may go. */
export const SNOOZE_MAX_DAYS = 365;

/** POST /api/notifications/snooze: until an ISO time in the future (at most a year), or null to bring them back now. */
export const snoozeSchema = z
  .object({
    ids: someIds,
    until: z
      .union([z.iso.datetime({ offset: true, error: "until is an ISO time such as 2026-12-07T09:00:00Z, or null." }), z.null()])
      .transform((value) => (value === null ? null : Date.parse(value)))
      .refine((value) => value === null || value > Date.now(), "until is in the past: snooze until a later time.")
      .refine((value) => value === null || value <= Date.now() + SNOOZE_MAX_DAYS * 86_400_000, `Snooze for at most ${SNOOZE_MAX_DAYS} days.`),
  })
  .strict();
export type SnoozeInput = z.infer<typeof snoozeSchema>;

export const archiveSchema = z.union([z.object({ allRead: z.literal(true) }).strict(), z.object({ ids: someIds }).strict()], {
  error: 'Send { "ids": [...] } or { "allRead": true }.',
});

export const ackSchema = z
  .object({
    browserId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "browserId is 8–64 letters, digits, dashes or underscores."),
    displayed: z
      // live: it reached the screen as it was delivered (not later, from history): only those time the funnel.
      .array(z.object({ id: notificationId, displayedAt: z.number().int().min(0), live: z.boolean().default(false) }).strict())
      .max(LIMITS.ackIds, `At most ${LIMITS.ackIds} displayed ids per request.`)
      .default([]),
    opened: z.array(notificationId).max(LIMITS.ackIds, `At most ${LIMITS.ackIds} opened ids per request.`).default([]),
    // Reached this browser live, and the person's preferences muted it (lib/preferences.ts).
    muted: z.array(notificationId).max(LIMITS.ackIds, `At most ${LIMITS.ackIds} muted ids per request.`).default([]),
  })
  .strict()
  .refine((ack) => ack.displayed.length + ack.opened.length + ack.muted.length > 0, { message: "Acknowledge at least one id.", path: ["displayed"] });
export type AckInput = z.infer<typeof ackSchema>;

export const DIAGNOSTIC_PAUSE_MAX_S = 300;

export const diagnosticsSchema = z.discriminatedUnion(
  "action",
  [
    z.object({ action: z.literal("end-streams") }).strict(),
    z.object({ action: z.literal("rotate-streams") }).strict(),
    z.object({ action: z.literal("collect-garbage") }).strict(),
    z
      .object({
        action: z.literal("pause-bus"),
        seconds: z.number().int().min(1, "Pause for 1 s at least.").max(DIAGNOSTIC_PAUSE_MAX_S, `Pause for ${DIAGNOSTIC_PAUSE_MAX_S} s at most.`),
      })
      .strict(),
  ],
  { error: "The action is one of end-streams, rotate-streams, pause-bus." },
);
export type DiagnosticsInput = z.infer<typeof diagnosticsSchema>;

export const followSchema = z.object({
  following: z.array(channelName).max(LIMITS.following),
});

export const createTokenSchema = z.object({
  name: z.string().overwrite(withoutDisguises).trim().min(1, "Give the token a name.").max(LIMITS.tokenName, `Token names are at most ${LIMITS.tokenName} characters.`),
  // What scripts that made tokens before scopes got; the settings page offers `hooks` first.
  scope: z.enum(TOKEN_SCOPES, { error: `A token's scope is one of ${TOKEN_SCOPES.join(", ")}.` }).default("admin"),
});

const flag = z.enum(["0", "1", "true", "false"]).optional().transform((v) => v === "1" || v === "true");
const cursor = z.string().regex(/^\d{1,16}-\d{1,16}$/, "Not a cursor.").optional();

/** Any of the preferences: the ones left out stay as they are. */
export const preferencesSchema = z
  .object({
    mutedChannels: z
      .array(z.union([channelName, z.literal(EVERYONE)], { error: `A muted channel is a channel's name or "${EVERYONE}".` }))
      .max(LIMITS.following + 1, `At most ${LIMITS.following + 1} muted channels.`)
      .transform((names) => [...new Set(names)].sort())
      .optional(),
    muteBelow: z.enum(MUTE_BELOW, { error: `muteBelow is null or one of ${MUTE_BELOW.join(", ")} (critical is never muted).` }).nullable().optional(),
    desktopNotifications: z.boolean({ error: "desktopNotifications is true or false." }).optional(),
  })
  .strict();

/** A day ("2026-12-01": all of it, in UTC) or an ISO time, as ms: `since` takes a day's start, `until` its end. */
const when = (edge: "start" | "end") =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: "Dates are ISO: 2026-12-01 or 2026-12-01T09:30:00Z." })
    .optional()
    .transform((value) => {
      if (value === undefined) return undefined;
      if (value.includes("T")) return Date.parse(value);
      return Date.parse(`${value}T00:00:00Z`) + (edge === "end" ? 86_400_000 - 1 : 0);
    });

export const historyQuerySchema = z
  .object({
    cursor,
    limit: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(20),
    unread: flag,
    archived: flag,
    /** Absent: muted and not; "1": only muted; "0": none muted (the feed). */
    muted: z.enum(["0", "1", "true", "false"]).optional().transform((v) => (v === undefined ? undefined : v === "1" || v === "true")),
    q: z
      .string()
      .max(LIMITS.query, `Searches are at most ${LIMITS.query} characters.`)
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || !value.trim()) return [];
        const words = queryWords(value);
        if (!words.length) ctx.addIssue({ code: "custom", message: `Search for a word of ${MIN_WORD} letters or more.` });
        return words;
      }),
    severity: z.enum(SEVERITIES, { error: `Severity is one of ${SEVERITIES.join(", ")}.` }).optional(),
    channel: z.union([channelName, z.literal(EVERYONE)], { error: `A channel's name, or "${EVERYONE}".` }).optional(),
    since: when("start"),
    until: when("end"),
  })
  .refine((query) => query.since === undefined || query.until === undefined || query.since <= query.until, {
    message: "since is after until.",
    path: ["since"],
  });
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

export const alertsQuerySchema = z.object({ cursor });

export const alertDetailQuerySchema = z.object({ cursor: z.string().min(1).max(254, "Not a recipient cursor.").optional() });

/** Flattens zod issues into `{ field: message }` for the API's 400 answers and the form. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  // Unknown fields first: a misspelt key ("audiance") is the fault to name, not the field it left missing.
  const issues = [...error.issues].sort((a, b) => Number(b.code === "unrecognized_keys") - Number(a.code === "unrecognized_keys"));
  for (const issue of issues) {
    // An unknown field is named as the field at fault: a misspelt key must say which.
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) fields[[...issue.path, key].join(".")] ??= `Unknown field "${key}".`;
      continue;
    }
    const key = issue.path.length ? issue.path.join(".") : "body";
    fields[key] ??= issue.message;
  }
  return fields;
}

/** POST /api/push/subscriptions: what PushSubscription.toJSON() gives (expirationTime ignored). */
export const pushSubscriptionSchema = z.object({
  endpoint: z.url({ protocol: /^https?$/, error: "endpoint is the push service's URL from PushSubscription.toJSON()." }).max(LIMITS.link, `Endpoints are at most ${LIMITS.link} characters.`),
  keys: z.object({
    p256dh: z.string().regex(/^[\w-]{80,100}=*$/, "keys.p256dh is the browser's public key (base64url)."),
    auth: z.string().regex(/^[\w-]{16,32}=*$/, "keys.auth is the browser's auth secret (base64url)."),
  }, { error: "keys holds p256dh and auth, as PushSubscription.toJSON() gives them." }),
  expirationTime: z.number().nullable().optional(),
});

export const pushEndpointSchema = z.object({ endpoint: z.string().min(1, "Name the subscription's endpoint.").max(LIMITS.link) }).strict();

export const pushSeveritiesSchema = z
  .object({ severities: z.array(z.enum(SEVERITIES, { error: `A severity is one of ${SEVERITIES.join(", ")}.` })).max(SEVERITIES.length).transform((list) => SEVERITIES.filter((s) => list.includes(s))) })
  .strict();

/** PUT /api/admin/escalation: severity → delay ("5m") or null for none. */
export const escalationDefaultsSchema = z
  .object(Object.fromEntries(SEVERITIES.map((s) => [s, escalationDelay.nullable().optional()])) as Record<(typeof SEVERITIES)[number], z.ZodOptional<z.ZodNullable<typeof escalationDelay>>>)
  .strict();
