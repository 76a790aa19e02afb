// Redis mode against a real redis-server over TCP (ioredis): the same store
// contract and the same bus guarantees as Upstash mode.
import IORedis from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { startRedis, type RedisServer } from "@/testing/redis";
import { runStoreContracts } from "../contract";
import { runRedisBusContract } from "./bus-contract";
import { ioredisClient } from "./ioredis";
import { redisStores } from "./stores";

let redisServer: RedisServer;
let admin: IORedis;

beforeAll(async () => {
  redisServer = await startRedis();
  admin = new IORedis(redisServer.url);
});
afterAll(async () => {
  admin.disconnect();
  await redisServer.destroy();
});

async function fresh(historyMax = 50) {
  await admin.flushall();
  return redisStores({ url: redisServer.url, historyMax });
}

runStoreContracts("redis", async ({ historyMax }) => ({ stores: await fresh(historyMax), cleanup: async () => {} }));
runRedisBusContract("redis", { admin: () => admin, fresh, client: () => ioredisClient(redisServer.url) });
