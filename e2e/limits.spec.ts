// Abuse limits: streams per user, stream opens and publishes per minute,
// sign-in attempts, session lifetime, and no secret in logs.
import { startNextServer, TEST_SECRET, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import { expect, test } from "./fixtures";

let server: NextServer;
test.beforeAll(async () => {
  server = await startNextServer({
    MAX_CONNECTIONS_PER_USER: "2",
    RATE_CONNECT_PER_MIN: "4",
    RATE_PUBLISH_PER_MIN: "3",
    RATE_SIGNIN_PER_MIN: "3",
  });
});
test.afterAll(async () => server.stop());

const openStream = (cookie: string, signal: AbortSignal) => fetch(`${server.url}/api/events`, { headers: { cookie }, signal });

test("GET /api/events – over MAX_CONNECTIONS_PER_USER is 429 with Retry-After", async () => {
  const cookie = await signInCookie(server.url, "alice@example.com");
  const controller = new AbortController();
  try {
    expect((await openStream(cookie, controller.signal)).status).toBe(200);
    expect((await openStream(cookie, controller.signal)).status).toBe(200);
    const third = await openStream(cookie, controller.signal);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await third.json()).error).toMatch(/at most 2/);
  } finally {
    controller.abort();
  }
});

test("GET /api/events – opening streams faster than RATE_CONNECT_PER_MIN is 429", async () => {
  const cookie = await signInCookie(server.url, "bob@example.com");
  // The limit counts per wall-clock minute: five opens that straddle a minute's end are two windows.
  const leftInMinute = 60_000 - (Date.now() % 60_000);
  if (leftInMinute < 15_000) await new Promise((r) => setTimeout(r, leftInMinute + 100));
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < 5; i++) {
    const controller = new AbortController();
    const res = await openStream(cookie, controller.signal);
    statuses.push(res.status);
    if (res.status === 429) retryAfter = res.headers.get("retry-after");
    controller.abort();
    await expect.poll(async () => (await (await fetch(`${server.url}/api/health`)).json()).ok).toBe(true);
  }
  expect(statuses).toEqual([200, 200, 200, 200, 429]);
  expect(Number(retryAfter)).toBeGreaterThan(0);
});

test("POST /api/notifications – over RATE_PUBLISH_PER_MIN is 429 with Retry-After", async () => {
  const cookie = await signInCookie(server.url, "admin@example.com");
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${server.url}/api/notifications`, {
      method: "POST",
      headers: { cookie, origin: server.url, "content-type": "application/json" },
      body: JSON.stringify({ audience: { kind: "all" }, title: `n${i}` }),
    });
    statuses.push(res.status);
    if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  }
  expect(statuses).toEqual([201, 201, 201, 429]);
});

test("sign-in attempts are rate limited, even with the right password", async () => {
  for (let i = 0; i < 3; i++) await expect(signInCookie(server.url, "bob@example.com", "wrong")).rejects.toThrow(/sign-in failed/);
  await expect(signInCookie(server.url, "bob@example.com", "demo")).rejects.toThrow(/sign-in failed/);
});

test("sessions expire within 8 hours", async () => {
  const csrf = await fetch(`${server.url}/api/auth/csrf`);
  const { csrfToken } = await csrf.json();
  const res = await fetch(`${server.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
    body: new URLSearchParams({ csrfToken, email: "alice@example.com", password: "demo", json: "true" }),
  });
  const session = res.headers.getSetCookie().find((c) => c.includes("session-token="));
  const expires = Date.parse(/Expires=([^;]+)/i.exec(session ?? "")?.[1] ?? "");
  expect(expires).toBeGreaterThan(Date.now());
  expect(expires).toBeLessThanOrEqual(Date.now() + 8 * 3600_000 + 60_000);
  expect(session).toMatch(/HttpOnly/i);
  expect(session).toMatch(/SameSite=Lax/i);
});

test("no password, token or secret reaches the logs or an error response", async () => {
  const cookie = await signInCookie(server.url, "alice@example.com");
  const created = await fetch(`${server.url}/api/tokens`, {
    method: "POST",
    headers: { cookie, origin: server.url, "content-type": "application/json" },
    body: JSON.stringify({ name: "log check" }),
  });
  const { token } = await created.json();
  await fetch(`${server.url}/api/notifications`, { headers: { authorization: `Bearer ${token}` } });
  const bad = await fetch(`${server.url}/api/notifications`, { headers: { authorization: "Bearer ntf_wrong" } });
  expect(bad.status).toBe(401);
  const log = server.output();
  expect(log).not.toContain(token);
  expect(log).not.toContain(TEST_SECRET);
  expect(log).not.toMatch(/password/i);
  expect(JSON.stringify(await bad.json())).not.toMatch(/stack|at \//);
});
