// Who is making this request: a Bearer API token, else the next-auth session
// cookie. The role is derived from the email now, so ADMIN_EMAILS changes
// apply without waiting for sessions to expire.
import "server-only";
import { getToken } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import { config } from "../config";
import { SessionCache, sessionCookieKey } from "./session-cache";
import { userForToken } from "./tokens";
import { toSessionUser, type SessionUser } from "./users";

export type Authenticated = { user: SessionUser; via: "session" } | { user: SessionUser; via: "token"; tokenId: string };

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
  if (cached) return { user: cached, via: "session" };
  const jwt = await getToken({ req, secret: config().authSecret });
  if (!jwt?.email) return null;
  const user = toSessionUser(jwt.email, jwt.name);
  sessions.set(key, user, typeof jwt.exp === "number" ? jwt.exp * 1000 : 0);
  return { user, via: "session" };
}
