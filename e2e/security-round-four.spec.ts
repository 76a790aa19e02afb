// The fourth security review, each finding through real `next start`
// processes: two instances in Redis mode on one redis-server (budgets are
// shared), and one more whose public URL is https (HSTS).
import { startNextServer, type NextServer } from "../testing/next-server";
import { startRedis, type RedisServer } from "../testing/redis";
import { signInCookie } from "../testing/session";
import type { NotificationPage } from "@/lib/shared/types";
import { ADMIN, ALICE, BOB, expect, test } from "./fixtures";

test.describe.configure({ mode: "serial" });
test.setTimeout(90_000);

const REQUESTS_PER_MIN = 12;

let redis: RedisServer;
let a: NextServer;
let b: NextServer;
let admin: string;
let bob: string;

test.beforeAll(async () => {
  redis = await startRedis();
  const env = { REDIS_URL: redis.url, RATE_REQUESTS_PER_MIN: String(REQUESTS_PER_MIN), RATE_SIGNIN_PER_MIN: "1000", DIAGNOSTICS: "0" };
  [a, b] = await Promise.all([startNextServer({ ...env, INSTANCE_ID: "a" }), startNextServer({ ...env, INSTANCE_ID: "b" })]);
  [admin, bob] = await Promise.all([signInCookie(a.url, ADMIN), signInCookie(a.url, BOB)]);
});
test.afterAll(async () => {
  await Promise.allSettled([a?.stop(), b?.stop()]);
  await redis?.destroy();
});

const asCookie = (server: NextServer, cookie: string, method = "GET", body?: unknown) => ({
  method,
  headers: { cookie, origin: server.url, "content-type": "application/json" },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

async function tokenFor(scope: string | undefined): Promise<string> {
  const res = await fetch(`${a.url}/api/tokens`, asCookie(a, admin, "POST", { name: `scope ${scope ?? "none"}`, ...(scope ? { scope } : {}) }));
  expect(res.status).toBe(201);
  const created = (await res.json()) as { token: string; scope: string };
  expect(created.scope).toBe(scope ?? "admin");
  return created.token;
}

test("1. a person's budget for follows, mutes and tokens is shared by every instance: 429 with Retry-After", async () => {
  const alice = await signInCookie(a.url, ALICE);
  const follow = (server: NextServer) => fetch(`${server.url}/api/channels`, asCookie(server, alice, "PUT", { following: ["deploys"] }));
  // A's share of the minute, then B: B refuses too. (A minute's window may turn between the two: then once more.)
  let refused: Response | null = null;
  for (let attempt = 0; attempt < 2 && !refused; attempt++) {
    for (let i = 0; i < REQUESTS_PER_MIN; i++) await follow(a);
    const onB = await follow(b);
    if (onB.status === 429) refused = onB;
  }
  expect(refused?.status).toBe(429);
  expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect((await refused!.json()).error).toMatch(/requests/);
  // The same budget holds the reads and the tokens.
  expect((await fetch(`${b.url}/api/preferences`, asCookie(b, alice))).status).toBe(429);
  expect((await fetch(`${a.url}/api/tokens`, asCookie(a, alice))).status).toBe(429);
});

test("2. every answer that depends on who asks says private, no-store", async () => {
  for (const path of ["/api/notifications", "/api/channels", "/api/tokens", "/api/preferences"]) {
    const res = await fetch(`${a.url}${path}`, asCookie(a, bob));
    expect(res.status, path).toBe(200);
    expect(res.headers.get("cache-control"), path).toBe("private, no-store");
  }
  for (const path of ["/api/admin/stats", "/api/admin/alerts"]) {
    expect((await fetch(`${a.url}${path}`, asCookie(a, admin))).headers.get("cache-control"), path).toBe("private, no-store");
  }
  for (const path of ["/api/health", "/api/auth/providers", "/api/auth/session", "/api/channels"]) {
    expect((await fetch(`${a.url}${path}`)).headers.get("cache-control"), path).toMatch(/no-store/);
  }
});

test("3. a token does what its scope allows: hooks only the webhooks, publish also publishing, read its owner's history and stream; one made without a scope is admin", async () => {
  const [hooks, publish, read, legacy] = [await tokenFor("hooks"), await tokenFor("publish"), await tokenFor("read"), await tokenFor(undefined)];
  const call = (token: string, path: string, body?: unknown) =>
    fetch(`${a.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const notification = { title: "scoped", audience: { kind: "all" } };
  const alerts = { alerts: [{ status: "firing", labels: { alertname: "Scoped" }, annotations: {} }] };

  expect((await call(hooks, "/api/hooks/alertmanager", alerts)).status).toBe(202);
  for (const [path, body] of [["/api/notifications", notification], ["/api/notifications"], ["/api/events"], ["/api/admin/alerts"]] as const) {
    const res = await call(hooks, path, body);
    expect(res.status, path).toBe(403);
    expect((await res.json()).error).toMatch(/scope is "hooks"/);
  }
  expect((await call(publish, "/api/notifications", notification)).status).toBe(201);
  expect((await call(publish, "/api/hooks/grafana", alerts)).status).toBe(202);
  expect((await call(publish, "/api/notifications")).status).toBe(403);
  expect((await call(read, "/api/notifications")).status).toBe(200);
  expect((await call(read, "/api/notifications", notification)).status).toBe(403);
  expect((await call(read, "/api/admin/alerts")).status).toBe(403);
  expect((await call(legacy, "/api/admin/alerts")).status).toBe(200);
});

test("4. every HTML answer carries the nonce CSP: a prefetch, and the 404 of a path that merely starts with api", async () => {
  const prefetch = await fetch(`${a.url}/settings`, { headers: { cookie: bob, purpose: "prefetch", "next-router-prefetch": "1" } });
  expect(prefetch.headers.get("content-security-policy")).toMatch(/script-src 'self' 'nonce-[^']+'/);
  for (const path of ["/apifoo", "/api-docs"]) {
    const res = await fetch(`${a.url}${path}`);
    expect(res.status, path).toBe(404);
    expect(res.headers.get("content-type"), path).toMatch(/text\/html/);
    expect(res.headers.get("content-security-policy"), path).toMatch(/'nonce-[^']+'/);
  }
});

test("5. HSTS for a year whenever the public URL is https, and never over plain http", async () => {
  const https = await startNextServer({ NEXTAUTH_URL: "https://notifications.example.com" });
  try {
    for (const path of ["/signin", "/api/health"]) {
      const hsts = (await fetch(`${https.url}${path}`)).headers.get("strict-transport-security");
      expect(Number(/max-age=(\d+)/.exec(hsts ?? "")?.[1]), path).toBeGreaterThanOrEqual(31_536_000);
    }
  } finally {
    await https.stop();
  }
  expect((await fetch(`${a.url}/signin`)).headers.get("strict-transport-security")).toBeNull();
});

test("6. bidi overrides and C1 controls never reach what is stored, from the API or a webhook; a link is stored trimmed", async () => {
  const published = await fetch(`${a.url}/api/notifications`, asCookie(a, admin, "POST", {
    title: "Invoice \u202Efdp.exe\u202C paid\u0085",
    body: "line\u2066 one\u2069\u009b",
    link: "  https://status.example.com/x",
    audience: { kind: "all" },
  }));
  expect(published.status).toBe(201);
  expect(await published.json()).toMatchObject({ title: "Invoice fdp.exe paid", body: "line one", link: "https://status.example.com/x" });
  const hooks = await tokenFor("hooks");
  const hook = await fetch(`${a.url}/api/hooks/alertmanager`, {
    method: "POST",
    headers: { authorization: `Bearer ${hooks}`, "content-type": "application/json" },
    body: JSON.stringify({ alerts: [{ status: "firing", labels: { alertname: "x" }, annotations: { summary: "Disk \u202Eeulb\u202C full", description: "\u0085quiet" } }] }),
  });
  expect(hook.status).toBe(202);
  const page = (await (await fetch(`${a.url}/api/notifications?limit=10`, asCookie(a, bob))).json()) as NotificationPage;
  const fromHook = page.items.find((n) => n.title.startsWith("Disk"));
  expect(fromHook).toMatchObject({ title: "Disk eulb full", body: "quiet" });
});

test("7. a malformed percent-encoding in a path is a JSON 400", async () => {
  for (const path of ["/api/tokens/%E0%A4%A", "/api/auth/%ff", "/settings/%E0%A4%A"]) {
    const res = await fetch(`${a.url}${path}`, { headers: { cookie: bob } });
    expect(res.status, path).toBe(400);
    expect((await res.json()).error, path).toMatch(/percent-encoding/);
  }
});

test("8. with diagnostics off the route is 404 to everyone, whatever the body", async () => {
  for (const body of [{ action: "end-streams" }, { action: "no-such-thing" }]) {
    for (const cookie of [admin, bob]) {
      expect((await fetch(`${a.url}/api/admin/diagnostics`, asCookie(a, cookie, "POST", body))).status).toBe(404);
    }
  }
});
