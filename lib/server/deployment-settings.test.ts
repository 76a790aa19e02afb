// The settings a deployment reads that no build step checks: vercel.json's
// function paths, the stream route's maxDuration literal, the Upstash pair's
// two names, and what a production start refuses.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EVENTS_ROUTE_MAX_DURATION_S, upstashPair } from "./deployment-settings";
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
    expect(productionStartProblem({ NODE_ENV: "production", NEXTAUTH_SECRET: secret })).toBeNull();
  });
});
