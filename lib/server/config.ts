// The settings (settings.ts), read once per process.
import "server-only";
import { loadConfig, type Config } from "./settings";

export type { Config };

const CONFIG_KEY = Symbol.for("notifications.config");
type WithConfig = typeof globalThis & { [CONFIG_KEY]?: Config };

export function config(): Config {
  const g = globalThis as WithConfig;
  return (g[CONFIG_KEY] ??= loadConfig());
}
