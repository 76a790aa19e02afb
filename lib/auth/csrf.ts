// next-auth v4's double-submit CSRF check, for the one step the app takes
// before next-auth does (revoking a session on sign-out): the cookie holds
// "<token>|<sha256(token + secret)>", and the form must send the token.
import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import type { NextRequest } from "next/server";
import { config } from "../server/config";

const COOKIE_NAMES = ["__Host-next-auth.csrf-token", "next-auth.csrf-token"];

export function validCsrfToken(req: NextRequest, sent: string | null): boolean {
  if (!sent) return false;
  const cookie = COOKIE_NAMES.map((name) => req.cookies.get(name)?.value).find(Boolean);
  if (!cookie) return false;
  const [token, hash] = decodeURIComponent(cookie).split("|");
  if (!token || !hash) return false;
  const expected = createHash("sha256").update(`${token}${config().authSecret}`).digest("hex");
  return equal(hash, expected) && equal(sent, token);
}

function equal(a: string, b: string) {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
