// For unit tests of server modules that read the settings and the store
// through their per-process singletons (lib/server/config.ts,
// lib/store/index.ts): sets both as a process with these settings would.
import { loadConfig } from "@/lib/server/settings";
import type { Stores } from "@/lib/store/stores";

export function setSettings(env: Record<string, string>) {
  (globalThis as Record<symbol, unknown>)[Symbol.for("notifications.config")] = loadConfig({ NODE_ENV: "test", ...env });
}

export function setStore(stores: Stores) {
  (globalThis as Record<symbol, unknown>)[Symbol.for("notifications.store")] = stores;
}
