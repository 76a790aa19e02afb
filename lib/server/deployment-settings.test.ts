// The settings a deployment reads that no build step checks: vercel.json's
// function paths, the stream route's maxDuration literal, the Upstash pair's
// two names, and what a production start refuses.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EVENTS_ROUTE_MAX_DURATION_S, upstashPair } from "./deployment-settings";
import { loadConfig } from "./settings";
import { productionStartProblem } from "./startup-check";

const root = path.resolve(__dirname, "../..");
const secret = "a-real-secret-of-more-than-32-characters-0123";

describe("deployment settings", () => {
  it("vercel.json opts the stream route into request cancellation, and names only files that exist", () => {
    const functions: Record<string, { supportsCancellation?: boolean }> = JSON.parse(readFileSync(path.join(root, "vercel.json"), "utf8")).functions;
    for (const file of Object.keys(functions)) expect(existsSync(path.join(root, file)), file).toBe(true);
    expect(functions["app/api/events/route.ts"]?.supportsCancellation).toBe(true);
  });

  it("the stream route's maxDuration literal is the one the settings check against", () => {
    const route = readFileSync(path.join(root, "app/api/events/route.ts"), "utf8");
    expect(Number(/^export const maxDuration = (\d+);$/m.exec(route)?.[1])).toBe(EVENTS_ROUTE_MAX_DURATION_S);
  });

  it("takes the Upstash pair under Vercel's KV names too, the Upstash names winning", () => {
    const kv = { KV_REST_API_URL: "https://kv.example", KV_REST_API_TOKEN: "kv" };
    expect(upstashPair(kv)).toEqual({ url: "https://kv.example", token: "kv", settings: "KV_REST_API_URL" });
    expect(upstashPair({ ...kv, UPSTASH_REDIS_REST_URL: "https://up.example", UPSTASH_REDIS_REST_TOKEN: "up" })).toMatchObject({ url: "https://up.example", settings: "UPSTASH_REDIS_REST_URL" });
    expect(upstashPair({ KV_REST_API_URL: "https://kv.example" })).toBeNull();
  });

  it("a production start with an OAuth provider needs a rule for who may sign in", () => {
    const base = { NODE_ENV: "production", NEXTAUTH_SECRET: secret, GITHUB_ID: "id", GITHUB_SECRET: "s" } as const;
    expect(productionStartProblem(base)).toMatch(/ALLOWED_EMAILS or ALLOWED_EMAIL_DOMAINS/);
    expect(productionStartProblem({ ...base, ALLOWED_EMAILS: "a@example.com" })).toBeNull();
    expect(productionStartProblem({ ...base, ALLOWED_EMAIL_DOMAINS: "example.com" })).toBeNull();
    expect(productionStartProblem({ ...base, ALLOW_ANY_SIGNIN: "1" })).toBeNull();
    expect(productionStartProblem({ ...base, ALLOWED_EMAILS: "a@example.com", DEMO_USERS: "0" })).toBeNull();
  });

  it("fails closed: a list that names nothing, or holds what is no address, stops any start with the setting's name", () => {
    for (const blank of [",", " , ", " "]) {
      expect(productionStartProblem({ NODE_ENV: "development", ALLOWED_EMAILS: blank })).toMatch(/^ALLOWED_EMAILS is set but names no address/);
      expect(productionStartProblem({ NODE_ENV: "production", NEXTAUTH_SECRET: secret, ALLOWED_EMAIL_DOMAINS: blank })).toMatch(/^ALLOWED_EMAIL_DOMAINS is set but names no domain/);
    }
    expect(productionStartProblem({ NODE_ENV: "development", ADMIN_EMAILS: "kate@example.com,example.com" })).toMatch(/^ADMIN_EMAILS holds "example.com", which is not an email address/);
    expect(productionStartProblem({ NODE_ENV: "development", ALLOWED_EMAILS: "\u212Aate@example.com" })).toMatch(/not an email address/);
    expect(productionStartProblem({ NODE_ENV: "development", OIDC_ADMIN_GROUPS: " , " })).toMatch(/OIDC_ADMIN_GROUPS is set but names no group/);
  });

  it("a production start with no way for anyone to sign in refuses and names the settings to set", () => {
    const bare = { NODE_ENV: "production", NEXTAUTH_SECRET: secret } as const;
    expect(productionStartProblem(bare)).toMatch(/nobody could sign in.*OIDC_ISSUER.*SMTP_URL and EMAIL_FROM/);
    expect(productionStartProblem({ ...bare, DEMO_USERS: "1" })).toBeNull();
    const oidc = { OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "a", OIDC_CLIENT_SECRET: "s", ALLOWED_EMAIL_DOMAINS: "example.com" };
    expect(productionStartProblem({ ...bare, ...oidc })).toBeNull();
    // Email links reach anyone with a mailbox: they need a rule too.
    const smtp = { SMTP_URL: "smtp://127.0.0.1:2525", EMAIL_FROM: "alerts@example.com" };
    expect(productionStartProblem({ ...bare, ...smtp })).toMatch(/email sign-in links are on and nothing limits/);
    expect(productionStartProblem({ ...bare, ...smtp, ALLOWED_EMAILS: "a@example.com" })).toBeNull();
    // Mail for escalations only (a team that signs in with a provider): no links, so no rule for them, and no way to sign in.
    expect(productionStartProblem({ ...bare, ...smtp, EMAIL_SIGN_IN: "0" })).toMatch(/nobody could sign in/);
    expect(productionStartProblem({ ...bare, ...smtp, EMAIL_SIGN_IN: "0", DEMO_USERS: "1" })).toBeNull();
    expect(loadConfig({ ...bare, ...smtp, EMAIL_SIGN_IN: "0" })).toMatchObject({ mail: { smtpUrl: smtp.SMTP_URL, from: smtp.EMAIL_FROM }, emailSignIn: false });
    expect(loadConfig({ ...bare, ...smtp })).toMatchObject({ emailSignIn: true });
  });
});
