// Never deaf: a network that drops an instance's bus subscription without a
// word (no FIN, no RST: what NAT gateways, load balancers and firewalls do to
// idle connections). Two real `next start` instances on a real redis-server
// (Redis mode, and Upstash mode behind the local endpoint); A reaches the
// store through a TCP proxy that swallows the subscription's bytes both ways
// and tells neither side. A hears no beat of its own presence report,
// subscribes again, fills the gap from the log, and reads the sign-outs it
// missed (lib/stream/bus-listener.ts).
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

const env = { DIAGNOSTICS: "1", SSE_HEARTBEAT_MS: "300", RATE_CONNECT_PER_MIN: "10000", RATE_PUBLISH_PER_MIN: "10000", RATE_SIGNIN_PER_MIN: "1000" };

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
        body: JSON.stringify({ action: "pause-bus", seconds: 5 }),
      });
      expect(await res.json()).toMatchObject({ paused: true });
      const down = await fetch(`${a.url}/api/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ ok: false, failing: "bus" });
      await expect.poll(async () => (await fetch(`${a.url}/api/health`)).status, { timeout: 20_000 }).toBe(200);
    });
  });
}
