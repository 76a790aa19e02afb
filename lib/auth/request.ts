// Who is making this request: a Bearer API token, else the next-auth session
// cookie. The role is derived from the email now, so ADMIN_EMAILS changes
// apply without waiting for sessions to expire.
import "server-only";
import { getToken } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import { config } from "../config";
import { userForToken } from "./tokens";
import { toSessionUser, type SessionUser } from "./users";

export interface Authenticated {
  user: SessionUser;
  via: "token" | "session";
}

export async function authenticate(req: NextRequest): Promise<Authenticated | null> {
  const authorization = req.headers.get("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) {
    const user = await userForToken(authorization.slice(7).trim());
    return user ? { user, via: "token" } : null;
  }
  const cookie = req.headers.get("cookie") ?? "";
  const cached = sessions.get(cookie);
  if (cached && cached.until > Date.now()) return { user: cached.user, via: "session" };
  const jwt = await getToken({ req, secret: config().authSecret });
  if (!jwt?.email) return null;
  const user = toSessionUser(jwt.email, jwt.name);
  remember(cookie, user, typeof jwt.exp === "number" ? jwt.exp * 1000 : 0);
  return { user, via: "session" };
}

// Decrypting a session cookie (HKDF + JWE) costs more than the rest of a
// publish; a cookie already decrypted is trusted again until its own expiry,
// at most a minute, so ADMIN_EMAILS changes still apply within a minute.
const SESSION_CACHE_MS = 60_000;
const SESSION_CACHE_MAX = 10_000;
const sessions = new Map<string, { user: SessionUser; until: number }>();

function remember(cookie: string, user: SessionUser, expiresAt: number) {
  if (sessions.size >= SESSION_CACHE_MAX) sessions.delete(sessions.keys().next().value!);
  sessions.set(cookie, { user, until: Math.min(expiresAt, Date.now() + SESSION_CACHE_MS) });
}
