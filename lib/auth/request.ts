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
  const jwt = await getToken({ req, secret: config().authSecret });
  if (!jwt?.email) return null;
  return { user: toSessionUser(jwt.email, jwt.name), via: "session" };
}
