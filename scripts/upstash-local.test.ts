// The local Upstash-compatible endpoint, driven by the official client against a real redis-server.
import { Redis } from "@upstash/redis";
import IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, subscribedConnections, type RedisServer } from "@/testing/redis";
import { startUpstashLocal, type UpstashLocal } from "./upstash-local/server";

let redisServer: RedisServer;
let local: UpstashLocal;
let client: Redis;
let admin: IORedis;

beforeAll(async () => {
  redisServer = await startRedis();
  local = await startUpstashLocal({ redisUrl: redisServer.url, port: 0, token: "test-token" });
  client = new Redis({ url: local.url, token: local.token });
  admin = new IORedis(redisServer.url);
});
afterAll(async () => {
  admin.disconnect();
  await local.close();
  await redisServer.destroy();
});

const pubsubClients = () => subscribedConnections(admin);

describe("local Upstash endpoint", () => {
  it("runs single commands with base64 replies, unicode intact", async () => {
    await client.set("greeting", "héllo 🌍, \"quoted\"\nnew line");
    expect(await client.get("greeting")).toBe("héllo 🌍, \"quoted\"\nnew line");
    expect(await client.incr("counter")).toBe(1);
    expect(await client.get("missing")).toBeNull();
  });

  it("runs pipelines and nested replies", async () => {
    const p = client.pipeline();
    p.rpush("list", "a", "b");
    p.lrange("list", 0, -1);
    p.xadd("stream", "*", { field: "välue" });
    expect(await p.exec()).toEqual([2, ["a", "b"], expect.stringMatching(/^\d+-\d+$/)]);
    const entries = (await client.xrange("stream", "-", "+")) as Record<string, Record<string, string>>;
    expect(Object.values(entries)[0]).toEqual({ field: "välue" });
  });

  it("runs multi-exec atomically", async () => {
    const tx = client.multi();
    tx.set("a", "1");
    tx.incr("a");
    tx.get("a");
    expect(await tx.exec()).toEqual(["OK", 2, 2]);
  });

  it("answers errors as JSON errors", async () => {
    await client.set("text", "x");
    await expect(client.incr("text")).rejects.toThrow(/not an integer/);
  });

  it("refuses a wrong token with 401", async () => {
    const res = await fetch(local.url, { method: "POST", headers: { authorization: "Bearer nope" }, body: '["PING"]' });
    expect(res.status).toBe(401);
  });

  it("streams subscribe messages, one Redis connection per subscriber, released on disconnect", async () => {
    const before = await pubsubClients();
    const controller = new AbortController();
    const res = await fetch(`${local.url}/subscribe/news`, {
      method: "POST",
      headers: { authorization: `Bearer ${local.token}`, accept: "text/event-stream" },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`stream ended before "${needle}": ${text}`);
        text += new TextDecoder().decode(value);
      }
    };
    await readUntil("subscribe,news,1");
    expect(await pubsubClients()).toBe(before + 1);
    await client.publish("news", JSON.stringify({ a: "b,c" }));
    await readUntil("message,news,");
    expect(text).toContain('data: message,news,{"a":"b,c"}');
    controller.abort();
    await expect.poll(pubsubClients).toBe(before);
  });
});
