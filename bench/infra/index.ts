// The shared backing services, started on first need and stopped at the end: redis-server (testing/redis.ts)
// and the local Upstash endpoint (scripts/upstash-local.ts) in its own process, so its work is neither the load
// generator's nor a server's (large heap: @upstash/realtime holds one subscription per stream).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { spawnNode, waitUntilAnswering, type LoggedChild } from "../../testing/child-process";
import { freePort } from "../../testing/ports";
import { startRedis, type RedisServer } from "../../testing/redis";
import { RedisMeter } from "../measure/redis";

export interface Infra {
  redis: RedisServer;
  meter: RedisMeter;
  upstash: { url: string; token: string };
  /** redis-server's and the endpoint's pids, to report their CPU beside the servers'. */
  pids: number[];
}

export class InfraManager {
  private infra: Promise<Infra> | null = null;
  private endpoint: LoggedChild | null = null;
  private redis: RedisServer | null = null;
  private meter: RedisMeter | null = null;

  constructor(private readonly root: string) {}

  get(): Promise<Infra> {
    return (this.infra ??= this.start());
  }

  private async start(): Promise<Infra> {
    this.redis = await startRedis();
    this.meter = new RedisMeter(this.redis.url);
    await this.meter.tuneForBenchmark();
    const port = await freePort();
    const upstash = { url: `http://127.0.0.1:${port}`, token: randomBytes(16).toString("hex") };
    this.endpoint = spawnNode(["--max-old-space-size=8192", "--require", require.resolve("tsx/cjs"), path.join(this.root, "scripts/upstash-local.ts")], {
      env: { ...process.env, REDIS_URL: this.redis.url, UPSTASH_LOCAL_PORT: String(port), UPSTASH_LOCAL_TOKEN: upstash.token },
    });
    await waitUntilAnswering(this.endpoint, upstash.url, { name: "the local Upstash endpoint", timeoutMs: 30_000, intervalMs: 50 });
    return { redis: this.redis, meter: this.meter, upstash, pids: [this.endpoint.process.pid!, this.redis.pid!] };
  }

  async stop() {
    this.meter?.close();
    await this.endpoint?.stop();
    await this.redis?.destroy();
    this.infra = null;
  }
}
