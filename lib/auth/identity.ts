// Who an OAuth or OpenID Connect sign-in is: a person is their verified email
// address (lib/shared/email-address.ts), never an address the provider has
// not verified. One person across providers on purpose: the allow list,
// ADMIN_EMAILS and "send to this email" all name people by address, and a
// provider that verified the address proves the same mailbox the email link
// proves. The role: admin by a verified ADMIN_EMAILS address, or by
// OIDC_ADMIN_GROUPS in the provider's `groups` claim.
import "server-only";
import { parseEmailAddress } from "../shared/email-address";
import { config } from "../server/config";

/** The claims a sign-in is judged by: an ID token's, Google's userinfo, or GitHub's as githubVerifiedProfile makes them. */
export interface ProviderClaims {
  email?: unknown;
  email_verified?: unknown;
  groups?: unknown;
}

/** The person's address when the provider says it verified it, else null. */
export function verifiedAddress(claims: ProviderClaims | undefined): string | null {
  if (!claims || claims.email_verified !== true || typeof claims.email !== "string") return null;
  return parseEmailAddress(claims.email);
}

/** Whether the ID token puts the person in one of OIDC_ADMIN_GROUPS. */
export function inAdminGroup(provider: string, claims: ProviderClaims | undefined): boolean {
  const groups = config().oidc?.adminGroups;
  if (provider !== "oidc" || !groups?.size || !Array.isArray(claims?.groups)) return false;
  return claims.groups.some((g) => typeof g === "string" && groups.has(g));
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub's profile with the primary address only if GitHub verified it:
 * next-auth's GitHub provider takes the public or primary address without
 * reading `verified`. `email_verified` is then set as an ID token would.
 */
export async function githubVerifiedProfile(profile: Record<string, unknown>, accessToken: string, fetchImpl: typeof fetch = fetch) {
  const res = await fetchImpl("https://api.github.com/user/emails", { headers: { Authorization: `token ${accessToken}`, Accept: "application/vnd.github+json" } });
  const emails = res.ok ? ((await res.json()) as GitHubEmail[]) : [];
  const primary = Array.isArray(emails) ? emails.find((e) => e.primary && e.verified) : undefined;
  return { ...profile, email: primary?.email, email_verified: primary !== undefined };
}
