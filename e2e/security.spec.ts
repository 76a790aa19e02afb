// The holes a security review found, each reproduced as an attacker
// would: through the API, and in Chromium where a browser is what gets fooled.
import { request as httpRequest } from "node:http";
import IORedis from "ioredis";
import { startUpstashLocal, type UpstashLocal } from "../scripts/upstash-local/server";
import { startNextServer, type NextServer } from "../testing/next-server";
import { startRedis, type RedisServer } from "../testing/redis";
import { signInCookie } from "../testing/session";
import { collect } from "../testing/sse-reader";
import { addCookieHeader, ADMIN, ALICE, BOB, expect, publish, signIn, test } from "./fixtures";

let server: NextServer;
/** Signed in before the sign-in limit test uses up the admin's attempts. */
let adminCookie: string;
test.beforeAll(async () => {
  server = await startNextServer({ RATE_SIGNIN_PER_MIN: "3", RATE_PUBLISH_PER_MIN: "3", RATE_READ_PER_MIN: "5", RATE_CONNECT_PER_MIN: "1000" });
  adminCookie = await signInCookie(server.url, ADMIN);
});
test.afterAll(async () => server?.stop());

/** One password sign-in through next-auth's credentials callback: where it sends the client, and the session cookie if any. */
async function signInAttempt(baseUrl: string, email: string, password: string) {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = await csrf.json();
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const url: string = (await res.json()).url;
  return { url, signedIn: res.headers.getSetCookie().some((c) => c.includes("session-token=")) };
}

async function createToken(baseUrl: string, cookie: string, name = "test") {
  const res = await fetch(`${baseUrl}/api/tokens`, {
    method: "POST",
    headers: { cookie, origin: baseUrl, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

const publishWithAuthorization = (baseUrl: string, authorization: string, title = "from a token") =>
  new Promise<number>((resolve, reject) => {
    // node:http, because fetch refuses the raw header bytes an attacker can send.
    const body = JSON.stringify({ audience: { kind: "all" }, title });
    const req = httpRequest(`${baseUrl}/api/notifications`, { method: "POST", headers: { authorization, "content-type": "application/json" } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("error", reject);
    req.end(body);
  });

/**
 * The sign-in limit is a fixed window of a minute: a sequence of attempts that
 * straddles a minute's turn gets a fresh budget halfway (seen once on a busy
 * machine). Start each sequence with at least 20 s of the window left.
 */
async function startOfAWindow() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

test.describe("sign-in", () => {
  test("1. the sign-in limit holds for every spelling of an email (spaces, case, Unicode form)", async () => {
    await startOfAWindow();
    for (let i = 0; i < 3; i++) expect((await signInAttempt(server.url, ADMIN, "wrong")).signedIn).toBe(false);
    for (const spelling of [` ${ADMIN}`, `${ADMIN} `, `\t${ADMIN.toUpperCase()}\n`, ADMIN]) {
      const attempt = await signInAttempt(server.url, spelling, "demo");
      expect(attempt.signedIn, JSON.stringify(spelling)).toBe(false);
      expect(decodeURIComponent(attempt.url)).toMatch(/Too many sign-in attempts/);
    }
    // Composed and decomposed forms of one address's domain share one budget too (a local part that is
    // not plain ASCII is no address here: refused before any budget or hash, lib/shared/email-address.ts).
    await startOfAWindow();
    for (let i = 0; i < 3; i++) await signInAttempt(server.url, "zoe@caf\u00e9.example", "wrong");
    expect(decodeURIComponent((await signInAttempt(server.url, "zoe@cafe\u0301.example", "wrong")).url)).toMatch(/Too many sign-in attempts/);
  });

  test("2. a callbackUrl that browsers read as another site sends the person home, signing in or signed in", async ({ page }) => {
    const origin = server.url;
    await page.goto(`${origin}/signin?callbackUrl=/%09/evil.example/phish`);
    await page.getByTestId("signin-email").fill(BOB);
    await page.getByTestId("signin-password").fill("demo");
    await page.getByTestId("signin-submit").click();
    await page.waitForURL((url) => url.pathname === "/" || url.origin !== origin);
    expect(new URL(page.url()).origin).toBe(origin);
    await expect(page.getByTestId("connection-status")).toBeVisible();
    // Already signed in: the sign-in page redirects at once, and still home.
    for (const callback of ["/%09/evil.example/phish", "/%5Cevil.example", "%2F%0A%2Fevil.example", "https://evil.example/"]) {
      await page.goto(`${origin}/signin?callbackUrl=${callback}`);
      await page.waitForURL((url) => url.pathname === "/" || url.origin !== origin);
      expect(new URL(page.url()).origin, callback).toBe(origin);
    }
    // next-auth's own redirect after the credentials callback.
    const res = await page.request.post(`${origin}/api/auth/callback/credentials`, {
      form: { csrfToken: (await (await page.request.get(`${origin}/api/auth/csrf`)).json()).csrfToken, email: BOB, password: "demo", callbackUrl: "/\t/evil.example/phish", json: "true" },
    });
    expect(new URL((await res.json()).url).origin).toBe(origin);
  });
});

test.describe("links", () => {
  test("3. a link that looks internal but leaves the site is refused, in the API and in the admin form", async ({ browser }) => {
    const admin = adminCookie;
    for (const link of ["/\t/evil.example/login", "/\\evil.example", "/\n/evil.example"]) {
      const res = await fetch(`${server.url}/api/notifications`, {
        method: "POST",
        headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
        body: JSON.stringify({ audience: { kind: "all" }, title: "disguised", link }),
      });
      expect(res.status, JSON.stringify(link)).toBe(400);
      expect(await res.json()).toMatchObject({ field: "link" });
    }
    const context = await browser.newContext();
    try {
      await addCookieHeader(context, server.url, adminCookie);
      const page = await context.newPage();
      await page.goto(`${server.url}/admin`);
      await page.getByTestId("admin-title").fill("disguised link");
      await page.getByTestId("admin-link").fill("/\t/evil.example/login");
      await page.getByTestId("admin-send").click();
      await expect(page.getByText(/A link is a path of this app/).first()).toBeVisible();
      await expect(page.getByTestId("admin-result")).toHaveCount(0);
    } finally {
      await context.close();
    }
  });
});

test.describe("app links and external links in the feed", () => {
  test("3. an app path stays on the app; an https link shows its host and opens apart", async ({ browser, baseURL }) => {
    const context = await browser.newContext();
    try {
      await signIn(context.request, baseURL, ADMIN);
      await publish(context.request, baseURL, { audience: { kind: "all" }, title: "app link", link: "/settings?from=alert" });
      await publish(context.request, baseURL, { audience: { kind: "all" }, title: "external link", link: "https://status.example.org/incident/7" });
      const page = await context.newPage();
      await page.goto(`${baseURL}/`);
      const app = page.locator("article", { hasText: "app link" }).first().getByTestId("notification-link");
      const external = page.locator("article", { hasText: "external link" }).first().getByTestId("notification-link");
      await expect(app).toHaveText("Open →");
      expect(new URL((await app.getAttribute("href"))!, baseURL).origin).toBe(new URL(baseURL).origin);
      await expect(external).toContainText("status.example.org");
      await expect(external).toHaveAttribute("target", "_blank");
      await expect(external).toHaveAttribute("rel", /noopener/);
    } finally {
      await context.close();
    }
  });
});

test.describe("tokens", () => {
  test("5. a token cannot list, mint or revoke tokens; revoking one ends its streams and it gets 401", async () => {
    const cookie = await signInCookie(server.url, ALICE);
    const { id, token } = await createToken(server.url, cookie);
    const bearer = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    expect((await fetch(`${server.url}/api/tokens`, { method: "POST", headers: bearer, body: JSON.stringify({ name: "child" }) })).status).toBe(403);
    expect((await fetch(`${server.url}/api/tokens`, { headers: bearer })).status).toBe(403);
    expect((await fetch(`${server.url}/api/tokens/${id}`, { method: "DELETE", headers: bearer })).status).toBe(403);

    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/events`, { headers: bearer, signal: controller.signal });
    expect(res.status).toBe(200);
    const stream = collect(res.body!);
    await stream.waitFor((e) => e.some((x) => x.event === "connected"));
    const revoked = await fetch(`${server.url}/api/tokens/${id}`, { method: "DELETE", headers: { cookie, origin: server.url } });
    expect(revoked.status).toBe(204);
    await Promise.race([stream.ended, new Promise((_, reject) => setTimeout(() => reject(new Error("the token's stream stayed open")), 5_000))]);
    expect((await fetch(`${server.url}/api/events`, { headers: bearer })).status).toBe(401);
    controller.abort();
  });

  test("6. the publish limit counts per person (tokens share it), whatever bytes trail the header", async () => {
    // A server of its own: the budget is the admin's, and this file's other tests publish as the admin too.
    const own = await startNextServer({ RATE_PUBLISH_PER_MIN: "3" });
    const server = own;
    const admin = await signInCookie(own.url, ADMIN);
    const { token } = await createToken(server.url, admin, "limited");
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await publishWithAuthorization(server.url, `Bearer ${token}`));
    expect(statuses).toEqual([201, 201, 201, 429]);
    const padded = [];
    for (const trailing of ["\xa0", " ", "\t", "\xa0\xa0"]) padded.push(await publishWithAuthorization(server.url, `Bearer ${token}${trailing}`));
    // Either the padding is dropped on the way (same token: limited) or it spoils the token (401): never a fresh budget.
    for (const status of padded) expect([429, 401]).toContain(status);
    expect(padded).toContain(429);
    // A second token of the same admin is no fresh budget, and neither is their session.
    const other = await createToken(server.url, admin, "other");
    expect(await publishWithAuthorization(server.url, `Bearer ${other.token}`)).toBe(429);
    await own.stop();
  });
});

test.describe("mark read", () => {
  test("7. only stored ids addressed to the user are marked; the route is rate limited", async () => {
    const admin = adminCookie;
    const alice = await signInCookie(server.url, ALICE);
    const post = (cookie: string, path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: "POST", headers: { cookie, origin: server.url, "content-type": "application/json" }, body: JSON.stringify(body) });
    const other = await signInCookie(server.url, "bob@example.com");
    const token = await createToken(server.url, admin, "reads");
    const forAll = await (await publishWithAuthorizationJson(server.url, token.token, { audience: { kind: "all" }, title: "for all" })).json();
    const forBob = await (await publishWithAuthorizationJson(server.url, token.token, { title: "for bob", audience: { kind: "user", userId: BOB } })).json();
    const bogus = Array.from({ length: 498 }, (_, i) => `${1_000_000 + i}-${i}`);
    const res = await post(alice, "/api/notifications/read", { ids: [...bogus, forBob.id, forAll.id] });
    expect(res.status).toBe(200);
    expect((await res.json()).ids).toEqual([forAll.id]);
    const history = await (await fetch(`${server.url}/api/notifications?limit=100`, { headers: { cookie: other } })).json();
    expect(history.items.find((n: { id: string }) => n.id === forBob.id).read).toBe(false);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(alice, "/api/notifications/read", { ids: [forAll.id] })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });
});

function publishWithAuthorizationJson(baseUrl: string, token: string, body: unknown) {
  return fetch(`${baseUrl}/api/notifications`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
}

test.describe("across instances", () => {
  let redis: RedisServer;
  let upstash: UpstashLocal;
  let withAlice: NextServer;
  let without: NextServer;
  test.beforeAll(async () => {
    redis = await startRedis();
    upstash = await startUpstashLocal({ redisUrl: redis.url, port: 0 });
    const env = { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token, RATE_PUBLISH_PER_MIN: "1000" };
    // Two instances of one deployment, before and after alice left ADMIN_EMAILS.
    [withAlice, without] = await Promise.all([startNextServer({ ...env, ADMIN_EMAILS: ALICE }), startNextServer({ ...env, ADMIN_EMAILS: "" })]);
  });
  test.afterAll(async () => {
    await Promise.allSettled([withAlice?.stop(), without?.stop()]);
    await upstash?.close();
    await redis?.destroy();
  });

  test("4. a token acts with its owner's current role; 6. the limiter's keys hold no part of it", async () => {
    const cookie = await signInCookie(withAlice.url, ALICE);
    const { token } = await createToken(withAlice.url, cookie);
    expect((await publishWithAuthorizationJson(withAlice.url, token, { audience: { kind: "all" }, title: "while admin" })).status).toBe(201);
    expect((await publishWithAuthorizationJson(without.url, token, { audience: { kind: "all" }, title: "after removal" })).status).toBe(403);
    expect((await fetch(`${without.url}/api/admin/stats`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    expect((await fetch(`${withAlice.url}/api/admin/stats`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const r = new IORedis(redis.url);
    try {
      const keys = await r.keys("*");
      const secret = token.slice(4);
      for (let i = 0; i + 12 <= secret.length; i += 4) expect(keys.join("\n")).not.toContain(secret.slice(i, i + 12));
    } finally {
      r.disconnect();
    }
  });

  test("5. revoking a token on one instance ends its streams on the other", async () => {
    const cookie = await signInCookie(withAlice.url, ALICE);
    const { id, token } = await createToken(withAlice.url, cookie);
    const controller = new AbortController();
    const res = await fetch(`${without.url}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    const stream = collect(res.body!);
    await stream.waitFor((e) => e.some((x) => x.event === "connected"));
    expect((await fetch(`${withAlice.url}/api/tokens/${id}`, { method: "DELETE", headers: { cookie, origin: withAlice.url } })).status).toBe(204);
    await Promise.race([stream.ended, new Promise((_, reject) => setTimeout(() => reject(new Error("the token's stream stayed open")), 10_000))]);
    expect((await fetch(`${without.url}/api/events`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    controller.abort();
  });
});
