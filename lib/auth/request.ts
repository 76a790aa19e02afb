// Who is making this request: a Bearer API token, else the next-auth session
// cookie, unless that session was signed out. The role is derived from the
// email now, so ADMIN_EMAILS changes apply without waiting for sessions to expire.
import "server-only";
import { getToken } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import { config } from "../config";
import { getStore } from "../store";
import { SessionCache, sessionCookieKey, type SessionInfo } from "./session-cache";
import { userForToken } from "./tokens";
import { toSessionUser, type SessionUser } from "./users";

export type Authenticated =
  | { user: SessionUser; via: "session"; sessionId: string; expiresAt: number }
  | { user: SessionUser; via: "token"; tokenId: string };

const sessions = new SessionCache();

export async function authenticate(req: NextRequest): Promise<Authenticated | null> {
  const authorization = req.headers.get("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) {
    const found = await userForToken(authorization.slice(7).trim());
    return found ? { user: found.user, via: "token", tokenId: found.tokenId } : null;
  }
  const key = sessionCookieKey(req.cookies.getAll());
  if (!key) return null;
  const cached = sessions.get(key);
  if (cached) {
    if (cached.recheck) {
      if (await isSignedOut(cached.session)) return null;
      sessions.markChecked(key);
    }
    return viaSession(cached.session);
  }
  const session = await decode(req);
  if (!session || (await isSignedOut(session))) return null;
  sessions.set(key, session);
  return viaSession(session);
}

/** After a sign-out (next-auth's signOut event): refused here at once, elsewhere within REVOCATION_RECHECK_MS. */
export async function revokeSession(sessionId: string, expiresAt: number) {
  await getStore().revokeSession(sessionId, expiresAt);
  sessions.forgetSession(sessionId);
}

function viaSession({ user, sessionId, expiresAt }: SessionInfo): Authenticated {
  return { user, via: "session", sessionId, expiresAt };
}

async function isSignedOut(session: SessionInfo) {
  if (!(await getStore().isSessionRevoked(session.sessionId))) return false;
  sessions.forgetSession(session.sessionId);
  return true;
}

async function decode(req: NextRequest): Promise<SessionInfo | null> {
  const jwt = await getToken({ req, secret: config().authSecret });
  // A session without an id (signed before sessions had one) cannot be signed out, so it is not trusted.
  if (!jwt?.email || typeof jwt.sid !== "string" || typeof jwt.exp !== "number") return null;
  return { user: toSessionUser(jwt.email, jwt.name), sessionId: jwt.sid, expiresAt: jwt.exp * 1000 };
}
