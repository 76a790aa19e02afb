// Identity and role come from a verified address, reproduced against the
// product's own next-auth options (no real provider is reachable here; the
// OpenID Connect path runs end to end in e2e/sign-in.spec.ts).
import { beforeAll, describe, expect, it } from "vitest";
import type { NextAuthOptions } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { githubVerifiedProfile } from "./identity";

let options: NextAuthOptions;

beforeAll(async () => {
  Object.assign(process.env, { ADMIN_EMAILS: "kate@example.com", ALLOWED_EMAIL_DOMAINS: "example.com", OIDC_ADMIN_GROUPS: "ops-admins" });
  Object.assign(process.env, { OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "app", OIDC_CLIENT_SECRET: "s" });
  ({ authOptions: options } = await import("./options"));
});

type SignIn = NonNullable<NextAuthOptions["callbacks"]>["signIn"];
const signIn = (provider: string, profile: Record<string, unknown>) =>
  (options.callbacks!.signIn as NonNullable<SignIn>)({ user: { id: "x", email: String(profile.email) }, account: { type: "oauth", provider, providerAccountId: "1" }, profile } as never);
const jwt = (provider: string, profile: Record<string, unknown>) =>
  options.callbacks!.jwt!({ token: {} as JWT, user: { id: "x", email: String(profile.email) }, account: { type: "oauth", provider, providerAccountId: "1" }, profile } as never);

describe("who a provider's sign-in is", () => {
  it("refuses an address the provider has not verified, an admin's included", async () => {
    expect(await signIn("google", { email: "kate@example.com", email_verified: false })).toBe("/signin?error=unverified");
    expect(await signIn("oidc", { email: "kate@example.com" })).toBe("/signin?error=unverified");
    expect(await signIn("oidc", { email: "kate@example.com", email_verified: "true" })).toBe("/signin?error=unverified");
    expect(await signIn("google", { email: "kate@example.com", email_verified: true })).toBe(true);
  });

  it("keeps different addresses apart: a Kelvin-sign look-alike is no address, a bare domain is no address", async () => {
    expect(await signIn("oidc", { email: "\u212Aate@example.com", email_verified: true })).toBe("/signin?error=unverified");
    expect(await signIn("oidc", { email: "example.com", email_verified: true })).toBe("/signin?error=unverified");
    expect(await signIn("oidc", { email: "mallory@elsewhere.example", email_verified: true })).toBe("/signin?error=not-allowed");
  });

  it("makes an admin by a verified ADMIN_EMAILS address or an OIDC_ADMIN_GROUPS group, from that provider only", async () => {
    expect((await jwt("google", { email: "Kate@Example.com", email_verified: true })).role).toBe("admin");
    expect((await jwt("oidc", { email: "lee@example.com", email_verified: true, groups: ["ops-admins"] })).role).toBe("admin");
    expect((await jwt("oidc", { email: "lee@example.com", email_verified: true, groups: ["ops"] })).role).toBe("member");
    expect((await jwt("google", { email: "lee@example.com", email_verified: true, groups: ["ops-admins"] })).role).toBe("member");
    await expect(jwt("google", { email: "kate@example.com", email_verified: false })).rejects.toThrow(/verified/);
  });

  it("takes GitHub's primary address only when GitHub verified it", async () => {
    const emails = (list: unknown[]) => (async () => Response.json(list)) as unknown as typeof fetch;
    const profile = { id: 1, login: "kate", email: "kate@example.com" };
    expect(await githubVerifiedProfile(profile, "t", emails([{ email: "kate@example.com", primary: true, verified: false }]))).toMatchObject({ email: undefined, email_verified: false });
    expect(await githubVerifiedProfile(profile, "t", emails([{ email: "k@example.com", primary: true, verified: true }]))).toMatchObject({ email: "k@example.com", email_verified: true });
    expect(await githubVerifiedProfile(profile, "t", (async () => new Response("", { status: 403 })) as unknown as typeof fetch)).toMatchObject({ email_verified: false });
  });
});
