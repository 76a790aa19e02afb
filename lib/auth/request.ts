// Who is making this request: a Bearer API token, else the next-auth session
// cookie, unless that session was signed out. The role is derived from the
// email now, so ADMIN_EMAILS changes apply without waiting for sessions to expire;
// an OIDC_ADMIN_GROUPS admin is one by the ID token of their sign-in (groups are
// known only then: a change applies at the next sign-in).
import "server-only";
import { getToken } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import { config } from "../server/config";
import { getStores } from "../store";
import { SessionCache, sessionCookieKey, type SessionInfo } from "./session-cache";
import { userForToken } from "./tokens";
import type { SessionUser, TokenScope } from "../shared/types";
import { toSessionUser } from "./users";
import { audit } from "../server/log";

export type Authenticated =
  | { user: SessionUser; via: "session"; sessionId: string; expiresAt: number }
  | { user: SessionUser; via: "token"; tokenId: string; tokenName: string; scope: TokenScope };

/** A session cookie lives this long, renewed whenever next-auth re-issues it. */
export const SESSION_MAX_AGE_S = 8 * 60 * 60;

// One cache per process (route bundles may each load this module): a sign-out
// must reach the cache every route reads.
const CACHE_KEY = Symbol.for("notifications.session-cache");
const HEARD_KEY = Symbol.for("notifications.sign-outs-heard-since");
const g = globalThis as typeof globalThis & { [CACHE_KEY]?: SessionCache; [HEARD_KEY]?: () => number | null };
const sessions = (g[CACHE_KEY] ??= new SessionCache());

/**
 * Since when every sign-out reaches this process as it happens (the hub's bus
 * subscription, which forgets signed-out sessions here: forgetSignedOutSession).
 * Until the hub says so, the store is asked.
 */
export function hearSignOutsSince(since: () => number | null) {
  g[HEARD_KEY] = since;
}

/**
 * `signOutCheckedByCaller`: whether a session was signed out is left to the
 * caller, who asks the store in a round trip of its own (the stream's
 * admission): such a session is not cached as checked.
 */
export async function authenticate(req: NextRequest, { signOutCheckedByCaller = false } = {}): Promise<Authenticated | null> {
  const authorization = req.headers.get("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) {
    const found = await userForToken(authorization.slice(7).trim());
    return found ? { user: found.user, via: "token", tokenId: found.tokenId, tokenName: found.tokenName, scope: found.scope } : null;
  }
  const key = sessionCookieKey(req.cookies.getAll());
  if (!key) return null;
  const cached = sessions.get(key, g[HEARD_KEY]?.() ?? null);
  if (cached) {
    if (cached.recheck && !signOutCheckedByCaller) {
      // Marked first: the requests that arrive while this one asks the store
      // trust the cache as they did a moment ago, rather than all asking too.
      sessions.markChecked(key);
      if (await isSignedOut(cached.session)) return null;
    }
    return viaSession(cached.session);
  }
  const session = await decode(req);
  if (!session) return null;
  if (signOutCheckedByCaller) return viaSession(session);
  if (await isSignedOut(session)) return null;
  sessions.set(key, session);
  return viaSession(session);
}

/**
 * Revokes the session a sign-out request carries, before next-auth clears
 * its cookie; throws (a 503) when the store cannot record it, so the person
 * is never told they signed out while their session lives on. Remembered
 * for a whole session lifetime from now: no copy of the cookie, however
 * recently re-issued, outlives that.
 */
export async function revokeRequestSession(req: NextRequest) {
  const jwt = await getToken({ req, secret: config().authSecret });
  if (typeof jwt?.sid !== "string") return;
  await getStores().credentials.revokeSession(jwt.sid, Date.now() + SESSION_MAX_AGE_S * 1000);
  sessions.forgetSession(jwt.sid);
  audit("sign-out", { user: jwt.uid, session: jwt.sid });
}

/** A `session-revoked` bus message: this instance stops trusting the cookie at once. */
export function forgetSignedOutSession(sessionId: string) {
  sessions.forgetSession(sessionId);
}

function viaSession({ user, sessionId, expiresAt }: SessionInfo): Authenticated {
  return { user, via: "session", sessionId, expiresAt };
}

async function isSignedOut(session: SessionInfo) {
  if (!(await getStores().credentials.isSessionRevoked(session.sessionId))) return false;
  sessions.forgetSession(session.sessionId);
  return true;
}

async function decode(req: NextRequest): Promise<SessionInfo | null> {
  const jwt = await getToken({ req, secret: config().authSecret });
  // A session without an id (signed before sessions had one) cannot be signed out, so it is not trusted.
  if (!jwt?.email || typeof jwt.sid !== "string" || typeof jwt.exp !== "number") return null;
  return { user: toSessionUser(jwt.email, jwt.name, { admin: jwt.adminByGroup === true }), sessionId: jwt.sid, expiresAt: jwt.exp * 1000 };
}
