// The eight systems by name (with the short aliases the CLI accepts) and how each is started.
import path from "node:path";
import { startBenchApp } from "./next-app";
import { startNodeScript } from "./node-script";
import { startProduct } from "./product";
import { SYSTEMS, serverNodeOf, type LaunchContext, type RunningSystem, type SystemName } from "./types";

export { SYSTEMS, type LaunchContext, type RunningSystem, type SystemName };

const ALIASES: Record<string, SystemName> = {
  product: "product-embedded",
  embedded: "product-embedded",
  upstash: "product-upstash",
  cluster: "product-upstash",
  redis: "product-redis",
  realtime: "upstash-realtime",
  minimal: "minimal-next",
  next: "minimal-next",
  tutorial: "express",
  socketio: "socketio-redis",
  "socket.io": "socketio-redis",
  bettersse: "better-sse",
  batched: "floor-batched",
};

/** Resolves names and aliases, in the canonical order; throws on an unknown name. */
export function resolveSystems(names: string[]): SystemName[] {
  const wanted = new Set<SystemName>();
  for (const raw of names.map((n) => n.trim()).filter(Boolean)) {
    const name = (SYSTEMS as readonly string[]).includes(raw) ? (raw as SystemName) : ALIASES[raw];
    if (!name) throw new Error(`unknown system "${raw}": one of ${[...SYSTEMS, ...Object.keys(ALIASES)].join(", ")}`);
    wanted.add(name);
  }
  return SYSTEMS.filter((s) => wanted.has(s));
}

/** `streams`: the N it will serve (a product cluster sizes itself to it). */
export async function startSystem(name: SystemName, context: LaunchContext, streams: number): Promise<RunningSystem> {
  const serverNode = serverNodeOf(context);
  switch (name) {
    case "floor":
      return startNodeScript(path.join(context.root, "bench/systems/floor.ts"), serverNode);
    case "floor-batched":
      return startNodeScript(path.join(context.root, "bench/systems/floor-batched.ts"), serverNode);
    case "express":
      return startNodeScript(path.join(context.root, "bench/systems/express.ts"), serverNode);
    case "better-sse":
      return startNodeScript(path.join(context.root, "bench/systems/better-sse.ts"), serverNode);
    case "socketio-redis":
      // Two instances on one redis-server, as product-redis runs (four past 5,000 streams, as it does).
      return startNodeScript(path.join(context.root, "bench/systems/socketio-redis.ts"), serverNode, {
        env: { REDIS_URL: await context.redisUrl() },
        instances: context.clusterInstances ?? (streams > 5_000 ? 4 : 2),
        socketIo: true,
      });
    case "minimal-next":
      return startBenchApp(context.root, "minimal-next", {}, "/api/events", false, serverNode);
    case "upstash-realtime": {
      const upstash = await context.upstash();
      const env = { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token };
      return startBenchApp(context.root, "upstash-realtime", env, "/api/realtime?channel=default", true, serverNode);
    }
    case "product-embedded":
      return startProduct(context, "embedded", streams);
    case "product-upstash":
      return startProduct(context, "upstash", streams);
    case "product-redis":
      return startProduct(context, "redis", streams);
  }
}
