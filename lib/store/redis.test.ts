// Redis mode against a real redis-server over TCP (ioredis): the same store
// contract and the same bus guarantees as Upstash mode.
import { describe, expect, it } from "vitest";
import { storeModesForThisFile } from "@/testing/store-modes";
import { runRedisBusContract } from "./bus/contract";
import { runStoreContracts } from "./contract";
import { alert } from "./contract-fixture";
import { ioredisClient } from "./redis/ioredis";

const modes = storeModesForThisFile();
const fresh = async (historyMax = 50) => modes.freshRedisBacked("redis", historyMax);

runStoreContracts("redis", async ({ historyMax }) => ({ stores: await fresh(historyMax), cleanup: async () => {} }));
runRedisBusContract("redis", { admin: modes.admin, fresh, client: () => ioredisClient(modes.redisUrl()) });

describe("redis: the search index", () => {
  it("keeps no key per word, and drops the word indexes an older release kept", async () => {
    const stores = await fresh();
    const admin = modes.admin();
    // What an older release left behind: a stream per word, and the sorted set naming them.
    for (const word of ["needle", "haystack"]) await admin.xadd(`ntf:word:${word}`, "*", "i", "");
    await admin.zadd("ntf:words", 1, "needle", 1, "haystack");
    const needle = await stores.log.publish(alert("Needle in the haystack"));
    const found = await stores.log.searchIndexes(["all"], { before: null, after: null }, 10, ["needle", "haystack"]);
    expect(found.events.map((n) => n.id)).toEqual([needle.id]);
    expect(await admin.keys("ntf:word*")).toEqual([]);
  });
});
