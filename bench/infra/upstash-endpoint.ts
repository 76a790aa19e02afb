// Child-process entry: the repo's local Upstash-compatible endpoint (scripts/upstash-local) in its own process,
// so its work is neither the load generator's nor a server's. Prints {"url","token"} once listening.
import { startUpstashLocal } from "../../scripts/upstash-local/server";

startUpstashLocal({ redisUrl: process.env.BENCH_REDIS_URL, port: Number(process.env.BENCH_UPSTASH_PORT), token: process.env.BENCH_UPSTASH_TOKEN }).then(
  (local) => {
    process.stdout.write(`${JSON.stringify({ url: local.url, token: local.token })}\n`);
    const stop = () => void local.close().finally(() => process.exit(0));
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  },
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
