// Settings read from the environment and validated, so that a wrong value
// stops the start with the variable's name instead of surfacing as NaN deep
// in the code (or as an empty 500 at the first request). Kept free of
// "server-only": instrumentation.ts checks them before the server is ready
// (refuse-start.ts); the code reads them through config.ts.
import { z } from "zod";
import { parseList } from "../shared/email-address";
import { demoUsersOn, emailLinksOn, EVENTS_ROUTE_MAX_DURATION_S, mailConfigured, oidcOn, upstashPair } from "./deployment-settings";
import { DEV_AUTH_SECRET, signInSettingsProblem } from "./startup-check";

const intSetting = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  UPSTASH_REDIS_REST_URL: z.url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  /** The same pair under the names Vercel's storage integration injects. */
  KV_REST_API_URL: z.url().optional(),
  KV_REST_API_TOKEN: z.string().min(1).optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, "use redis://… or rediss://…").optional(),
  NEXTAUTH_SECRET: z.string().min(1).optional(),
  /** The app's public URL: next-auth's callbacks, the same-origin check, sign-in links. */
  NEXTAUTH_URL: z.url().optional(),
  ADMIN_EMAILS: z.string().default(""),
  ALLOWED_EMAILS: z.string().default(""),
  ALLOWED_EMAIL_DOMAINS: z.string().default(""),
  DEMO_USERS: z.enum(["0", "1"]).optional(),
  DEMO_PASSWORD: z.string().min(1).default("demo"),
  /** Any OpenID Connect provider (Okta, Entra ID, Keycloak, Authentik, Google Workspace): its issuer URL, as its discovery document says. */
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The sign-in button's label: "Continue with …". */
  OIDC_NAME: z.string().min(1).max(60).default("single sign-on"),
  /** People in any of these groups (the ID token's `groups` claim) are admins. */
  OIDC_ADMIN_GROUPS: z.string().default(""),
  /** Email (sign-in links, escalations) goes out through this server: smtp://user:password@host:587 or smtps://…:465. */
  SMTP_URL: z.string().regex(/^smtps?:\/\/\S+$/, "use smtp://… or smtps://…").optional(),
  /** The sender of sign-in links and escalation emails: "Alerts <alerts@example.com>" or an address. */
  EMAIL_FROM: z.string().min(3).optional(),
  /** 0: the mail above carries escalations only, never sign-in links. */
  EMAIL_SIGN_IN: z.enum(["0", "1"]).optional(),
  /** Web Push's application server keys (`npm run vapid` prints a fresh pair), and who the push services may contact. */
  VAPID_PUBLIC_KEY: z.string().regex(/^[\w-]{87}$/, "use the public key `npm run vapid` prints").optional(),
  VAPID_PRIVATE_KEY: z.string().regex(/^[\w-]{43}$/, "use the private key `npm run vapid` prints").optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, "use mailto:you@example.com or an https:// URL").optional(),
  /** Push services besides the browsers' own (FCM, Mozilla, Windows, Apple) that subscriptions may name, as origins: a self-hosted one, or the tests' local one. */
  PUSH_SERVICE_ORIGINS: z.string().default(""),
  /** Every escalation step is also POSTed here, signed with ESCALATION_WEBHOOK_SECRET (docs/integrations.md). */
  ESCALATION_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: "use an http:// or https:// URL" }).optional(),
  ESCALATION_WEBHOOK_SECRET: z.string().min(16, "use at least 16 characters").optional(),
  /** Upstash QStash (docs/deploy-vercel.md): delayed callbacks run escalation steps with no instance held open. */
  QSTASH_TOKEN: z.string().min(1).optional(),
  QSTASH_URL: z.url().optional(),
  QSTASH_CURRENT_SIGNING_KEY: z.string().min(1).optional(),
  QSTASH_NEXT_SIGNING_KEY: z.string().min(1).optional(),
  /** Seconds between polls of the due-time set (Redis modes without QStash): 15 on plain Redis, 300 on Upstash (each poll is a billed command). */
  ESCALATION_POLL_S: z.coerce.number().int().min(1).max(3_600).optional(),
  SSE_HEARTBEAT_MS: intSetting(15_000, 50, 300_000),
  SSE_MAX_DURATION_S: intSetting(300, 2, 86_400),
  HIDDEN_STREAM_DROP_MIN: intSetting(0, 0, 1_440),
  SSE_RETRY_MS: intSetting(3_000, 0, 600_000),
  /** After SIGTERM, how long the instance still serves while it answers not-ready (lib/server/shutdown.ts). */
  SHUTDOWN_DRAIN_MS: intSetting(0, 0, 5_000),
  HISTORY_MAX: intSetting(10_000, 10, 1_000_000),
  MAX_CONNECTIONS_PER_USER: intSetting(6, 1, 10_000_000),
  RATE_PUBLISH_PER_MIN: intSetting(60, 1, 1_000_000_000),
  RATE_CONNECT_PER_MIN: intSetting(30, 1, 1_000_000_000),
  RATE_SIGNIN_PER_MIN: intSetting(10, 1, 1_000_000_000),
  /** Password sign-ins per client address over all emails: an office behind one NAT signs in together. */
  RATE_SIGNIN_ADDRESS_PER_MIN: intSetting(200, 1, 1_000_000_000),
  RATE_READ_PER_MIN: intSetting(120, 1, 1_000_000_000),
  /** History pages per user (GET /api/notifications). */
  RATE_HISTORY_PER_MIN: intSetting(120, 1, 1_000_000_000),
  /** Every other request of a person's that reads or writes the store (follows, mutes, tokens, the admin pages). */
  RATE_REQUESTS_PER_MIN: intSetting(120, 1, 1_000_000_000),
  /** Display and open acknowledgements per user: a browser sends at most one a second. */
  RATE_ACK_PER_MIN: intSetting(600, 1, 1_000_000_000),
  MAX_BODY_BYTES: intSetting(16_384, 256, 1_048_576),
  /** Shared with GitHub's webhook settings; POST /api/hooks/github is off without it. */
  GITHUB_WEBHOOK_SECRET: z.string().min(16, "use at least 16 characters").optional(),
  STREAM_QUEUE_MAX_BYTES: intSetting(1_048_576, 1_024, 64 * 1_048_576),
  INSTANCE_ID: z.string().regex(/^[\w.-]{1,64}$/).optional(),
  /** A bearer token for Prometheus at /api/metrics (off without it). */
  METRICS_TOKEN: z.string().min(16, "use at least 16 characters").optional(),
  DIAGNOSTICS: z.enum(["0", "1"]).optional(),
  /** How many proxies you run in front of the app: the client is the X-Forwarded-For entry that many places from the right (peer-address.ts); 0: the socket's address. */
  TRUST_PROXY: intSetting(0, 0, 10),
  /** Set by Vercel on every deployment: many function instances, none sharing memory. */
  VERCEL: z.string().optional(),
});

export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  // An empty variable means "not set", as shells and .env files commonly write it.
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid setting ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const upstash = upstashPair(e);
  const signInProblem = signInSettingsProblem(env);
  if (signInProblem) throw new Error(signInProblem);
  const addresses = (value: string) => parseList(value, "address").set;
  return {
    production,
    mode: upstash ? ("upstash" as const) : e.REDIS_URL ? ("redis" as const) : ("embedded" as const),
    upstash: upstash && { url: upstash.url, token: upstash.token },
    /** Which names the Upstash pair came from, for health and the docs. */
    upstashSettings: upstash?.settings ?? null,
    /** Plain Redis or Valkey over TCP; Upstash's settings win when both are set. */
    redisUrl: upstash ? null : (e.REDIS_URL ?? null),
    authSecret: e.NEXTAUTH_SECRET ?? (production ? "" : DEV_AUTH_SECRET),
    adminEmails: addresses(e.ADMIN_EMAILS),
    /** Who may sign in (with ADMIN_EMAILS); both empty: anyone with an account (startup-check.ts refuses that in production with OAuth or email links on). */
    allowedEmails: addresses(e.ALLOWED_EMAILS),
    allowedEmailDomains: parseList(e.ALLOWED_EMAIL_DOMAINS, "domain").set,
    demoUsers: demoUsersOn(env),
    oidc: oidcOn(env)
      ? {
          issuer: e.OIDC_ISSUER!.replace(/\/$/, ""),
          clientId: e.OIDC_CLIENT_ID!,
          clientSecret: e.OIDC_CLIENT_SECRET!,
          name: e.OIDC_NAME,
          adminGroups: new Set(e.OIDC_ADMIN_GROUPS.split(",").map((g) => g.trim()).filter(Boolean)),
        }
      : null,
    /** Escalation emails, and sign-in links while emailSignIn, go out through this (lib/server/mail.ts). */
    mail: mailConfigured(env) ? { smtpUrl: e.SMTP_URL!, from: e.EMAIL_FROM! } : null,
    emailSignIn: emailLinksOn(env),
    webPush: webPushSettings(e),
    pushServiceOrigins: new Set(e.PUSH_SERVICE_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean).map((o) => new URL(o).origin)),
    escalationWebhook: e.ESCALATION_WEBHOOK_URL ? { url: e.ESCALATION_WEBHOOK_URL, secret: e.ESCALATION_WEBHOOK_SECRET ?? null } : null,
    /** Upstash QStash wakes an instance when an escalation step is due: on Vercel, where no instance is held open to keep a timer. */
    qstash: qstashSettings(e),
    /** How often an instance of a Redis mode looks for escalation steps another instance scheduled and could not run (it stopped). */
    escalationPollMs: (e.ESCALATION_POLL_S ?? (upstash ? 300 : 15)) * 1000,
    demoPassword: e.DEMO_PASSWORD,
    heartbeatMs: e.SSE_HEARTBEAT_MS,
    maxDurationMs: e.SSE_MAX_DURATION_S * 1000,
    /** A browser whose tabs were all hidden this long drops its stream until one is seen (0: never); not while desktop notifications are on. */
    hiddenStreamDropMs: e.HIDDEN_STREAM_DROP_MIN * 60_000,
    retryMs: e.SSE_RETRY_MS,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    historyMax: e.HISTORY_MAX,
    maxConnectionsPerUser: e.MAX_CONNECTIONS_PER_USER,
    ratePublishPerMin: e.RATE_PUBLISH_PER_MIN,
    rateConnectPerMin: e.RATE_CONNECT_PER_MIN,
    rateSigninPerMin: e.RATE_SIGNIN_PER_MIN,
    rateSigninAddressPerMin: e.RATE_SIGNIN_ADDRESS_PER_MIN,
    trustProxy: e.TRUST_PROXY,
    rateReadPerMin: e.RATE_READ_PER_MIN,
    rateHistoryPerMin: e.RATE_HISTORY_PER_MIN,
    rateAckPerMin: e.RATE_ACK_PER_MIN,
    rateRequestsPerMin: e.RATE_REQUESTS_PER_MIN,
    maxBodyBytes: e.MAX_BODY_BYTES,
    githubWebhookSecret: e.GITHUB_WEBHOOK_SECRET ?? null,
    metricsToken: e.METRICS_TOKEN ?? null,
    streamQueueMaxBytes: e.STREAM_QUEUE_MAX_BYTES,
    /** The admin diagnostics panel: on in development, in production only with DIAGNOSTICS=1. */
    diagnostics: e.DIAGNOSTICS ? e.DIAGNOSTICS === "1" : !production,
    /** A setup that cannot work as deployed; health, publishing and /admin say this sentence. */
    deploymentProblem:
      e.VERCEL && !upstash && !e.REDIS_URL
        ? "This deployment runs on Vercel without UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN (or KV_REST_API_URL and KV_REST_API_TOKEN, or REDIS_URL): each function instance would keep its own notifications and lose what the others publish. Set them, then redeploy."
        : e.VERCEL && e.SSE_MAX_DURATION_S > EVENTS_ROUTE_MAX_DURATION_S
          ? `SSE_MAX_DURATION_S (${e.SSE_MAX_DURATION_S}) is longer than /api/events may run on Vercel (its maxDuration, ${EVENTS_ROUTE_MAX_DURATION_S} s): streams would be cut before they say reconnect. Lower SSE_MAX_DURATION_S, or raise both (docs/deploy-vercel.md).`
          : null,
    /** On Vercel (its VERCEL variable): many instances, each ended 500 ms after SIGTERM. */
    onVercel: Boolean(e.VERCEL),
    instanceId: e.INSTANCE_ID ?? `i-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
  };
}

/** Web Push is on with both keys; it needs a subject too (push services refuse a sender they cannot contact). */
function webPushSettings(e: z.infer<typeof schema>) {
  if (!e.VAPID_PUBLIC_KEY && !e.VAPID_PRIVATE_KEY) return null;
  if (!e.VAPID_PUBLIC_KEY || !e.VAPID_PRIVATE_KEY) throw new Error("Invalid setting VAPID_PUBLIC_KEY: set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (`npm run vapid` prints a pair), or neither.");
  if (!e.VAPID_SUBJECT) throw new Error("Invalid setting VAPID_SUBJECT: Web Push needs it (mailto:you@example.com or an https:// URL), for push services to reach who sends.");
  return { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject: e.VAPID_SUBJECT };
}

/** QStash signs its callbacks with these two keys: a token without them would leave the callback open to anyone. */
function qstashSettings(e: z.infer<typeof schema>) {
  if (!e.QSTASH_TOKEN) return null;
  if (!e.QSTASH_CURRENT_SIGNING_KEY || !e.QSTASH_NEXT_SIGNING_KEY) {
    throw new Error("Invalid setting QSTASH_TOKEN: set QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY too (the Upstash console's QStash page shows all three).");
  }
  return { token: e.QSTASH_TOKEN, url: e.QSTASH_URL ?? null, currentSigningKey: e.QSTASH_CURRENT_SIGNING_KEY, nextSigningKey: e.QSTASH_NEXT_SIGNING_KEY };
}
