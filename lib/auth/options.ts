// next-auth v4 settings: password sign-in for the demo accounts (rate
// limited), email sign-in links, OpenID Connect, GitHub and Google switched on
// by their settings, JWT sessions that carry id and role. A person is their
// verified email address (identity.ts).
import "server-only";
import type { NextAuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import type { OAuthConfig } from "next-auth/providers/oauth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { config } from "../server/config";
import { getStores } from "../store";
import { parseEmailAddress } from "../shared/email-address";
import { sameOriginPath } from "../shared/links";
import { clientAddress } from "../server/peer-address";
import { maySignIn, NOT_ALLOWED } from "./allow";
import { takeSignInLink } from "./email-link";
import { githubVerifiedProfile, inAdminGroup, verifiedAddress, type ProviderClaims } from "./identity";
import { SESSION_MAX_AGE_S } from "./request";
import { checkPassword, toSessionUser } from "./users";
import { audit, log } from "../server/log";

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
    log().error({ component: "auth" }, `sign-in could not reach the store: ${(error as Error).message}`);
    throw new Error(SIGN_IN_UNAVAILABLE);
  }
}

/**
 * Any OpenID Connect provider, from its discovery document: the
 * authorization code flow with PKCE, state and nonce; next-auth's
 * openid-client checks the ID token's signature, issuer, audience, expiry
 * and nonce, and profile() reads its claims.
 */
function oidcProvider(): OAuthConfig<ProviderClaims & { sub: string; name?: string; preferred_username?: string }> | null {
  const oidc = config().oidc;
  if (!oidc) return null;
  return {
    id: "oidc",
    name: oidc.name,
    type: "oauth",
    wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    authorization: { params: { scope: oidc.adminGroups.size ? "openid email profile groups" : "openid email profile" } },
    profile: (claims) => ({ id: claims.sub, email: typeof claims.email === "string" ? claims.email : null, name: claims.name ?? claims.preferred_username ?? null }),
  };
}

function oauthProviders() {
  const providers: Provider[] = [];
  const oidc = oidcProvider();
  if (oidc) providers.push(oidc as Provider);
  if (process.env.GITHUB_ID && process.env.GITHUB_SECRET) {
    const github = GitHubProvider({ clientId: process.env.GITHUB_ID, clientSecret: process.env.GITHUB_SECRET });
    github.userinfo = {
      url: "https://api.github.com/user",
      request: async ({ client, tokens }) => githubVerifiedProfile(await client.userinfo(tokens.access_token!), tokens.access_token!),
    };
    providers.push(github);
  }
  if (process.env.GOOGLE_CLIENT_ID && process.env.GOOGLE_CLIENT_SECRET)
    providers.push(GoogleProvider({ clientId: process.env.GOOGLE_CLIENT_ID, clientSecret: process.env.GOOGLE_CLIENT_SECRET }));
  return providers;
}

/** The demo accounts (users.ts), the only ones with a password. */
function passwordProvider() {
  return CredentialsProvider({
    name: "Email and password",
    credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
    async authorize(credentials, req) {
      // Parsed once: the limit's key and the account lookup must be the
      // same value, or each spelling of an email is a fresh budget of guesses.
      const email = parseEmailAddress(String(credentials?.email ?? "").slice(0, 254));
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
  });
}

/** Email sign-in links (email-link.ts) come back here: the link's token, taken once, is the person's address. */
const emailLinkProvider = CredentialsProvider({
  id: "email-link",
  name: "Email link",
  credentials: { token: { label: "Token", type: "text" } },
  async authorize(credentials) {
    const address = await takeSignInLink(String(credentials?.token ?? ""));
    if (!address) throw new Error("This sign-in link was used already or has expired. Ask for a new one.");
    if (!maySignIn(address)) throw new Error(NOT_ALLOWED);
    return { id: address, email: address, name: null };
  },
});

export const authOptions: NextAuthOptions = {
  secret: config().authSecret,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/signin" },
  providers: [
    ...(config().emailSignIn ? [emailLinkProvider] : []),
    ...(config().demoUsers ? [passwordProvider()] : []),
    ...oauthProviders(),
  ],
  callbacks: {
    // An OAuth or OpenID sign-in is its provider's verified address, inside the allow rules; else back to the sign-in page, which says why.
    signIn({ account, profile }) {
      if (account?.type !== "oauth") return true;
      const address = verifiedAddress(profile as ProviderClaims | undefined);
      if (!address) return "/signin?error=unverified";
      return maySignIn(address) ? true : "/signin?error=not-allowed";
    },
    // next-auth's default accepts any "/…" value; browsers read "/\t/evil.example" as another site.
    redirect({ url, baseUrl }) {
      const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
      return baseUrl + (sameOriginPath(path) ?? "/");
    },
    async jwt({ token, user, account, profile }) {
      if (user) {
        // Credentials sign-ins hand a parsed address; an OAuth one, the address signIn() verified.
        const address = account?.type === "oauth" ? verifiedAddress(profile as ProviderClaims | undefined) : parseEmailAddress(user.email ?? "");
        if (!address) throw new Error("This sign-in has no verified email address.");
        const adminByGroup = inAdminGroup(account?.provider ?? "", profile as ProviderClaims | undefined);
        const sessionUser = toSessionUser(address, user.name, { admin: adminByGroup });
        token.email = address;
        token.adminByGroup = adminByGroup;
        token.uid = sessionUser.id;
        token.role = sessionUser.role;
        token.sid = crypto.randomUUID();
        audit("sign-in", { user: sessionUser.id, provider: account?.provider ?? "credentials", role: sessionUser.role, session: token.sid });
        // Someone new follows the channels followed by default from now on (lib/store/directory/types.ts),
        // before their first stream is admitted with what is stored.
        await getStores().directory.getFollowing(sessionUser.id);
        await getStores().directory.rememberPerson({ id: sessionUser.id, email: address, name: sessionUser.name, role: sessionUser.role, ...(adminByGroup ? { adminByGroup } : {}) });
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
        session.user.adminByGroup = token.adminByGroup === true;
      }
      return session;
    },
  },
};
