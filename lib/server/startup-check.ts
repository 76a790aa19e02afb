// Why a production start must refuse to run, or null when it may. Kept free of
// "server-only" so instrumentation.ts can import it: a forgeable session secret
// would let anyone sign in as an admin, and an OAuth provider with no allow
// rule would let anyone with a GitHub or Google account read every alert, so
// `next start` stops instead.
import { oauthProviderOn, storeMode } from "./deployment-settings";

/** The secret `next dev` and the tests use when none is set; never valid in production. */
export const DEV_AUTH_SECRET = "development-secret-not-for-production";

const PLACEHOLDERS = /^(secret|changeme|change-me|change_me|test|demo|development|password|x+)$/i;

export function productionStartProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.NODE_ENV !== "production") return null;
  const secret = env.NEXTAUTH_SECRET;
  const generate = "Generate one with `openssl rand -base64 32` and set NEXTAUTH_SECRET before starting.";
  if (!secret) return `NEXTAUTH_SECRET is not set. ${generate}`;
  if (secret === DEV_AUTH_SECRET || secret.length < 32 || PLACEHOLDERS.test(secret))
    return `NEXTAUTH_SECRET is a placeholder or shorter than 32 characters. ${generate}`;
  if (oauthProviderOn(env) && !env.ALLOWED_EMAILS && !env.ALLOWED_EMAIL_DOMAINS && env.ALLOW_ANY_SIGNIN !== "1")
    return "an OAuth provider is on and nothing limits who may sign in: anyone with an account there would see every alert. Set ALLOWED_EMAILS or ALLOWED_EMAIL_DOMAINS (comma lists; ADMIN_EMAILS may always sign in), or ALLOW_ANY_SIGNIN=1 to let everyone in.";
  return null;
}

/** The one line a production start in embedded mode logs, and /admin shows. */
export const EMBEDDED_FORGETS =
  "Embedded mode: notifications, read state and API tokens live in this process's memory and are lost when it restarts. For a single self-hosted server, set REDIS_URL; on Vercel, the Upstash pair (docs/self-hosting.md).";

export function forgetsOnRestart(env: NodeJS.ProcessEnv = process.env) {
  return env.NODE_ENV === "production" && storeMode(env) === "embedded";
}

/** Stops the process with the reason when a production start is unsafe. */
export function refuseUnsafeProductionStart() {
  const problem = productionStartProblem();
  if (problem) {
    console.error(`\n[startup] Refusing to start: ${problem}\n`);
    process.exit(1);
  }
  if (forgetsOnRestart()) console.warn(`[startup] ${EMBEDDED_FORGETS}`);
}
