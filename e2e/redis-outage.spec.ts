// When Redis blinks: the state around the notifications survives
// too. Real `next start` instances on a real redis-server that is stopped,
// SIGSTOPped, or cut off from one instance by a TCP proxy; in Redis mode and,
// where the fault means the same there, in Upstash mode.
import IORedis from "ioredis";
import { startUpstashLocal, type UpstashLocal } from "../scripts/upstash-local/server";
import { startNextServer, type NextServer } from "../testing/next-server";
import { startRedis, type RedisServer } from "../testing/redis";
import { signInCookie, signOut } from "../testing/session";
import { collect, notificationIds, type CollectedStream } from "../testing/sse-reader";
import { startCuttableProxy, type CuttableProxy } from "../testing/tcp-proxy";
import type { Notification } from "@/lib/shared/types";
import { ADMIN, ALICE, BOB, expect, test } from "./fixtures";

test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

const env = { SSE_HEARTBEAT_MS: "300", RATE_CONNECT_PER_MIN: "10000", RATE_PUBLISH_PER_MIN: "10000", RATE_SIGNIN_PER_MIN: "1000", MAX_CONNECTIONS_PER_USER: "3" };

interface OpenStream {
  status: number;
  stream: CollectedStream | null;
  close(): void;
}

async function open(url: string, headers: Record<string, string>): Promise<OpenStream> {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/events`, { headers, signal: controller.signal });
  if (!res.ok) {
    controller.abort();
    return { status: res.status, stream: null, close: () => {} };
  }
  const stream = collect(res.body!);
  await stream.waitFor((e) => e.some((x) => x.event === "connected"));
  return { status: res.status, stream, close: () => controller.abort() };
}

async function api(url: string, cookie: string, path: string, method: string, body?: unknown) {
  return fetch(`${url}${path}`, {
    method,
    headers: { cookie, origin: url, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Opens a stream once the user's slots allow it (a stream closed just before may still be releasing its slot). */
async function openWhenFree(url: string, headers: Record<string, string>): Promise<OpenStream> {
  let opened: OpenStream | null = null;
  await expect
    .poll(async () => {
      opened = await open(url, headers);
      return opened.status;
    })
    .toBe(200);
  return opened!;
}

/** Lines of the server's log that match: the server saying it saw something happen. */
const logged = (server: NextServer, pattern: RegExp) => server.output().split("\n").filter((line) => pattern.test(line)).length;

for (const mode of ["redis", "upstash"] as const) {
  test.describe(`${mode} mode`, () => {
    let redis: RedisServer;
    let upstash: UpstashLocal | null = null;
    /** A reaches the store through a proxy the tests can cut; B directly. */
    let proxy: CuttableProxy;
    let a: NextServer;
    let b: NextServer;
    let admin: string;

    const storeEnv = (port: number): Record<string, string> =>
      mode === "upstash"
        ? { UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${port}`, UPSTASH_REDIS_REST_TOKEN: upstash!.token }
        : { REDIS_URL: `redis://127.0.0.1:${port}` };
    const storePort = () => (mode === "upstash" ? Number(new URL(upstash!.url).port) : redis.port);

    test.beforeAll(async () => {
      redis = await startRedis();
      if (mode === "upstash") upstash = await startUpstashLocal({ redisUrl: redis.url, port: 0 });
      proxy = await startCuttableProxy(storePort());
      [a, b] = await Promise.all([
        startNextServer({ ...env, ...storeEnv(proxy.port), INSTANCE_ID: "a" }),
        startNextServer({ ...env, ...storeEnv(storePort()), INSTANCE_ID: "b" }),
      ]);
      admin = await signInCookie(b.url, ADMIN);
    });
    // A test cut short (its timeout) must not leave the store stalled or stopped for the next ones.
    test.afterEach(async () => {
      if (redis.pid) process.kill(redis.pid, "SIGCONT");
      else await redis.start();
      proxy.heal();
    });
    test.afterAll(async () => {
      await Promise.allSettled([a?.stop(), b?.stop()]);
      await proxy?.close();
      await upstash?.close();
      await redis?.destroy();
    });

    test("1. a slot is freed though its stream closed while the store was down", async () => {
      const member = await signInCookie(a.url, BOB);
      const streams = [await open(a.url, { cookie: member }), await open(a.url, { cookie: member }), await open(a.url, { cookie: member })];
      expect((await open(a.url, { cookie: member })).status).toBe(429);
      const failedBefore = logged(a, /releasing a stream slot failed/);
      await redis.stop();
      try {
        for (const s of streams) s.close();
        await expect.poll(() => logged(a, /releasing a stream slot failed/) - failedBefore, { timeout: 30_000 }).toBe(3);
      } finally {
        await redis.start();
      }
      // Within a reconciliation, not after SSE_MAX_DURATION_S + 60 s.
      let reopened: OpenStream | null = null;
      await expect
        .poll(
          async () => {
            reopened = await open(a.url, { cookie: member });
            return reopened.status;
          },
          { timeout: 30_000 },
        )
        .toBe(200);
      reopened!.close();
    });

    if (mode === "redis") {
      // Upstash mode: a stalled endpoint answers late rather than failing, so the admission is not refused.
      test("2. a connect answered 503 during a stall holds no slot", async () => {
        const member = await signInCookie(a.url, ALICE);
        process.kill(redis.pid!, "SIGSTOP");
        let statuses: number[];
        try {
          statuses = await Promise.all([0, 1, 2].map(async () => (await open(a.url, { cookie: member })).status));
        } finally {
          process.kill(redis.pid!, "SIGCONT");
        }
        expect(statuses).toEqual([503, 503, 503]);
        const held: OpenStream[] = [];
        await expect
          .poll(
            async () => {
              const next = await open(a.url, { cookie: member });
              if (next.status === 200) held.push(next);
              return held.length;
            },
            { timeout: 30_000 },
          )
          .toBe(3);
        expect((await open(a.url, { cookie: member })).status).toBe(429);
        for (const s of held) s.close();
      });
    }

    test("3. after the bus breaks, a sign-out, a revoked token and a follow made meanwhile all take effect", async () => {
      const session = await signInCookie(a.url, ADMIN);
      const other = await signInCookie(a.url, ADMIN);
      await api(a.url, other, "/api/channels", "PUT", { following: [] });
      const tokenRes = await api(a.url, other, "/api/tokens", "POST", { name: "wallboard" });
      const token = (await tokenRes.json()) as { id: string; token: string };
      const bySession = await openWhenFree(a.url, { cookie: session });
      const byToken = await open(a.url, { authorization: `Bearer ${token.token}` });
      const following = await open(a.url, { cookie: other, "x-browser-id": "desk" });
      proxy.cut(); // A's subscription breaks; what goes over the bus now never reaches A
      try {
        expect((await signOut(b.url, session)).status).toBeLessThan(400);
        expect((await api(b.url, other, `/api/tokens/${token.id}`, "DELETE")).status).toBe(204);
        expect((await api(b.url, other, "/api/channels", "PUT", { following: ["deploys"] })).status).toBe(200);
      } finally {
        proxy.heal();
      }
      // Within 15 s of the bus returning (A re-subscribes with a backoff of a few seconds at most).
      await bySession.stream!.ended;
      await byToken.stream!.ended;
      expect(bySession.stream!.events.at(-1)?.event).toBe("reconnect");
      expect(byToken.stream!.events.at(-1)?.event).toBe("reconnect");
      expect((await fetch(`${a.url}/api/notifications`, { headers: { cookie: session } })).status).toBe(401);
      // Its counts are current: the stream was told to refetch.
      await following.stream!.waitFor((e) => e.some((x) => x.event === "reset"), 20_000);
      const res = await api(b.url, admin, "/api/notifications", "POST", { title: "to the channel followed in the break", audience: { kind: "channel", channel: "deploys" } });
      const sent = (await res.json()) as Notification;
      await following.stream!.waitFor((e) => notificationIds(e).includes(sent.id), 20_000);
      expect(notificationIds(following.stream!.events).filter((id) => id === sent.id)).toHaveLength(1);
      following.close();
    });

    test("4. an instance cut off for longer than its TTL never lets a person hold more streams than the limit", async () => {
      const member = await signInCookie(b.url, BOB);
      const onA = [await openWhenFree(a.url, { cookie: member }), await openWhenFree(a.url, { cookie: member }), await openWhenFree(a.url, { cookie: member })];
      const redisAdmin = new IORedis(redis.url);
      try {
        proxy.cut();
        // A stops counting as alive when its key expires (its presence TTL, 3 × 20 s after its last report): B may then admit the person again.
        await expect.poll(async () => (await redisAdmin.keys("ntf:alive:a~*")).length, { timeout: 100_000 }).toBe(0);
        const onB = [await open(b.url, { cookie: member }), await open(b.url, { cookie: member }), await open(b.url, { cookie: member })];
        expect(onB.map((s) => s.status)).toEqual([200, 200, 200]);
        proxy.heal();
        // A learns it had lapsed and finds no room beside B's three: its streams end, and their clients come back to a 429.
        for (const s of onA) {
          await s.stream!.ended;
          expect(s.stream!.events.at(-1)?.event).toBe("reconnect");
        }
        expect((await open(a.url, { cookie: member })).status).toBe(429);
        for (const s of onB) s.close();
      } finally {
        proxy.heal();
        redisAdmin.disconnect();
      }
    });

    test("5. signing in while the store is down says so in a sentence, never a library's message or 'wrong password'", async ({ page }) => {
      await redis.stop();
      try {
        await page.goto(`${b.url}/signin`);
        await page.getByTestId("signin-email").fill(ALICE);
        await page.getByTestId("signin-password").fill("demo");
        await page.getByTestId("signin-submit").click();
        await expect(page.getByTestId("signin-error")).toHaveText("Sign-in is unavailable for a moment; try again.");
        const csrf = await fetch(`${b.url}/api/auth/csrf`);
        const { csrfToken } = (await csrf.json()) as { csrfToken: string };
        const res = await fetch(`${b.url}/api/auth/callback/credentials`, {
          method: "POST",
          redirect: "manual",
          headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
          body: new URLSearchParams({ csrfToken, email: ALICE, password: "demo", json: "true" }),
        });
        const text = decodeURIComponent(JSON.stringify(await res.json()));
        expect(text).toContain("Sign-in is unavailable for a moment");
        expect(text).not.toMatch(/maxRetriesPerRequest|ioredis|ECONNREFUSED|fetch failed|Error:/);
      } finally {
        await redis.start();
      }
      await expect.poll(async () => (await signInCookie(b.url, ALICE).catch(() => "")).includes("session-token"), { timeout: 20_000 }).toBe(true);
    });
  });
}
