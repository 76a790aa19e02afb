// npm run upstash:local — the local Upstash-compatible endpoint on its own.
// Settings: REDIS_URL (redis://127.0.0.1:6379), UPSTASH_LOCAL_PORT (8079), UPSTASH_LOCAL_TOKEN.
import { startUpstashLocal } from "./upstash-local/server";

startUpstashLocal().then(
  (local) => {
    console.log(`Upstash-compatible endpoint at ${local.url} (Redis ${process.env.REDIS_URL ?? "redis://127.0.0.1:6379"})`);
    console.log(`Point an app at it: UPSTASH_REDIS_REST_URL=${local.url} UPSTASH_REDIS_REST_TOKEN=${local.token}`);
    const stop = () => void local.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
