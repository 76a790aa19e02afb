// The Redis-backed modes: never deaf, never bloated, never doubled. Two real
// `next start` instances on a real redis-server (Redis mode, and Upstash
// mode behind the local endpoint); A reaches the store through a TCP proxy
// that can swallow a connection's bytes both ways and tell neither side, as
// NAT gateways, load balancers and firewalls do to idle connections: A hears
// no beat of its own presence report, subscribes again, fills the gap from
// the log, and reads the sign-outs it missed (lib/stream/bus-listener.ts).
// Then: the search index holds no key per word, a webhook payload is applied
// whole or not at all and once, and a GitHub delivery is taken once.
import { createHmac, randomUUID } from "node:crypto";
import IORedis from "ioredis";
import { startUpstashLocal, type UpstashLocal } from "../scripts/upstash-local/server";
import { startNextServer, type NextServer } from "../testing/next-server";
import { startRedis, type RedisServer } from "../testing/redis";
import { signInCookie, signOut } from "../testing/session";
import { collect, notificationIds, type CollectedStream } from "../testing/sse-reader";
import { startSilencingProxy, type SilencingProxy } from "../testing/tcp-proxy";
import type { Notification } from "@/lib/shared/types";
import { ADMIN, ALICE, BOB, expect, test } from "./fixtures";

test.describe.configure({ mode: "serial" });
// A presence report every 20 s, then ECHO_MS: a silence is noticed within 30 s of its start.
test.setTimeout(120_000);

/** What begins the subscription's connection: ioredis names it (CLIENT SETNAME), Upstash's is an HTTP request. */
const SUBSCRIPTION_OPENS = { redis: "ntf-bus", upstash: "POST /subscribe/" } as const;
/** Well past the 30 s a silence takes to be noticed, and short of the 60 s a cached session lived before it was. */
const NOTICED_WITHIN_MS = 45_000;

const GITHUB_SECRET = "github-secret-for-the-tests";
const env = { GITHUB_WEBHOOK_SECRET: GITHUB_SECRET, DIAGNOSTICS: "1", SSE_HEARTBEAT_MS: "300", RATE_CONNECT_PER_MIN: "10000", RATE_PUBLISH_PER_MIN: "10000", RATE_SIGNIN_PER_MIN: "1000" };

async function open(url: string, headers: Record<string, string>): Promise<CollectedStream & { close(): void }> {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/events`, { headers, signal: controller.signal });
  expect(res.status).toBe(200);
  const stream = collect(res.body!);
  await stream.waitFor((e) => e.some((x) => x.event === "connected"));
  return Object.assign(stream, { close: () => controller.abort() });
}

const logged = (server: NextServer, pattern: RegExp) => server.output().split("\n").filter((line) => pattern.test(line)).length;

for (const mode of ["redis", "upstash"] as const) {
  test.describe(`${mode} mode`, () => {
    let redis: RedisServer;
    let upstash: UpstashLocal | null = null;
    let proxy: SilencingProxy;
    let a: NextServer;
    let b: NextServer;
    let admin: string;
    const streams: { close(): void }[] = [];

    const storeEnv = (port: number): Record<string, string> =>
      mode === "upstash"
        ? { UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${port}`, UPSTASH_REDIS_REST_TOKEN: upstash!.token }
        : { REDIS_URL: `redis://127.0.0.1:${port}` };
    const storePort = () => (mode === "upstash" ? Number(new URL(upstash!.url).port) : redis.port);

    test.beforeAll(async () => {
      redis = await startRedis();
      if (mode === "upstash") upstash = await startUpstashLocal({ redisUrl: redis.url, port: 0 });
      proxy = await startSilencingProxy(storePort());
      [a, b] = await Promise.all([
        startNextServer({ ...env, ...storeEnv(proxy.port), INSTANCE_ID: "a" }),
        startNextServer({ ...env, ...storeEnv(storePort()), INSTANCE_ID: "b" }),
      ]);
      admin = await signInCookie(b.url, ADMIN);
    });
    test.afterAll(async () => {
      for (const stream of streams) stream.close();
      await Promise.allSettled([a?.stop(), b?.stop()]);
      await proxy?.close();
      await upstash?.close();
      await redis?.destroy();
    });

    async function publishedOnB(title: string): Promise<Notification> {
      const res = await fetch(`${b.url}/api/notifications`, {
        method: "POST",
        headers: { cookie: admin, origin: b.url, "content-type": "application/json" },
        body: JSON.stringify({ audience: { kind: "all" }, title }),
      });
      expect(res.status).toBe(201);
      return res.json();
    }

    test("1. a subscription dropped without a word is noticed: A subscribes again and delivers what B published, once and in order; a resume on A finds it", async () => {
      const alice = await signInCookie(a.url, ALICE);
      const onA = await open(a.url, { cookie: alice });
      streams.push(onA);
      const before = await publishedOnB("heard before the silence");
      await onA.waitFor((e) => notificationIds(e).includes(before.id));

      expect(proxy.silence(SUBSCRIPTION_OPENS[mode])).toBe(1);
      const sent: string[] = [];
      for (const title of ["during the silence 1", "during the silence 2", "during the silence 3"]) sent.push((await publishedOnB(title)).id);

      await onA.waitFor((e) => sent.every((id) => notificationIds(e).includes(id)), NOTICED_WITHIN_MS);
      expect(notificationIds(onA.events).filter((id) => id === before.id || sent.includes(id!))).toEqual([before.id, ...sent]);
      expect(logged(a, /stopped receiving; subscribing again/)).toBeGreaterThanOrEqual(1);

      // A resume from the last id heard before the silence reads the log: nothing trusts the dead subscription.
      const resumed = await open(a.url, { cookie: alice, "last-event-id": before.id });
      streams.push(resumed);
      await resumed.waitFor((e) => sent.every((id) => notificationIds(e).includes(id)));
      expect(notificationIds(resumed.events)).toEqual(sent);
    });

    test("2. a session signed out on B while A is deaf is refused on A within 30 s, and its stream on A ends", async () => {
      const bob = await signInCookie(b.url, BOB);
      const onA = await open(a.url, { cookie: bob });
      streams.push(onA);
      // A has checked this session and caches it as trusted while its bus is heard.
      expect((await fetch(`${a.url}/api/channels`, { headers: { cookie: bob } })).status).toBe(200);

      expect(proxy.silence(SUBSCRIPTION_OPENS[mode])).toBe(1);
      expect((await signOut(b.url, bob)).status).toBeLessThan(400);

      await expect.poll(async () => (await fetch(`${a.url}/api/channels`, { headers: { cookie: bob } })).status, { timeout: NOTICED_WITHIN_MS }).toBe(401);
      await onA.ended;
      expect(onA.events.at(-1)?.event).toBe("reconnect");
    });

    test("3. health says when this instance does not hear the bus, and ok again once it does", async () => {
      const alice = await signInCookie(a.url, ALICE);
      streams.push(await open(a.url, { cookie: alice }));
      await expect.poll(async () => (await fetch(`${a.url}/api/health`)).status).toBe(200);
      const res = await fetch(`${a.url}/api/admin/diagnostics`, {
        method: "POST",
        headers: { cookie: await signInCookie(a.url, ADMIN), origin: a.url, "content-type": "application/json" },
        body: JSON.stringify({ action: "pause-bus", seconds: 15 }),
      });
      expect(await res.json()).toMatchObject({ paused: true });
      await expect.poll(async () => (await (await fetch(`${a.url}/api/health`)).json()).failing).toBe("bus");
      await expect.poll(async () => (await fetch(`${a.url}/api/health`)).status, { timeout: 45_000 }).toBe(200);
    });

    /** Titles the log holds, oldest first (read from Redis itself). */
    async function titlesInLog(prefix: string): Promise<string[]> {
      const redisAdmin = new IORedis(redis.url);
      try {
        const entries = await redisAdmin.xrange("ntf:log", "-", "+");
        return entries.map(([, fields]) => (JSON.parse(fields[fields.indexOf("n") + 1]!) as { title: string }).title).filter((t) => t.startsWith(prefix));
      } finally {
        redisAdmin.disconnect();
      }
    }

    async function adminToken(server: NextServer): Promise<string> {
      const res = await fetch(`${server.url}/api/tokens`, {
        method: "POST",
        headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
        body: JSON.stringify({ name: `alertmanager-${randomUUID().slice(0, 8)}` }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { token: string }).token;
    }

    test("4. the search index keeps no key per word, and a search through the API finds by words", async () => {
      const digest = `sha256${randomUUID().replace(/-/g, "")}`;
      await publishedOnB(`KubePodCrashLooping ${digest}`);
      const redisAdmin = new IORedis(redis.url);
      try {
        expect(await redisAdmin.keys("ntf:word*")).toEqual([]);
      } finally {
        redisAdmin.disconnect();
      }
      const alice = await signInCookie(a.url, ALICE);
      const found = await (await fetch(`${a.url}/api/notifications?q=${digest}&limit=10`, { headers: { cookie: alice } })).json();
      expect(found.items.map((n: Notification) => n.title)).toEqual([`KubePodCrashLooping ${digest}`]);
    });

    test("5. an Alertmanager payload is applied whole or not at all, and its retry (on the other instance) adds nothing", async () => {
      const tag = `batch-${randomUUID().slice(0, 8)}`;
      const payload = {
        alerts: Array.from({ length: 150 }, (_, i) => ({
          status: "firing",
          labels: { alertname: `${tag} ${i}` },
          annotations: {},
          fingerprint: `${tag}-${i}`,
          startsAt: "2026-12-06T08:00:00Z",
          endsAt: "0001-01-01T00:00:00Z",
        })),
      };
      const send = async (server: NextServer) =>
        fetch(`${server.url}/api/hooks/alertmanager`, {
          method: "POST",
          headers: { authorization: `Bearer ${await adminToken(server)}`, "content-type": "application/json" },
          body: JSON.stringify(payload),
        });
      // Redis stops answering as soon as the log grew: the payload is in it whole, or not at all.
      const watcher = new IORedis(redis.url);
      try {
        const before = await watcher.xlen("ntf:log");
        const first = send(a);
        await expect.poll(() => watcher.xlen("ntf:log"), { intervals: [20] }).toBeGreaterThan(before);
        process.kill(redis.pid!, "SIGSTOP");
        try {
          await first;
        } finally {
          process.kill(redis.pid!, "SIGCONT");
        }
      } finally {
        watcher.disconnect();
      }
      expect((await titlesInLog(tag)).length).toBe(150);
      // Alertmanager retries (here on the other instance), and re-sends at its repeat_interval: nothing is added.
      const retry = await send(b);
      expect(retry.status).toBe(202);
      expect(await retry.json()).toEqual({ published: 0, unchanged: 150 });
      const titles = await titlesInLog(tag);
      expect(titles).toHaveLength(150);
      expect(new Set(titles).size).toBe(150);
    });

    test("6. a GitHub delivery is taken once on any instance, and an older deployment status never replaces a newer one", async () => {
      const deployment = Number(`${Date.now()}`.slice(-9));
      const status = (id: number, state: string) => ({
        deployment_status: { id, state, target_url: null, environment_url: null, log_url: null, description: null },
        deployment: { id: deployment, environment: "production", ref: `v${deployment}` },
        repository: { full_name: "acme/shop" },
      });
      const deliver = (server: NextServer, body: unknown, delivery: string) => {
        const raw = JSON.stringify(body);
        return fetch(`${server.url}/api/hooks/github`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": "deployment_status",
            "x-github-delivery": delivery,
            "x-hub-signature-256": `sha256=${createHmac("sha256", GITHUB_SECRET).update(raw).digest("hex")}`,
          },
          body: raw,
        });
      };
      const success = randomUUID();
      expect(await (await deliver(a, status(2, "success"), success)).json()).toEqual({ published: 1, unchanged: 0 });
      // A captured delivery replayed, on the other instance: refused.
      const replayed = await deliver(b, status(2, "success"), success);
      expect(replayed.status).toBe(409);
      expect((await replayed.json()).error).toMatch(/received already/);
      // An older status that arrives late (its own delivery) adds nothing: the deployment still reads success.
      expect(await (await deliver(b, status(1, "failure"), randomUUID())).json()).toEqual({ published: 0, unchanged: 1 });
      const titles = await titlesInLog(`Deploy of v${deployment}`);
      expect(titles).toEqual([`Deploy of v${deployment} to production: success`]);
    });
  });
}
