// Why a production start must refuse to run, or null when it may. Kept free of
// "server-only" so instrumentation.ts can import it: a forgeable session secret
// would let anyone sign in as an admin, and an OAuth provider with no allow
// rule would let anyone with a GitHub or Google account read every alert, so
// `next start` stops instead.
import { parseList } from "../shared/email-address";
import { demoUsersOn, emailLinksOn, oauthProviderOn, storeMode } from "./deployment-settings";

/** The secret `next dev` and the tests use when none is set; never valid in production. */
export const DEV_AUTH_SECRET = "development-secret-not-for-production";

const PLACEHOLDERS = /^(secret|changeme|change-me|change_me|test|demo|development|password|x+)$/i;

/**
 * Who may sign in and who is an admin, checked in every mode: a list that
 * names nothing would mean "anyone", and an entry that is no address would
 * silently never match. Fails closed, with the setting's name.
 */
export function signInSettingsProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const [name, kind] of [["ADMIN_EMAILS", "address"], ["ALLOWED_EMAILS", "address"], ["ALLOWED_EMAIL_DOMAINS", "domain"]] as const) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    const { set, invalid } = parseList(value, kind);
    if (invalid !== null) return `${name} holds "${invalid}", which is not an email ${kind}. Write a comma list of ${kind === "address" ? "addresses (name@example.com)" : "domains (example.com)"}.`;
    if (set.size === 0) return `${name} is set but names no ${kind}: that would let nobody, or anybody, in. Name at least one, or leave it unset.`;
  }
  if (env.OIDC_ADMIN_GROUPS !== undefined && env.OIDC_ADMIN_GROUPS !== "" && !env.OIDC_ADMIN_GROUPS.split(",").some((g) => g.trim()))
    return "OIDC_ADMIN_GROUPS is set but names no group. Name at least one, or leave it unset.";
  return null;
}

export function productionStartProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  const settings = signInSettingsProblem(env);
  if (settings) return settings;
  if (env.NODE_ENV !== "production") return null;
  const secret = env.NEXTAUTH_SECRET;
  const generate = "Generate one with `openssl rand -base64 32` and set NEXTAUTH_SECRET before starting.";
  if (!secret) return `NEXTAUTH_SECRET is not set. ${generate}`;
  if (secret === DEV_AUTH_SECRET || secret.length < 32 || PLACEHOLDERS.test(secret))
    return `NEXTAUTH_SECRET is a placeholder or shorter than 32 characters. ${generate}`;
  if (oauthProviderOn(env) && !env.ALLOWED_EMAILS && !env.ALLOWED_EMAIL_DOMAINS && env.ALLOW_ANY_SIGNIN !== "1")
    return "an OAuth provider is on and nothing limits who may sign in: anyone with an account there would see every alert. Set ALLOWED_EMAILS or ALLOWED_EMAIL_DOMAINS (comma lists; ADMIN_EMAILS may always sign in), or ALLOW_ANY_SIGNIN=1 to let everyone in.";
  if (!oauthProviderOn(env) && !emailLinksOn(env) && !demoUsersOn(env))
    return "nobody could sign in: no way to sign in is set. Set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (any OpenID Connect provider), GITHUB_ID and GITHUB_SECRET, GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, or SMTP_URL and EMAIL_FROM (email sign-in links, unless EMAIL_SIGN_IN=0); docs/self-hosting.md says which to pick.";
  if (emailLinksOn(env) && !env.ALLOWED_EMAILS && !env.ALLOWED_EMAIL_DOMAINS && env.ALLOW_ANY_SIGNIN !== "1")
    return "email sign-in links are on and nothing limits who may sign in: anyone with a mailbox would see every alert. Set ALLOWED_EMAILS or ALLOWED_EMAIL_DOMAINS (ADMIN_EMAILS may always sign in), or ALLOW_ANY_SIGNIN=1 to let everyone in.";
  return null;
}

/** The one line a production start in embedded mode logs, and /admin shows. */
export const EMBEDDED_FORGETS =
  "Embedded mode: notifications, read state and API tokens live in this process's memory and are lost when it restarts. For a single self-hosted server, set REDIS_URL; on Vercel, the Upstash pair (docs/self-hosting.md).";

export function forgetsOnRestart(env: NodeJS.ProcessEnv = process.env) {
  return env.NODE_ENV === "production" && storeMode(env) === "embedded";
}
