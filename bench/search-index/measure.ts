// The search index's Redis memory against the log it indexes: a full
// HISTORY_MAX of realistic alerts (corpus.ts) published through the product's
// Redis store, then MEMORY USAGE (every sample) of the log, the audience
// indexes and whatever the search index keeps. `npm run bench -- --search-index`
// (flags: --kept 10000).
import IORedis from "ioredis";
import { redisStores } from "../../lib/store/redis-backed";
import { startRedis } from "../../testing/redis";
import { alertCorpus } from "./corpus";

const kept = Number(process.argv[process.argv.indexOf("--kept") + 1]) || 10_000;

async function sizeOf(redis: IORedis, pattern: string): Promise<{ keys: number; bytes: number }> {
  let cursor = "0";
  let keys = 0;
  let bytes = 0;
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1_000);
    cursor = next;
    for (const key of found) {
      keys++;
      bytes += Number(await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0"));
    }
  } while (cursor !== "0");
  return { keys, bytes };
}

async function main() {
  const server = await startRedis();
  const redis = new IORedis(server.url);
  try {
    const stores = redisStores({ url: server.url, historyMax: kept });
    const next = alertCorpus();
    const usedBefore = Number(/used_memory:(\d+)/.exec(await redis.info("memory"))![1]);
    // Past HISTORY_MAX, so trimming (and whatever the index drops with it) has run.
    for (let i = 0; i < kept * 1.2; i++) {
      const text = next();
      await stores.log.publish({ ...text, severity: "error", audience: i % 3 ? { kind: "channel", channel: "ops" } : { kind: "all" }, sender: { id: "am", name: "Alertmanager" } });
    }
    const usedAfter = Number(/used_memory:(\d+)/.exec(await redis.info("memory"))![1]);
    const log = await sizeOf(redis, "ntf:log");
    const audiences = await sizeOf(redis, "ntf:aud:*");
    const words = await sizeOf(redis, "ntf:word*");
    const perKept = (bytes: number) => Math.round(bytes / kept);
    console.log(
      JSON.stringify(
        {
          kept,
          logBytesPerKept: perKept(log.bytes),
          audienceIndexBytesPerKept: perKept(audiences.bytes),
          searchIndex: { keys: words.keys, bytesPerKept: perKept(words.bytes) },
          usedMemoryGrowthPerKept: perKept(usedAfter - usedBefore),
        },
        null,
        2,
      ),
    );
  } finally {
    redis.disconnect();
    await server.destroy();
    process.exit(0);
  }
}

void main();
