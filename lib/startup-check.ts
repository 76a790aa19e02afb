// Why a production start must refuse to run, or null when it may. Kept free of
// "server-only" so instrumentation.ts can import it: a forgeable session secret
// would let anyone sign in as an admin, so `next start` stops instead.

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
  return null;
}

/** Stops the process with the reason when a production start is unsafe. */
export function refuseUnsafeProductionStart() {
  const problem = productionStartProblem();
  if (!problem) return;
  console.error(`\n[startup] Refusing to start: ${problem}\n`);
  process.exit(1);
}
