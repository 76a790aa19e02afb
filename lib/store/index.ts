// Picks the store from the settings: Upstash Redis when its two variables are
// set, plain Redis when REDIS_URL is, else the embedded in-memory store. One
// per process; callers take the parts they use.
import "server-only";
import { config } from "../server/config";
import { embeddedStores } from "./embedded";
import { redisStores, upstashStores } from "./redis-backed";
import type { Stores } from "./stores";

const STORE_KEY = Symbol.for("notifications.store");
type WithStore = typeof globalThis & { [STORE_KEY]?: Stores };

function createStores(): Stores {
  const { upstash, redisUrl, historyMax } = config();
  if (upstash) return upstashStores({ ...upstash, historyMax });
  if (redisUrl) return redisStores({ url: redisUrl, historyMax });
  return embeddedStores(historyMax);
}

export function getStores(): Stores {
  const g = globalThis as WithStore;
  return (g[STORE_KEY] ??= createStores());
}
