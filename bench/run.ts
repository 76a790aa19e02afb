// npm run bench — every system under the same SSE load on this machine, one
// after the other: connect N streams, idle, steady publishes, a burst; prints
// the table and the targets, writes results/latest.json and results/chart.svg.
// Flags: --quick (N = 1,000 only), --n 1000,5000, --systems a,b, --no-build,
// --product-dir DIR, --out DIR (default bench/results).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync, writeFileSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startUpstashLocal } from "../scripts/upstash-local/server";
import { startRedis } from "../testing/redis";
import { ClientPool } from "./load/pool";
import { cpuSeconds, percentile, RedisMeter, rssBytes } from "./measure";
import { renderChart, renderTable, targets, type Result } from "./report";
import { SYSTEMS, startSystem, type RunningSystem, type SystemName } from "./systems";

const ROOT = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag("quick");
const sizes = (option("n") ?? (quick ? "1000" : "1000,5000")).split(",").map(Number);
const systems = (option("systems")?.split(",") ?? [...SYSTEMS]) as SystemName[];
const productDir = path.resolve(option("product-dir") ?? ROOT);
const BURST = 200;
/** @upstash/realtime holds one upstream subscription per open stream, so it is measured up to this N. */
const REALTIME_MAX_N = 1_000;
const BURST_INFLIGHT = 8;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds an app unless its build is newer than every source file in it. */
function ensureBuilt(dir: string, sources: string[]) {
  const buildId = path.join(dir, ".next", "BUILD_ID");
  const newest = (p: string): number => {
    if (!existsSync(p)) return 0;
    const s = statSync(p);
    if (!s.isDirectory()) return s.mtimeMs;
    return Math.max(0, ...readdirSync(p).filter((f) => f !== ".next" && f !== "node_modules").map((f) => newest(path.join(p, f))));
  };
  if (flag("no-build") || (existsSync(buildId) && statSync(buildId).mtimeMs > Math.max(...sources.map((s) => newest(path.join(dir, s)))))) return;
  console.log(`› next build ${path.relative(ROOT, dir) || "."}`);
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build", dir], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}

/** Pins this process (all threads) to one core and the servers to the other, as PERF.md did. */
function pin(pids: number[], core: number) {
  if (os.cpus().length < 2) return;
  for (const pid of pids) spawnSync("taskset", ["-a", "-cp", String(core), String(pid)], { stdio: "ignore" });
}

async function publishSteady(system: RunningSystem, count: number, perSecond: number) {
  const start = now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / perSecond;
    if (due > now()) await sleep(due - now());
    await system.publish(now());
  }
}

async function publishBurst(system: RunningSystem) {
  let next = 0;
  await Promise.all(
    Array.from({ length: BURST_INFLIGHT }, async () => {
      while (next++ < BURST) await system.publish(now());
    }),
  );
}

async function waitForDeliveries(pool: ClientPool, expected: number, timeoutMs: number) {
  const all: Float64Array[] = [];
  let received = 0;
  let firstAt = Infinity;
  let lastAt = 0;
  const deadline = Date.now() + timeoutMs;
  while (received < expected && Date.now() < deadline) {
    await sleep(250);
    const batch = await pool.collect();
    all.push(batch.latencies);
    received += batch.latencies.length;
    if (batch.latencies.length) {
      firstAt = Math.min(firstAt, batch.firstAt);
      lastAt = Math.max(lastAt, batch.lastAt);
    }
  }
  const latencies = new Float64Array(received);
  let offset = 0;
  for (const a of all) {
    latencies.set(a, offset);
    offset += a.length;
  }
  latencies.sort();
  return { latencies, received, firstAt, lastAt };
}

async function measure(name: SystemName, n: number, context: Parameters<typeof startSystem>[1], meter: RedisMeter, pool: ClientPool): Promise<Result> {
  await meter.flush();
  const system = await startSystem(name, context);
  const usesRedis = name === "product-upstash" || name === "upstash-realtime";
  try {
    pin(system.pids, 0);
    // Warm-up: a few streams and publishes, so code paths are compiled.
    await pool.open(system.streamUrls, system.streamHeaders, 10);
    for (let i = 0; i < 5; i++) await system.publish(now());
    await waitForDeliveries(pool, 50, 5_000);
    await pool.closeStreams();
    await sleep(500);

    const rssBefore = rssBytes(system.pids);
    const connectStart = now();
    await pool.open(system.streamUrls, system.streamHeaders, n);
    const connectMs = now() - connectStart;
    await sleep(1_500);
    const rssPerStreamKb = (rssBytes(system.pids) - rssBefore) / n / 1024;

    let redisCmdsPerIdleStreamMinute: number | null = null;
    if (usesRedis) {
      await meter.reset();
      const idleMs = quick ? 10_000 : 20_000;
      await sleep(idleMs);
      redisCmdsPerIdleStreamMinute = (await meter.commands()) / n / (idleMs / 60_000);
    }
    await pool.collect(); // drop anything from before

    const steadyRate = n >= 5_000 ? 2 : 20;
    const steadyCount = n >= 5_000 ? 20 : 100;
    await publishSteady(system, steadyCount, steadyRate);
    const steady = await waitForDeliveries(pool, steadyCount * n, 30_000);

    if (usesRedis) await meter.reset();
    const cpuBefore = cpuSeconds(system.pids);
    const burstStart = now();
    await publishBurst(system);
    const burst = await waitForDeliveries(pool, BURST * n, 60_000);
    const cpu = cpuSeconds(system.pids) - cpuBefore;
    const redisCmdsPerPublish = usesRedis ? (await meter.commands()) / BURST : null;
    const upstreamSubscriptionsPerInstance = usesRedis ? (await meter.subscriberConnections()) / system.instances : null;

    const all = new Float64Array([...steady.latencies, ...burst.latencies]).sort();
    return {
      system: name,
      n,
      connectMs: Math.round(connectMs),
      steadyP50Ms: round(percentile(steady.latencies, 50)),
      steadyP99Ms: round(percentile(steady.latencies, 99)),
      burstP50Ms: round(percentile(burst.latencies, 50)),
      burstP99Ms: round(percentile(burst.latencies, 99)),
      maxMs: round(all[all.length - 1] ?? NaN),
      deliveriesPerSec: Math.round(burst.received / ((burst.lastAt - burstStart) / 1000)),
      rssPerStreamKb: round(rssPerStreamKb),
      cpuSecPer10k: round((cpu / burst.received) * 10_000, 3),
      redisCmdsPerPublish: redisCmdsPerPublish === null ? null : round(redisCmdsPerPublish),
      redisCmdsPerIdleStreamMinute: redisCmdsPerIdleStreamMinute === null ? null : round(redisCmdsPerIdleStreamMinute, 4),
      upstreamSubscriptionsPerInstance,
      delivered: burst.received + steady.received,
      expectedDeliveries: (BURST + steadyCount) * n,
    };
  } finally {
    await pool.closeStreams();
    await system.stop();
  }
}

function round(value: number, digits = 1) {
  const f = 10 ** digits;
  return Number.isFinite(value) ? Math.round(value * f) / f : null;
}

async function main() {
  ensureBuilt(productDir, ["app", "components", "hooks", "lib", "proxy.ts", "next.config.mjs"]);
  if (systems.includes("minimal-next")) ensureBuilt(path.join(ROOT, "bench/apps/minimal-next"), ["app"]);
  if (systems.includes("upstash-realtime")) ensureBuilt(path.join(ROOT, "bench/apps/upstash-realtime"), ["app"]);

  const redis = await startRedis();
  const upstash = await startUpstashLocal({ redisUrl: redis.url, port: 0 });
  const meter = new RedisMeter(redis.url);
  pin([process.pid], 1);
  const pool = new ClientPool(2);
  const cpuStart = process.cpuUsage();
  const wallStart = Date.now();
  const results: Result[] = [];
  try {
    for (const n of sizes) {
      for (const name of systems) {
        if (name === "upstash-realtime" && n > REALTIME_MAX_N) {
          console.log(`› ${name}, N = ${n}: skipped (one upstream subscription per stream; at 5,000 the local endpoint ran out of memory)`);
          continue;
        }
        process.stdout.write(`› ${name}, N = ${n} … `);
        try {
          const result = await measure(name, n, { root: ROOT, productDir, upstash }, meter, pool);
          results.push(result);
          console.log(`${result.deliveriesPerSec} deliveries/s, steady p99 ${result.steadyP99Ms} ms`);
        } catch (error) {
          console.log(`failed: ${(error as Error).message}`);
          process.exitCode = 1;
        }
      }
    }
  } finally {
    await pool.terminate();
    meter.close();
    await upstash.close();
    await redis.destroy();
  }
  const load = process.cpuUsage(cpuStart);
  const loadGeneratorCpuPercent = Math.round(((load.user + load.system) / 1e6 / ((Date.now() - wallStart) / 1000)) * 100);
  const machine = { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString() };
  const checks = targets(results);
  console.log(`\n${renderTable(results)}\n\nLoad generator CPU: ${loadGeneratorCpuPercent}% of one core on average (its own core; servers pinned to the other).\n`);
  console.log(checks.map((c) => `${c.pass ? "PASS" : "MISS"}  ${c.name}: ${c.detail}`).join("\n"));
  const out = path.resolve(option("out") ?? path.join(ROOT, "bench/results"));
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "latest.json"), JSON.stringify({ machine, loadGeneratorCpuPercent, runs: results, targets: checks }, null, 2) + "\n");
  writeFileSync(path.join(out, "chart.svg"), renderChart(results));
  console.log(`\nWrote ${path.relative(ROOT, out) || "."}/latest.json and chart.svg`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
