// Picks the store from the settings: Upstash Redis when its two variables are
// set, plain Redis when REDIS_URL is, else the embedded in-memory store. One
// store per process.
import "server-only";
import { config } from "../config";
import { MemoryStore } from "./memory";
import type { Store } from "./types";
import { redisStore } from "./redis";
import { upstashStore } from "./upstash";

const STORE_KEY = Symbol.for("notifications.store");
type WithStore = typeof globalThis & { [STORE_KEY]?: Store };

function createStore(): Store {
  const { upstash, redisUrl, historyMax } = config();
  if (upstash) return upstashStore({ ...upstash, historyMax });
  if (redisUrl) return redisStore({ url: redisUrl, historyMax });
  return new MemoryStore(historyMax);
}

export function getStore(): Store {
  const g = globalThis as WithStore;
  return (g[STORE_KEY] ??= createStore());
}
