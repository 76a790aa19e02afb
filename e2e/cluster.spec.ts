// Two production instances on one redis-server, in Upstash mode (behind the
// local Upstash-compatible endpoint) and in Redis mode (REDIS_URL, over TCP):
// what one instance publishes, the other delivers, across moves, restarts and
// a Redis outage, exactly once.
import IORedis from "ioredis";
import { startUpstashLocal, type UpstashLocal } from "../scripts/upstash-local/server";
import { startNextServer, type NextServer } from "../testing/next-server";
import { startRedis, subscribedConnections, type RedisServer } from "../testing/redis";
import { signInCookie } from "../testing/session";
import { collect, notificationIds, type CollectedStream } from "../testing/sse-reader";
import { assertDeliversLive, churnStreamsDuringPublishes } from "../testing/live-checks";
import type { Notification, Stats } from "@/lib/shared/types";
import { addCookieHeader, asAdminAndMember, expect, test, signIn } from "./fixtures";

for (const mode of ["upstash", "redis"] as const) {
  test.describe(`${mode} mode`, () => {
    let redis: RedisServer;
    let upstash: UpstashLocal | null = null;
    let a: NextServer;
    let b: NextServer;
    let admin: string;
    let member: string;
    const controllers: AbortController[] = [];

    const instanceEnv = (id: string): Record<string, string> => ({
      ...(upstash ? { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token } : { REDIS_URL: redis.url }),
      INSTANCE_ID: id,
      SSE_HEARTBEAT_MS: "300",
      RATE_CONNECT_PER_MIN: "100000",
      RATE_PUBLISH_PER_MIN: "100000",
      RATE_SIGNIN_PER_MIN: "1000",
      MAX_CONNECTIONS_PER_USER: "1000",
      DIAGNOSTICS: "1",
    });

    test.describe.configure({ mode: "serial" });
    test.setTimeout(120_000);

    test.beforeAll(async () => {
      redis = await startRedis();
      if (mode === "upstash") upstash = await startUpstashLocal({ redisUrl: redis.url, port: 0 });
      [a, b] = await Promise.all([startNextServer(instanceEnv("a")), startNextServer(instanceEnv("b"))]);
      admin = await signInCookie(a.url, "admin@example.com");
      member = await signInCookie(b.url, "alice@example.com");
    });

    test.afterAll(async () => {
      for (const c of controllers) c.abort();
      await Promise.allSettled([a?.stop(), b?.stop()]);
      await upstash?.close();
      await redis?.destroy();
    });

    async function publish(server: NextServer, title: string): Promise<Response> {
      return fetch(`${server.url}/api/notifications`, {
        method: "POST",
        headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
        body: JSON.stringify({ audience: { kind: "all" }, title }),
      });
    }

    async function published(server: NextServer, title: string): Promise<Notification> {
      const res = await publish(server, title);
      expect(res.status, await res.clone().text()).toBe(201);
      return res.json();
    }

    async function open(server: NextServer, lastEventId?: string): Promise<CollectedStream> {
      const controller = new AbortController();
      controllers.push(controller);
      const headers: Record<string, string> = { cookie: member };
      if (lastEventId) headers["last-event-id"] = lastEventId;
      const res = await fetch(`${server.url}/api/events`, { headers, signal: controller.signal });
      expect(res.status).toBe(200);
      const stream = collect(res.body!);
      await stream.waitFor((e) => e.some((x) => x.event === "connected"));
      return Object.assign(stream, { close: () => controller.abort() });
    }

    const redisAdmin = () => new IORedis(redis.url, { maxRetriesPerRequest: 1 });

    test("publish on A is delivered on B with the same id", async () => {
      const onB = await open(b);
      const n = await published(a, "cross-instance");
      await onB.waitFor((e) => notificationIds(e).includes(n.id));
      const { connectedRecipients, ...stored } = n as Notification & { connectedRecipients: number };
      expect(typeof connectedRecipients).toBe("number");
      expect(JSON.parse(onB.events.find((e) => e.id === n.id)!.data)).toEqual(stored);
    });

    // Regression: a new subscription broken before its first event lost what was published meanwhile.
    test("a fresh instance whose subscription breaks before its first event still delivers what was published meanwhile", async () => {
      const fresh = await startNextServer(instanceEnv("fresh"));
      const r = redisAdmin();
      try {
        const controller = new AbortController();
        const res = await fetch(`${fresh.url}/api/events`, { headers: { cookie: member }, signal: controller.signal });
        const stream = collect(res.body!);
        await stream.waitFor((e) => e.some((x) => x.event === "connected"));
        await r.call("CLIENT", "KILL", "TYPE", "pubsub");
        const sent: Notification[] = [];
        for (let i = 0; i < 5; i++) sent.push(await published(a, `while the bus is broken ${i}`));
        await stream.waitFor((e) => sent.every((n) => notificationIds(e).includes(n.id)), 20_000);
        expect(notificationIds(stream.events)).toEqual(sent.map((n) => n.id));
        controller.abort();
      } finally {
        r.disconnect();
        await fresh.stop();
      }
    });

    // Regression, in Upstash mode: streams that leave while publishes are batched.
    test("streams aborted while publishes are batched do not stop live delivery on an instance", async () => {
      const target = { url: a.url, admin, member };
      await churnStreamsDuringPublishes(target);
      await assertDeliversLive(target);
    });

    // Regression: the limit read presence reports up to 10 s old, both ways.
    test("MAX_CONNECTIONS_PER_USER holds exactly over two instances, a closed stream frees its slot at once, counts are fresh", async () => {
      const limited = { ...instanceEnv("limited"), MAX_CONNECTIONS_PER_USER: "3" };
      const [c, d] = await Promise.all([startNextServer({ ...limited, INSTANCE_ID: "c" }), startNextServer({ ...limited, INSTANCE_ID: "d" })]);
      const bob = await signInCookie(c.url, "bob@example.com");
      const streams: AbortController[] = [];
      const openAs = async (server: NextServer) => {
        const controller = new AbortController();
        const res = await fetch(`${server.url}/api/events`, { headers: { cookie: bob }, signal: controller.signal });
        if (res.status === 200) {
          streams.push(controller);
          await collect(res.body!).waitFor((e) => e.some((x) => x.event === "connected"));
        } else controller.abort();
        return res.status;
      };
      const stats = async (server: NextServer): Promise<Stats> => (await fetch(`${server.url}/api/admin/stats`, { headers: { cookie: admin } })).json();
      try {
        expect([await openAs(c), await openAs(c), await openAs(d)]).toEqual([200, 200, 200]);
        expect(await openAs(c)).toBe(429);
        expect(await openAs(d)).toBe(429);
        // Counts elsewhere within a second, not after the next 10 s report.
        await expect.poll(async () => (await stats(c)).connections.instances.find((i) => i.id === "d")?.connections, { timeout: 1_500 }).toBe(1);
        const sent = await fetch(`${c.url}/api/notifications`, {
          method: "POST",
          headers: { cookie: admin, origin: c.url, "content-type": "application/json" },
          body: JSON.stringify({ title: "to bob", audience: { kind: "user", userId: "bob@example.com" } }),
        });
        expect((await sent.json()).connectedRecipients).toBe(3);
        // A stream closed on C frees its slot for D at once.
        streams.shift()!.abort();
        await expect.poll(() => openAs(d), { timeout: 1_000, intervals: [50] }).toBe(200);
        expect(await openAs(c)).toBe(429);
      } finally {
        for (const controller of streams) controller.abort();
        await Promise.all([c.stop(), d.stop()]);
      }
    });

    // Regression: the diagnostics an admin uses to watch recovery.
    const diagnose = async (server: NextServer, body: Record<string, unknown>) => {
      const res = await fetch(`${server.url}/api/admin/diagnostics`, {
        method: "POST",
        headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      return res.json();
    };

    test("diagnostics: B's bus cut for 2 s delivers nothing meanwhile, then everything published on A, once", async () => {
      const onB = await open(b);
      const before = await published(a, "before the cut");
      await onB.waitFor((e) => notificationIds(e).includes(before.id));
      expect(await diagnose(b, { action: "pause-bus", seconds: 2 })).toMatchObject({ instance: "b", paused: true, seconds: 2 });
      const during: Notification[] = [];
      for (let i = 0; i < 5; i++) during.push(await published(a, `during the cut ${i}`));
      await new Promise((r) => setTimeout(r, 500));
      expect(notificationIds(onB.events)).not.toContain(during[0]!.id);
      await onB.waitFor((e) => during.every((n) => notificationIds(e).includes(n.id)), 15_000);
      const after = await published(a, "after the cut");
      await onB.waitFor((e) => notificationIds(e).includes(after.id));
      const ids = notificationIds(onB.events);
      expect(ids.slice(ids.indexOf(before.id))).toEqual([before.id, ...during.map((n) => n.id), after.id]);
    });

    test("diagnostics: ending every stream cuts them without a reconnect event; rotating sends reconnect first", async () => {
      const ended = await open(b);
      expect((await diagnose(b, { action: "end-streams" })).streams).toBeGreaterThanOrEqual(1);
      await ended.ended;
      expect(ended.events.some((e) => e.event === "reconnect")).toBe(false);
      const rotated = await open(b);
      expect((await diagnose(b, { action: "rotate-streams" })).streams).toBeGreaterThanOrEqual(1);
      await rotated.ended;
      expect(rotated.events.at(-1)?.event).toBe("reconnect");
      // Bad input is refused, naming the field.
      const bad = await fetch(`${b.url}/api/admin/diagnostics`, {
        method: "POST",
        headers: { cookie: admin, origin: b.url, "content-type": "application/json" },
        body: JSON.stringify({ action: "pause-bus", seconds: 0 }),
      });
      expect(bad.status).toBe(400);
      expect((await bad.json()).field).toBe("seconds");
      expect((await fetch(`${b.url}/api/admin/diagnostics`, { method: "POST", headers: { cookie: member, origin: b.url, "content-type": "application/json" }, body: "{}" })).status).toBe(403);
    });

    test("diagnostics in the browser: the admin cuts B's bus and ends its streams; the member's dashboard on B recovers and gets every alert", async ({ browser }) => {
      await asAdminAndMember(browser, b.url, "bob@example.com", async ({ admin: adminContext, member: memberContext }) => {
        const memberPage = await memberContext.newPage();
        await memberPage.goto(`${b.url}/`);
        await expect(memberPage.getByTestId("connection-status")).toContainText("Live");
        const adminPage = await adminContext.newPage();
        await adminPage.goto(`${b.url}/admin`);
        await adminPage.getByTestId("diag-seconds").fill("2");
        await adminPage.getByTestId("diag-pause").click();
        await expect(adminPage.getByTestId("diag-result")).toContainText("cut for 2 s");
        const cut = await published(a, `During the cut ${Date.now()}`);
        await expect(memberPage.getByTestId("toast").filter({ hasText: cut.title })).toBeVisible({ timeout: 15_000 });
        await adminPage.getByTestId("diag-end").click();
        await expect(adminPage.getByTestId("diag-result")).toContainText(/Ended \d+ stream/);
        const ended = await published(a, `After the streams ended ${Date.now()}`);
        await expect(memberPage.getByTestId("connection-status")).toContainText("Live", { timeout: 20_000 });
        await expect(memberPage.getByTestId("toast").filter({ hasText: ended.title })).toBeVisible({ timeout: 20_000 });
        await expect(memberPage.getByTestId("notification-item").filter({ hasText: cut.title })).toHaveCount(1);
      });
    });

    test("each instance holds one upstream subscription, whatever its number of streams", async () => {
      await Promise.all(Array.from({ length: 10 }, () => open(a)));
      await Promise.all(Array.from({ length: 10 }, () => open(b)));
      const r = redisAdmin();
      try {
        expect(await subscribedConnections(r)).toBe(2);
      } finally {
        r.disconnect();
      }
    });

    test("stats on A count the streams open on B", async () => {
      await expect
        .poll(async () => {
          const stats: Stats = await (await fetch(`${a.url}/api/admin/stats`, { headers: { cookie: admin } })).json();
          return stats.connections.instances.find((i) => i.id === "b")?.connections ?? 0;
        }, { timeout: 20_000 })
        .toBeGreaterThanOrEqual(10);
    });

    test("a client that leaves A and reconnects to B with Last-Event-ID receives exactly what it missed", async () => {
      const onA = await open(a);
      const seen = await published(b, "seen on A");
      await onA.waitFor((e) => notificationIds(e).includes(seen.id));
      (onA as CollectedStream & { close(): void }).close();
      const missed = [await published(a, "missed 1"), await published(b, "missed 2"), await published(a, "missed 3")];
      const onB = await open(b, seen.id);
      await onB.waitFor((e) => notificationIds(e).length >= 3);
      const live = await published(a, "live after move");
      await onB.waitFor((e) => notificationIds(e).includes(live.id));
      expect(notificationIds(onB.events)).toEqual([...missed.map((n) => n.id), live.id]);
    });

    test("an instance restarts: its clients resume on it and lose nothing", async () => {
      const onA = await open(a);
      const before = await published(b, "before restart");
      await onA.waitFor((e) => notificationIds(e).includes(before.id));
      const port = a.port;
      await a.stop();
      const whileDown = [await published(b, "while A is down 1"), await published(b, "while A is down 2")];
      a = await startNextServer(instanceEnv("a"), { port });
      const resumed = await open(a, before.id);
      await resumed.waitFor((e) => notificationIds(e).length >= 2);
      expect(notificationIds(resumed.events)).toEqual(whileDown.map((n) => n.id));
    });

    test("Redis down for a few seconds: 503 on publish, streams stay open, then every stored event arrives once", async () => {
      const streams = [await open(a), await open(b)];
      const before = await published(a, "before outage");
      for (const s of streams) await s.waitFor((e) => notificationIds(e).includes(before.id));

      await redis.stop();
      const refused = await publish(a, "during outage");
      expect(refused.status).toBe(503);
      expect((await refused.json()).error).toMatch(/unreachable/i);
      expect((await fetch(`${b.url}/api/health`)).status).toBe(503);
      // The streams keep beating while Redis is away.
      const pings = streams.map((s) => s.comments.length);
      await streams[0]!.waitFor(() => streams.every((s, i) => s.comments.length > pings[i]! + 2));
      await new Promise((r) => setTimeout(r, 1_000));

      await redis.start();
      await expect.poll(async () => (await fetch(`${a.url}/api/health`)).status, { timeout: 20_000 }).toBe(200);
      const after: Notification[] = [];
      for (let i = 0; i < 3; i++) after.push(await published(i % 2 ? b : a, `after outage ${i}`));
      for (const s of streams) {
        await s.waitFor((e) => after.every((n) => notificationIds(e).includes(n.id)), 30_000);
        const ids = notificationIds(s.events);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.slice(ids.indexOf(before.id))).toEqual([before.id, ...after.map((n) => n.id)]);
      }
      // Nothing that answered 201 is missing from the history.
      const history = await (await fetch(`${b.url}/api/notifications?limit=100`, { headers: { cookie: member } })).json();
      const historyIds = history.items.map((n: Notification) => n.id);
      for (const n of [before, ...after]) expect(historyIds).toContain(n.id);
    });

    // Regression: one publish of a burst was answered 500 while Redis died.
    test("Redis down: signing out answers 503 and the session stays, never a cleared cookie over a session that lives on", async () => {
      const cookie = await signInCookie(a.url, "bob@example.com");
      const { csrfToken } = (await (await fetch(`${a.url}/api/auth/csrf`, { headers: { cookie } })).json()) as { csrfToken: string };
      await redis.stop();
      try {
        const res = await fetch(`${a.url}/api/auth/signout`, {
          method: "POST",
          redirect: "manual",
          headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin: a.url },
          body: new URLSearchParams({ csrfToken, json: "true" }),
        });
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBeTruthy();
        expect(res.headers.getSetCookie().some((c) => c.includes("session-token"))).toBe(false);
      } finally {
        await redis.start();
      }
      await expect.poll(async () => (await fetch(`${a.url}/api/notifications`, { headers: { cookie } })).status, { timeout: 20_000 }).toBe(200);
    });

    test("Redis stopped during a burst of publishes: every answer is 201 or 503 with Retry-After, and every 201 is kept", async () => {
      const answers: { status: number; retryAfter: string | null; id?: string }[] = [];
      let next = 0;
      const burst = Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < 120) {
            const res = await publish(a, `burst ${next++}`);
            const body = await res.json();
            answers.push({ status: res.status, retryAfter: res.headers.get("retry-after"), id: body.id });
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 150));
      await redis.stop();
      await burst;
      await redis.start();
      await expect.poll(async () => (await fetch(`${a.url}/api/health`)).status, { timeout: 20_000 }).toBe(200);
      expect(answers.filter((x) => x.status === 503).length).toBeGreaterThan(0);
      for (const answer of answers) {
        expect([201, 503]).toContain(answer.status);
        if (answer.status === 503) expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      }
      const r = redisAdmin();
      try {
        const stored = new Set((await r.xrange("ntf:log", "-", "+")).map(([id]) => id));
        for (const answer of answers.filter((x) => x.status === 201)) expect(stored.has(answer.id!)).toBe(true);
      } finally {
        r.disconnect();
      }
    });

    test("after the outage each instance is back to exactly one upstream subscription", async () => {
      const r = redisAdmin();
      try {
        await expect
          .poll(() => subscribedConnections(r), { timeout: 20_000 })
          .toBe(2);
      } finally {
        r.disconnect();
      }
    });

    test("an instance killed mid-publish loses no publish that answered 201", async () => {
      const onB = await open(b);
      const accepted: Notification[] = [];
      const attempts = Array.from({ length: 40 }, (_, i) =>
        publish(a, `mid-kill ${i}`)
          .then(async (res) => res.status === 201 && accepted.push(await res.json()))
          // The connection died with the instance before the whole answer (status and id) arrived: nothing was promised.
          .catch(() => undefined),
      );
      await new Promise((r) => setTimeout(r, 30));
      a.process.kill("SIGKILL");
      await Promise.all(attempts);
      await onB.waitFor((e) => accepted.every((n) => notificationIds(e).includes(n.id)), 20_000);
      const history = await (await fetch(`${b.url}/api/notifications?limit=100`, { headers: { cookie: member } })).json();
      const historyIds = new Set(history.items.map((n: Notification) => n.id));
      for (const n of accepted) expect(historyIds.has(n.id)).toBe(true);
      const ids = notificationIds(onB.events);
      expect(new Set(ids).size).toBe(ids.length);
      a = await startNextServer(instanceEnv("a"), { port: a.port });
    });

    test("Redis unreachable at start: health says 503 and names the store, then recovers", async () => {
      const late = await startRedis();
      await late.stop();
      const endpoint = mode === "upstash" ? await startUpstashLocal({ redisUrl: late.url, port: 0 }) : null;
      const store: Record<string, string> = endpoint ? { UPSTASH_REDIS_REST_URL: endpoint.url, UPSTASH_REDIS_REST_TOKEN: endpoint.token } : { REDIS_URL: late.url };
      const server = await startNextServer({ ...instanceEnv("late"), ...store }, { expectHealthy: false });
      try {
        const down = await fetch(`${server.url}/api/health`);
        expect(down.status).toBe(503);
        expect(await down.json()).toMatchObject({ ok: false, mode, failing: "store" });
        await late.start();
        await expect.poll(async () => (await fetch(`${server.url}/api/health`)).status, { timeout: 20_000 }).toBe(200);
      } finally {
        await server.stop();
        await endpoint?.close();
        await late.destroy();
      }
    });

    test("sign-out on A ends the session everywhere: tabs on A and B go to /signin, its streams on B end, its cookie gets 401 on both", async ({ browser }) => {
      const cookie = await signInCookie(a.url, "bob@example.com");
      const context = await browser.newContext();
      try {
        await addCookieHeader(context, a.url, cookie);
        const onA = await context.newPage();
        const onB = await context.newPage();
        await onA.goto(`${a.url}/`);
        await onB.goto(`${b.url}/`);
        for (const page of [onA, onB]) await expect(page.getByTestId("connection-status")).toHaveText("Live");
        const raw = await fetch(`${b.url}/api/events`, { headers: { cookie } });
        expect(raw.status).toBe(200);
        const copied = collect(raw.body!);
        await copied.waitFor((e) => e.some((x) => x.event === "connected"));
        await onA.getByTestId("sign-out").click();
        for (const page of [onA, onB]) await expect(page).toHaveURL(/\/signin/);
        await copied.ended;
        expect(copied.events.at(-1)?.event).toBe("reconnect");
        expect((await fetch(`${a.url}/api/events`, { headers: { cookie } })).status).toBe(401);
        // Another instance trusts a cookie it decrypted for at most a second before asking the store again.
        await expect.poll(async () => (await fetch(`${b.url}/api/notifications`, { headers: { cookie } })).status, { timeout: 3_000 }).toBe(401);
        expect((await fetch(`${b.url}/api/events`, { headers: { cookie } })).status).toBe(401);
      } finally {
        await context.close();
      }
    });

    test("in the browser: the admin sends on A, the member watching B gets the toast", async ({ browser }) => {
      const adminContext = await browser.newContext();
      const memberContext = await browser.newContext();
      try {
        await signIn(adminContext.request, a.url, "admin@example.com");
        await signIn(memberContext.request, b.url, "bob@example.com");
        const memberPage = await memberContext.newPage();
        await memberPage.goto(`${b.url}/`);
        await expect(memberPage.getByTestId("connection-status")).toContainText("Live");
        const adminPage = await adminContext.newPage();
        await adminPage.goto(`${a.url}/admin`);
        const title = `Across instances ${Date.now()}`;
        await adminPage.getByTestId("admin-title").fill(title);
        await adminPage.getByTestId("admin-send").click();
        await expect(adminPage.getByTestId("admin-result")).toContainText(/\d+-\d+/);
        await expect(memberPage.getByTestId("toast").filter({ hasText: title })).toBeVisible();
      } finally {
        await adminContext.close();
        await memberContext.close();
      }
    });
  });
}
