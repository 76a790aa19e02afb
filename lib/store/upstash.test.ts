// The Upstash adapter against a real redis-server behind the local
// Upstash-compatible endpoint, through the official client.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstashLocal, type UpstashLocal } from "@/scripts/upstash-local/server";
import { startRedis, type RedisServer } from "@/testing/redis";
import { runStoreContract } from "./store-contract";
import type { BusMessage, NewNotification } from "./types";
import { UpstashStore } from "./upstash";

let redisServer: RedisServer;
let local: UpstashLocal;
let admin: IORedis;

beforeAll(async () => {
  redisServer = await startRedis();
  local = await startUpstashLocal({ redisUrl: redisServer.url, port: 0 });
  admin = new IORedis(redisServer.url);
});
afterAll(async () => {
  admin.disconnect();
  await local.close();
  await redisServer.destroy();
});

async function fresh(historyMax = 50) {
  await admin.flushall();
  return new UpstashStore({ url: local.url, token: local.token, historyMax });
}

runStoreContract("upstash", async ({ historyMax }) => ({ store: await fresh(historyMax), cleanup: async () => {} }));

const alert = (title: string): NewNotification => ({ title, body: "", severity: "info", audience: { kind: "all" }, sender: { id: "u", name: "A" } });

/** Sum of calls per command from INFO commandstats. */
async function commandCalls(): Promise<Record<string, number>> {
  const info = await admin.info("commandstats");
  const calls: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[m[1]!] = Number(m[2]);
  return calls;
}
const total = (calls: Record<string, number>, skip: string[] = []) =>
  Object.entries(calls).filter(([k]) => !skip.includes(k)).reduce((sum, [, n]) => sum + n, 0);

const subscriberClients = async () =>
  ((await admin.call("CLIENT", "LIST")) as string).split("\n").filter((l) => / sub=[1-9]/.test(l)).length;

async function until(check: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("upstash adapter", () => {
  it("publishes in a constant number of Redis commands (rate limit included), whatever the subscribers", async () => {
    const store = await fresh(10_000);
    const subscriptions = [store.subscribe(() => {}), store.subscribe(() => {}), store.subscribe(() => {})];
    await Promise.all(subscriptions.map((s) => s.ready));
    await store.rateLimit("publish:warm", 1000, 60); // loads the limiter's script once
    await store.publish(alert("warm-up")); // and the publish script
    await admin.config("RESETSTAT");
    for (let i = 0; i < 10; i++) {
      await store.rateLimit("publish:admin", 1000, 60);
      await store.publish(alert(`n${i}`));
    }
    // The reads done by our own measuring connection do not count.
    const perPublish = total(await commandCalls(), ["info", "config"]) / 10;
    expect(perPublish).toBeLessThanOrEqual(8);
    subscriptions.forEach((s) => s.close());
  });

  it("holds exactly one Redis connection per subscription, released on close", async () => {
    const store = await fresh();
    await until(async () => (await subscriberClients()) === 0); // earlier tests' subscriptions are gone
    const subscription = store.subscribe(() => {});
    await subscription.ready;
    expect(await subscriberClients()).toBe(1);
    subscription.close();
    await until(async () => (await subscriberClients()) === 0);
  });

  it("re-subscribes after the upstream stream breaks and fills the gap from the log, exactly once", async () => {
    const store = await fresh(10_000);
    const received: string[] = [];
    const subscription = store.subscribe((m: BusMessage) => m.type === "notification" && received.push(m.notification.title));
    await subscription.ready;
    await store.publish(alert("before"));
    await until(() => received.length === 1);
    // Cut the upstream subscription the way a network break or a Redis failover would.
    await admin.call("CLIENT", "KILL", "TYPE", "pubsub");
    const during = [];
    for (let i = 0; i < 5; i++) during.push((await store.publish(alert(`during ${i}`))).title);
    await until(() => received.length === 6);
    await store.publish(alert("after"));
    await until(() => received.includes("after"));
    expect(received).toEqual(["before", ...during, "after"]);
    subscription.close();
  });

  // Issue 10.2: a new subscription had no last id, so a break before its first
  // event skipped the gap fill and lost what was published meanwhile.
  it("fills the gap after a break that comes before the subscription handed on anything", async () => {
    const store = await fresh(10_000);
    await store.publish(alert("old")); // in the log before the subscription: never handed on
    const received: string[] = [];
    const subscription = store.subscribe((m: BusMessage) => m.type === "notification" && received.push(m.notification.title));
    await subscription.ready;
    await admin.call("CLIENT", "KILL", "TYPE", "pubsub");
    const during = [];
    for (let i = 0; i < 5; i++) during.push((await store.publish(alert(`during ${i}`))).title);
    await until(() => received.length >= 5);
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual(during);
    subscription.close();
  });

  // Issue 10.3: the subscribe confirmation and a message in one chunk; the
  // message went into a buffer that had just been emptied.
  it("hands on a message that arrives in the same chunk as the subscribe confirmation", async () => {
    await fresh(10_000);
    const proxy = await coalescingProxy(local.url);
    try {
      const store = new UpstashStore({ url: proxy.url, token: local.token, historyMax: 10_000 });
      const received: string[] = [];
      const subscription = store.subscribe((m: BusMessage) => m.type === "notification" && received.push(m.notification.title));
      await until(() => proxy.subscribesHeld() === 1);
      const publisher = new UpstashStore({ url: local.url, token: local.token, historyMax: 10_000 });
      await publisher.publish(alert("with the confirmation"));
      await subscription.ready;
      await until(() => received.length === 1);
      await publisher.publish(alert("after"));
      await until(() => received.length === 2);
      expect(received).toEqual(["with the confirmation", "after"]);
      subscription.close();
    } finally {
      await proxy.close();
    }
  });
});

/**
 * Forwards to the local endpoint, but holds back the start of each subscribe
 * stream until a message follows the confirmation, then writes both as one
 * chunk: what a busy network or the service may do.
 */
async function coalescingProxy(target: string) {
  let held = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length"].includes(k)) as [string, string][],
    );
    try {
      const upstream = await fetch(target + req.url, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, signal: abort.signal });
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      if (!req.url?.startsWith("/subscribe/")) return res.end(Buffer.from(await upstream.arrayBuffer()));
      let start: string | null = "";
      held++;
      const decoder = new TextDecoder();
      const reader = upstream.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        if (start === null) {
          res.write(text);
          continue;
        }
        start += text;
        if (start.includes("data: message,")) {
          res.write(start);
          start = null;
          held--;
        }
      }
      res.end();
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    subscribesHeld: () => held,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
