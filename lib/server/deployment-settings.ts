// Which store the settings name, and what a production start must refuse,
// read straight from the environment. Kept free of "server-only": both
// config.ts and instrumentation.ts (through startup-check.ts) use it.

/**
 * The Upstash pair, under either of its names: UPSTASH_REDIS_REST_* (what
 * Upstash's console shows) or KV_REST_API_* (what Vercel's storage
 * integration injects). The Upstash names win when both pairs are set.
 */
export function upstashPair(env: Partial<Record<"UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN" | "KV_REST_API_URL" | "KV_REST_API_TOKEN", string>>) {
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN)
    return { url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, settings: "UPSTASH_REDIS_REST_URL" as const };
  if (env.KV_REST_API_URL && env.KV_REST_API_TOKEN) return { url: env.KV_REST_API_URL, token: env.KV_REST_API_TOKEN, settings: "KV_REST_API_URL" as const };
  return null;
}

export function storeMode(env: Record<string, string | undefined>) {
  return upstashPair(env) ? ("upstash" as const) : env.REDIS_URL ? ("redis" as const) : ("embedded" as const);
}

export function oauthProviderOn(env: Record<string, string | undefined>) {
  return Boolean((env.GITHUB_ID && env.GITHUB_SECRET) || (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET) || oidcOn(env));
}

export function oidcOn(env: Record<string, string | undefined>) {
  return Boolean(env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET);
}

/** Email goes out: escalations, and sign-in links unless EMAIL_SIGN_IN=0. */
export function mailConfigured(env: Record<string, string | undefined>) {
  return Boolean(env.SMTP_URL && env.EMAIL_FROM);
}

/** Email sign-in links: with mail, unless EMAIL_SIGN_IN=0 (a team that signs in with a provider and mails escalations only). */
export function emailLinksOn(env: Record<string, string | undefined>) {
  return mailConfigured(env) && env.EMAIL_SIGN_IN !== "0";
}

/** Password sign-in has accounts only while the demo users are on: by default in development, never unless asked in production. */
export function demoUsersOn(env: Record<string, string | undefined>) {
  return env.DEMO_USERS ? env.DEMO_USERS === "1" : env.NODE_ENV !== "production";
}

/** What app/api/events/route.ts exports as `maxDuration` (a literal: Next reads it at build time; a test keeps the two equal). */
export const EVENTS_ROUTE_MAX_DURATION_S = 300;
