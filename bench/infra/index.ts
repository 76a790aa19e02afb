// The shared backing services, started on first need and stopped at the end: redis-server (testing/redis.ts)
// and the local Upstash endpoint in a child process (large heap: @upstash/realtime holds one subscription per stream).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { startRedis, type RedisServer } from "../../testing/redis";
import { freePort } from "../../testing/ports";
import { listeningPid } from "../measure/proc";
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
  private endpoint: ChildProcess | null = null;
  private redis: RedisServer | null = null;
  private meter: RedisMeter | null = null;

  constructor(private readonly root: string) {}

  get(): Promise<Infra> {
    return (this.infra ??= this.start());
  }

  /** Whether anything was started (so there are Redis figures to read). */
  get started() {
    return this.infra !== null;
  }

  private async start(): Promise<Infra> {
    this.redis = await startRedis();
    this.meter = new RedisMeter(this.redis.url);
    await this.meter.tuneForBenchmark();
    const port = await freePort();
    const token = randomBytes(16).toString("hex");
    const child = spawn(
      process.execPath,
      ["--max-old-space-size=8192", "--require", require.resolve("tsx/cjs"), path.join(this.root, "bench/infra/upstash-endpoint.ts")],
      { env: { ...process.env, BENCH_REDIS_URL: this.redis.url, BENCH_UPSTASH_PORT: String(port), BENCH_UPSTASH_TOKEN: token }, stdio: ["ignore", "pipe", "inherit"] },
    );
    this.endpoint = child;
    const upstash = await new Promise<{ url: string; token: string }>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        const line = out.split("\n").find((l) => l.startsWith("{"));
        if (line) resolve(JSON.parse(line) as { url: string; token: string });
      });
      child.once("exit", (code) => reject(new Error(`the local Upstash endpoint exited (${code})`)));
    });
    const redisPid = listeningPid(this.redis.port);
    return { redis: this.redis, meter: this.meter, upstash, pids: redisPid ? [child.pid!, redisPid] : [child.pid!] };
  }

  async stop() {
    this.meter?.close();
    const child = this.endpoint;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await this.redis?.destroy();
    this.infra = null;
  }
}
