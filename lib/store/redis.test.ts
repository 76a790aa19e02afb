// Redis mode against a real redis-server over TCP (ioredis): the same store
// contract and the same bus guarantees as Upstash mode.
import { storeModesForThisFile } from "@/testing/store-modes";
import { runRedisBusContract } from "./bus/contract";
import { runStoreContracts } from "./contract";
import { ioredisClient } from "./redis/ioredis";

const modes = storeModesForThisFile();
const fresh = async (historyMax = 50) => modes.freshRedisBacked("redis", historyMax);

runStoreContracts("redis", async ({ historyMax }) => ({ stores: await fresh(historyMax), cleanup: async () => {} }));
runRedisBusContract("redis", { admin: modes.admin, fresh, client: () => ioredisClient(modes.redisUrl()) });
