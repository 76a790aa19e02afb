// Deployed as it really runs, through real `next start` processes:
// a platform that never reports a closed request (a TCP proxy that holds the
// server side open), signals to real processes, same-port restarts, Vercel's
// storage names, and who may sign in.
import IORedis from "ioredis";
import { startUpstashLocal } from "../scripts/upstash-local/server";
import { startNextServer, TEST_SECRET, type NextServer } from "../testing/next-server";
import { startRedis, type RedisServer } from "../testing/redis";
import { signInCookie } from "../testing/session";
import { collect, type CollectedStream } from "../testing/sse-reader";
import { startHoldingProxy } from "../testing/tcp-proxy";
import { SSEConnection } from "@/lib/client/sse-connection";
import type { SSERawEvent } from "@/lib/client/sse-types";
import type { Notification, Stats } from "@/lib/shared/types";
import { ADMIN, ALICE, BOB, addCookieHeader, expect, test } from "./fixtures";

test.describe.configure({ mode: "serial" });
test.setTimeout(90_000);

const streamEnv = { SSE_HEARTBEAT_MS: "300", SSE_RETRY_MS: "100", RATE_CONNECT_PER_MIN: "10000", RATE_PUBLISH_PER_MIN: "10000" };

async function openStream(url: string, cookie: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/events`, { headers: { cookie, ...headers }, signal: controller.signal });
  const stream = res.ok ? collect(res.body!) : null;
  if (stream) await stream.waitFor((e) => e.some((x) => x.event === "connected"));
  return { res, stream, close: () => controller.abort() };
}

async function publish(url: string, cookie: string, title: string): Promise<Notification> {
  const res = await fetch(`${url}/api/notifications`, {
    method: "POST",
    headers: { cookie, origin: url, "content-type": "application/json" },
    body: JSON.stringify({ title, audience: { kind: "all" } }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

async function openConnections(url: string, cookie: string) {
  return ((await (await fetch(`${url}/api/admin/stats`, { headers: { cookie } })).json()) as Stats).connections.total;
}

const exitOf = (server: NextServer) =>
  new Promise<void>((resolve) => (server.process.exitCode !== null || server.process.signalCode !== null ? resolve() : server.process.once("exit", () => resolve())));

test.describe("a browser replaces its own streams", () => {
  let server: NextServer;
  test.beforeAll(async () => {
    server = await startNextServer({ ...streamEnv, MAX_CONNECTIONS_PER_USER: "2" });
  });
  test.afterAll(async () => server?.stop());

  test("behind a platform that never reports a closed request, reloads never meet too many devices, and the old streams end", async () => {
    const proxy = await startHoldingProxy(server.port);
    const admin = await signInCookie(server.url, ADMIN);
    try {
      const member = await signInCookie(server.url, ALICE);
      for (let reload = 0; reload < 5; reload++) {
        const { res, close } = await openStream(proxy.url, member, { "x-browser-id": "alices-laptop" });
        expect(res.status, `reload ${reload}`).toBe(200);
        close(); // the tab goes; the proxy keeps the server's side open
      }
      // Each newer stream ended the older one: one stream left for the browser, and its connection only.
      await expect.poll(() => openConnections(server.url, admin)).toBe(1);
      await expect.poll(() => proxy.openUpstreams()).toBe(1);

      // Without a browser id, the same closed tabs hold their slots: what the platform does to a client that sends none.
      const bob = await signInCookie(server.url, BOB);
      for (let i = 0; i < 2; i++) (await openStream(proxy.url, bob)).close();
      const third = await openStream(proxy.url, bob);
      expect(third.res.status).toBe(429);
    } finally {
      await proxy.close();
    }
  });

  test("a browser id that is not one is refused, naming the field", async () => {
    const member = await signInCookie(server.url, ALICE);
    const res = await fetch(`${server.url}/api/events?browserId=${encodeURIComponent("<script>")}`, { headers: { cookie: member } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "browserId" });
  });
});

test.describe("in Redis mode, across instances", () => {
  let redis: RedisServer;
  let a: NextServer;
  let b: NextServer;
  test.beforeAll(async () => {
    redis = await startRedis();
    const env = (id: string) => ({ ...streamEnv, REDIS_URL: redis.url, INSTANCE_ID: id, MAX_CONNECTIONS_PER_USER: "1" });
    [a, b] = await Promise.all([startNextServer(env("a")), startNextServer(env("b"))]);
  });
  test.afterAll(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await redis?.destroy();
  });

  test("a browser's new stream on one instance ends its old one on the other, within the limit of one", async () => {
    const member = await signInCookie(a.url, ALICE);
    const first = await openStream(a.url, member, { "x-browser-id": "phone" });
    const second = await openStream(b.url, member, { "x-browser-id": "phone" });
    expect(second.res.status).toBe(200);
    await first.stream!.ended;
    expect(first.stream!.events.at(-1)?.event).toBe("replaced");
    // Another browser is over the limit of one: the phone's slot is the one taken.
    expect((await openStream(a.url, member, { "x-browser-id": "laptop" })).res.status).toBe(429);
    second.close();
  });

  // Vercel's 500 ms after SIGTERM, or any kill: the stream is cut before `reconnect` and nothing is freed.
  test("a stream cut with its instance (SIGKILL) locks nobody out: the same browser gets back in on another instance", async () => {
    const member = await signInCookie(b.url, BOB);
    const killed = await startNextServer({ ...streamEnv, REDIS_URL: redis.url, INSTANCE_ID: "killed", MAX_CONNECTIONS_PER_USER: "1" });
    const cut = await openStream(killed.url, member, { "x-browser-id": "bobs-phone" });
    expect(cut.res.status).toBe(200);
    killed.process.kill("SIGKILL");
    await exitOf(killed);
    // Its slot stays in Redis until its time runs out; the browser's new stream replaces it.
    const back = await openStream(b.url, member, { "x-browser-id": "bobs-phone" });
    expect(back.res.status).toBe(200);
    // A client that sends no browser id (a script) waits for the slot's time: the bound docs/deploy-vercel.md gives.
    expect((await openStream(b.url, member)).res.status).toBe(429);
    back.close();
  });

  test("SIGTERM, then a new process on the same port: the client ends on it, and nothing published meanwhile is lost", async () => {
    const admin = await signInCookie(b.url, ADMIN);
    const member = await signInCookie(a.url, ALICE);
    const received: SSERawEvent[] = [];
    const instanceOf = (e: SSERawEvent) => (JSON.parse(e.data) as { instance: string }).instance;
    const fetchWithCookie: typeof fetch = (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie: member } });
    const connection = new SSEConnection(`${a.url}/api/events`, { browserId: "desk", fetch: fetchWithCookie }, { onEvents: (e) => received.push(...e), onState: () => {} });
    connection.start();
    try {
      await expect.poll(() => received.filter((e) => e.event === "connected").length).toBe(1);
      const before = await publish(b.url, admin, "before the restart");
      await expect.poll(() => received.some((e) => e.id === before.id)).toBe(true);

      const signalled = Date.now();
      a.process.kill("SIGTERM");
      await exitOf(a);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      // Its presence and its slots went with it: with a limit of one, another browser of the person gets in at once.
      const redisAdmin = new IORedis(redis.url);
      try {
        expect(await redisAdmin.hget("ntf:presence", "a")).toBeNull();
        expect(await redisAdmin.keys("ntf:alive:a~*")).toEqual([]);
      } finally {
        redisAdmin.disconnect();
      }
      const elsewhere = await openStream(b.url, member, { "x-browser-id": "laptop" });
      expect(elsewhere.res.status).toBe(200);
      elsewhere.close();
      await expect.poll(() => openConnections(b.url, admin)).toBe(0);
      const during = [await publish(b.url, admin, "while a restarts 1"), await publish(b.url, admin, "while a restarts 2")];
      const restarted = await startNextServer({ ...streamEnv, REDIS_URL: redis.url, INSTANCE_ID: "a2", MAX_CONNECTIONS_PER_USER: "1" }, { port: a.port });
      a = restarted;
      await expect.poll(() => received.filter((e) => e.event === "connected").map(instanceOf).at(-1), { timeout: 30_000 }).toBe("a2");
      const after = await publish(b.url, admin, "after the restart");
      await expect.poll(() => received.some((e) => e.id === after.id)).toBe(true);
      const ids = received.filter((e) => e.event === "notification").map((e) => e.id);
      expect(ids).toEqual([before.id, ...during.map((n) => n.id), after.id]);
      expect(received.some((e) => e.event === "reconnect")).toBe(false); // the client consumes it; never handed on
    } finally {
      connection.close();
    }
  });
});

test.describe("graceful shutdown in embedded mode", () => {
  test("SIGTERM ends every stream with reconnect and the process leaves within 10 s, though its client stays", async () => {
    const server = await startNextServer(streamEnv);
    try {
      const member = await signInCookie(server.url, ALICE);
      const streams: CollectedStream[] = [];
      for (let i = 0; i < 3; i++) streams.push((await openStream(server.url, member)).stream!);
      const signalled = Date.now();
      server.process.kill("SIGTERM");
      for (const stream of streams) {
        await stream.ended;
        expect(stream.events.at(-1)?.event).toBe("reconnect");
      }
      await exitOf(server);
      expect(Date.now() - signalled).toBeLessThan(10_000);
    } finally {
      await server.stop();
    }
  });

  test("while it stops, it refuses new streams with 503 and Retry-After, and health says so (a listener the platform keeps open)", async () => {
    // NEXT_MANUAL_SIG_HANDLE: Next's own handler stays out, so the listener stays open as on a platform still routing to it.
    const server = await startNextServer({ ...streamEnv, NEXT_MANUAL_SIG_HANDLE: "1" });
    try {
      const member = await signInCookie(server.url, ALICE);
      const open = await openStream(server.url, member);
      const signalled = Date.now();
      server.process.kill("SIGTERM");
      await open.stream!.ended;
      expect(open.stream!.events.at(-1)?.event).toBe("reconnect");
      const refused = await fetch(`${server.url}/api/events`, { headers: { cookie: member } });
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(refused.headers.get("connection")).toBe("close");
      const health = await fetch(`${server.url}/api/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ ok: false, error: "shutting down" });
      await exitOf(server);
      expect(Date.now() - signalled).toBeLessThan(10_000);
    } finally {
      await server.stop();
    }
  });
});

test.describe("settings of a real deployment", () => {
  test("Vercel's KV_REST_API_* names select Upstash mode, and health says which names were used", async () => {
    const redis = await startRedis();
    const upstash = await startUpstashLocal({ redisUrl: redis.url, port: 0 });
    const server = await startNextServer({ KV_REST_API_URL: upstash.url, KV_REST_API_TOKEN: upstash.token });
    try {
      expect(await (await fetch(`${server.url}/api/health`)).json()).toEqual({ ok: true, mode: "upstash", settings: "KV_REST_API_URL" });
      const admin = await signInCookie(server.url, ADMIN);
      const stored = await publish(server.url, admin, "through the KV names");
      const redisAdmin = new IORedis(redis.url);
      expect((await redisAdmin.xrevrange("ntf:log", "+", "-", "COUNT", 1))[0]?.[0]).toBe(stored.id);
      redisAdmin.disconnect();
    } finally {
      await server.stop();
      await upstash.close();
      await redis.destroy();
    }
  });

  test("with ALLOWED_EMAILS, only those people (and ADMIN_EMAILS) may sign in, and the others read why", async ({ browser }) => {
    const server = await startNextServer({ ALLOWED_EMAILS: ALICE, ADMIN_EMAILS: ADMIN });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/signin`);
      await page.getByTestId("signin-email").fill(BOB);
      await page.getByTestId("signin-password").fill("demo");
      await page.getByTestId("signin-submit").click();
      await expect(page.getByTestId("signin-error")).toHaveText(/may not sign in here/);
      await expect(signInCookie(server.url, BOB)).rejects.toThrow(/sign-in failed/);
      expect(await signInCookie(server.url, ALICE)).toContain("session-token");
      expect(await signInCookie(server.url, ADMIN)).toContain("session-token");
      // A right password for an account that is not allowed is not "wrong password", and a wrong one says nothing more.
      await page.getByTestId("signin-email").fill(BOB); // the form resets after each attempt
      await page.getByTestId("signin-password").fill("not the password");
      await page.getByTestId("signin-submit").click();
      await expect(page.getByTestId("signin-error")).toHaveText("Wrong email or password.");
      // The OAuth path lands on the sign-in page with the same sentence.
      await page.goto(`${server.url}/signin?error=not-allowed`);
      await expect(page.getByTestId("signin-refused")).toHaveText(/may not sign in here/);
    } finally {
      await context.close();
      await server.stop();
    }
  });

  test("a production start with an OAuth provider and no rule for who may sign in refuses, naming the settings", async () => {
    const oauth = { GITHUB_ID: "an-app", GITHUB_SECRET: "its-secret" };
    await expect(startNextServer(oauth)).rejects.toThrow(/Refusing to start: an OAuth provider is on.*ALLOWED_EMAILS or ALLOWED_EMAIL_DOMAINS/);
    const open = await startNextServer({ ...oauth, ALLOW_ANY_SIGNIN: "1", NEXTAUTH_SECRET: TEST_SECRET });
    try {
      expect(await (await fetch(`${open.url}/signin`)).text()).toMatch(/Continue with (<!-- -->)?GitHub/);
    } finally {
      await open.stop();
    }
  });

  test("a production start in embedded mode says once that it forgets on restart, and /admin shows it", async ({ browser }) => {
    const server = await startNextServer();
    const context = await browser.newContext();
    try {
      expect(server.output().match(/Embedded mode: notifications, read state and API tokens live in this process's memory/g)).toHaveLength(1);
      const admin = await signInCookie(server.url, ADMIN);
      await addCookieHeader(context, server.url, admin);
      const page = await context.newPage();
      await page.goto(`${server.url}/admin`);
      await expect(page.getByTestId("embedded-forgets")).toContainText("lost when it restarts");
    } finally {
      await context.close();
      await server.stop();
    }
  });
});
