// Every store mode for one test file: a throwaway redis-server, the local
// Upstash endpoint in front of it, and fresh stores of any mode over them
// (flushed first), so a suite runs the same tests in embedded, Redis and
// Upstash modes.
import IORedis from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { startUpstashLocal, type UpstashLocal } from "@/scripts/upstash-local/server";
import { embeddedStores } from "@/lib/store/embedded";
import { redisStores, upstashStores, type RedisStores } from "@/lib/store/redis-backed";
import type { Stores } from "@/lib/store/stores";
import { startRedis, type RedisServer } from "./redis";

export type StoreMode = Stores["mode"];
export const STORE_MODES: StoreMode[] = ["embedded", "redis", "upstash"];

export function storeModesForThisFile() {
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
  return {
    /** A plain connection to the redis-server behind both Redis-backed modes. */
    admin: () => admin,
    redisUrl: () => redisServer.url,
    upstash: () => local,
    /** New stores of the mode over an emptied Redis. */
    async fresh(mode: StoreMode, historyMax = 50): Promise<Stores> {
      return mode === "embedded" ? embeddedStores(historyMax) : this.freshRedisBacked(mode, historyMax);
    },
    async freshRedisBacked(mode: RedisStores["mode"], historyMax = 50): Promise<RedisStores> {
      await admin.flushall();
      return mode === "redis" ? redisStores({ url: redisServer.url, historyMax }) : upstashStores({ url: local.url, token: local.token, historyMax });
    },
  };
}
