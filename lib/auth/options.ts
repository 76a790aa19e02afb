// next-auth v4 settings: password sign-in (rate limited), OAuth providers
// switched on by their env vars, JWT sessions that carry id and role.
import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { config } from "../server/config";
import { getStores } from "../store";
import { sameOriginPath } from "../shared/links";
import { clientAddress } from "../server/peer-address";
import { maySignIn, NOT_ALLOWED } from "./allow";
import { SESSION_MAX_AGE_S } from "./request";
import { checkPassword, normalizeEmail, toSessionUser } from "./users";


const SIGN_IN_UNAVAILABLE = "Sign-in is unavailable for a moment; try again.";

/**
 * RATE_SIGNIN_PER_MIN per email from one address, so a stranger's guesses
 * cannot lock the real person out from elsewhere; RATE_SIGNIN_ADDRESS_PER_MIN
 * per address over all emails (each attempt is a scrypt: a flood from one
 * address is bounded); ten times RATE_SIGNIN_PER_MIN per email over all
 * addresses (guessing spread over many addresses is bounded too).
 */
async function signInLimit(email: string, address: string) {
  const { rateSigninPerMin, rateSigninAddressPerMin } = config();
  const limits = getStores().limits;
  try {
    const results = await Promise.all([
      limits.rateLimit(`signin:${email}:${address}`, rateSigninPerMin, 60),
      limits.rateLimit(`signin-address:${address}`, rateSigninAddressPerMin, 60),
      limits.rateLimit(`signin-email:${email}`, 10 * rateSigninPerMin, 60),
    ]);
    return results.find((r) => !r.ok) ?? results[0]!;
  } catch (error) {
    // next-auth shows a thrown message to the person: never a library's, and never "wrong password" for a store that is away.
    console.error(`[auth] sign-in could not reach the store: ${(error as Error).message}`);
    throw new Error(SIGN_IN_UNAVAILABLE);
  }
}

function oauthProviders() {
  const providers = [];
  if (process.env.GITHUB_ID && process.env.GITHUB_SECRET)
    providers.push(GitHubProvider({ clientId: process.env.GITHUB_ID, clientSecret: process.env.GITHUB_SECRET }));
  if (process.env.GOOGLE_CLIENT_ID && process.env.GOOGLE_CLIENT_SECRET)
    providers.push(GoogleProvider({ clientId: process.env.GOOGLE_CLIENT_ID, clientSecret: process.env.GOOGLE_CLIENT_SECRET }));
  return providers;
}

export const authOptions: NextAuthOptions = {
  secret: config().authSecret,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        // Normalised once: the limit's key and the account lookup must be the
        // same value, or each spelling of an email is a fresh budget of guesses.
        const email = normalizeEmail(String(credentials?.email ?? "").slice(0, 254));
        const password = String(credentials?.password ?? "").slice(0, 256);
        if (!email || !password) return null;
        const limit = await signInLimit(email, clientAddress(req?.headers ?? {}, config().trustProxy));
        if (!limit.ok) throw new Error(`Too many sign-in attempts. Try again in ${limit.retryAfterS} s.`);
        const user = await checkPassword(email, password);
        if (!user) return null;
        // Only after the password: before it, the answer would tell a stranger which emails are allowed.
        if (!maySignIn(user.email)) throw new Error(NOT_ALLOWED);
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
    ...oauthProviders(),
  ],
  callbacks: {
    // Every provider: an OAuth account outside the allow rules goes back to the sign-in page, which says why.
    signIn({ user, account }) {
      if (account?.type !== "oauth" || maySignIn(user.email)) return true;
      return "/signin?error=not-allowed";
    },
    // next-auth's default accepts any "/…" value; browsers read "/\t/evil.example" as another site.
    redirect({ url, baseUrl }) {
      const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
      return baseUrl + (sameOriginPath(path) ?? "/");
    },
    async jwt({ token, user }) {
      if (user?.email) {
        const sessionUser = toSessionUser(user.email, user.name);
        token.uid = sessionUser.id;
        token.role = sessionUser.role;
        token.sid = crypto.randomUUID();
        return token;
      }
      // Every page (getServerSession) and every re-issue of the cookie comes
      // here: a signed-out session is no session, and next-auth clears its
      // cookie instead of renewing it. A store that cannot answer fails closed.
      if (typeof token.sid !== "string" || (await getStores().credentials.isSessionRevoked(token.sid))) throw new Error("This session was signed out.");
      return token;
    },
    async session({ session, token }) {
      if (session.user && token.email) {
        session.user.id = String(token.uid);
        session.user.role = token.role === "admin" ? "admin" : "member";
      }
      return session;
    },
  },
};
