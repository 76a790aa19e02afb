// Picks the store from the settings: Upstash Redis when its two variables are
// set, else the embedded in-memory store. One store per process.
import "server-only";
import { config } from "../config";
import { MemoryStore } from "./memory";
import type { Store } from "./types";
import { UpstashStore } from "./upstash";

const STORE_KEY = Symbol.for("notifications.store");
type WithStore = typeof globalThis & { [STORE_KEY]?: Store };

function createStore(): Store {
  const { upstash, historyMax } = config();
  return upstash ? new UpstashStore({ ...upstash, historyMax }) : new MemoryStore(historyMax);
}

export function getStore(): Store {
  const g = globalThis as WithStore;
  return (g[STORE_KEY] ??= createStore());
}
