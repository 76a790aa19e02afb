// Starts redis-server and two app instances (A and B) sharing it, in Upstash
// mode through the local Upstash-compatible endpoint, or with `--redis` in
// Redis mode (REDIS_URL, over TCP); prints where to sign in, and stops
// everything on Ctrl-C. Ports: CLUSTER_PORT_A (3001), CLUSTER_PORT_B (3002).
import { randomBytes } from "node:crypto";
import { startNextServer, type NextServer } from "../testing/next-server";
import { startRedis } from "../testing/redis";
import { startUpstashLocal } from "./upstash-local/server";

async function main() {
  const mode = process.argv.includes("--redis") ? "redis" : "upstash";
  const redis = await startRedis();
  const upstash =
    mode === "upstash"
      ? await startUpstashLocal({ redisUrl: redis.url, port: Number(process.env.UPSTASH_LOCAL_PORT ?? 8079), token: randomBytes(16).toString("hex") })
      : null;
  // One secret for both instances, so a session from A is valid on B.
  const env = {
    ...(upstash ? { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token } : { REDIS_URL: redis.url }),
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    DEMO_USERS: "1",
  };
  const instances: NextServer[] = [];
  const stopAll = async () => {
    await Promise.allSettled(instances.map((i) => i.stop()));
    await upstash?.close();
    await redis.destroy();
  };
  process.once("SIGINT", () => void stopAll().then(() => process.exit(0)));
  process.once("SIGTERM", () => void stopAll().then(() => process.exit(0)));
  try {
    for (const [name, port] of [["a", Number(process.env.CLUSTER_PORT_A ?? 3001)], ["b", Number(process.env.CLUSTER_PORT_B ?? 3002)]] as const) {
      instances.push(await startNextServer({ ...env, INSTANCE_ID: `instance-${name}` }, { port }));
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  console.log(`
Cluster up (${upstash ? `Upstash mode, endpoint at ${upstash.url}` : "Redis mode"}, redis-server at ${redis.url}):
  instance A: ${instances[0]!.url}
  instance B: ${instances[1]!.url}
Sign in on either as admin@example.com or alice@example.com (password: demo);
send from ${instances[0]!.url}/admin and watch ${instances[1]!.url}/ receive it.
Ctrl-C stops everything.`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
