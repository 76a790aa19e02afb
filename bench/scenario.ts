// One system at one N, phase by phase: warm-up, connect N streams, memory, steady publishes, burst, idle (Redis
// systems), reconnect storm (the product).
import { setTimeout as sleep } from "node:timers/promises";
import IORedis from "ioredis";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Infra, InfraManager } from "./infra";
import { startSystem, type LaunchContext, type RunningSystem, type SystemName } from "./launch";
import type { Storm } from "./launch/types";
import type { Publish } from "./load/publisher";
import { LOAD_CORE, SERVER_CORE, pinToCore } from "./launch/pin";
import { busiestElu, type ClientPool } from "./load/client-pool";
import { gather, type Gathered } from "./load/collector";
import { publishBurst, publishSteady, type PublishOutcome, type Schedule } from "./load/publisher";
import { now } from "./load/protocol";
import { toggleProfiles, type ProfiledPhase } from "./measure/cpu-profile";
import { summariseHeaps, takeHeapSnapshot } from "./measure/heap-snapshot";
import { measureHistoryPage } from "./measure/history-page";
import { watchScreen, type Screen, type ScreenWatch } from "./measure/time-to-screen";
import { cpuSeconds, rssBytes, selfCpuSeconds } from "./measure/proc";
import { concatSorted, percentile, round, round3 } from "./measure/stats";
import type { Result } from "./result";

export interface Settings {
  burst: number;
  burstInflight: number;
  /** How long N streams are held idle to count Redis commands (Redis systems only). */
  idleMs: number;
  warmupStreams: number;
  warmupPublishes: number;
  /** Servers were started with the profiling preload: the phase it profiles, else null. */
  profile: ProfiledPhase | null;
  /** Servers take heap snapshots on SIGUSR2 into this folder: the first server is snapshotted before and after connecting. */
  heapSnapshotDir: string | null;
  /** Notifications kept for the product's history-page measurement (0: not measured). */
  historyKept: number;
  /** The rows that carry it: the run's smallest N on its first Node (it does not depend on the streams, and a fill takes minutes). */
  historyAt: { n: number; node: string };
}

interface Deps {
  pool: ClientPool;
  context: LaunchContext;
  infra: InfraManager;
  settings: Settings;
  log: (line: string) => void;
}

/** The systems that talk to the shared Redis: each gets a fresh redis-server (and endpoint), metered. */
const REDIS_SYSTEMS: readonly SystemName[] = ["upstash-realtime", "socketio-redis", "product-upstash", "product-redis"];

/** A system (or the local endpoint) holding more than this is buffering without bound: the run stops it. */
const MEMORY_LIMIT_BYTES = 4 * 2 ** 30;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** 20/s at N = 1,000 (and below), 2/s at N = 5,000: the same order of deliveries per second. */
export function steadyPlan(n: number) {
  return n >= 5_000 ? { perSecond: 2, count: 20 } : { perSecond: 20, count: 100 };
}

/** Writes each server's output to a temporary file and returns where. */
function keepOutput(name: string, n: number, outputs: string[]): string {
  const dir = path.join(tmpdir(), "bench-logs");
  mkdirSync(dir, { recursive: true });
  const files = outputs.map((text, i) => {
    const file = path.join(dir, `${name}-${n}-${i}-${Date.now()}.log`);
    writeFileSync(file, text);
    return file;
  });
  return files.join(", ");
}

function failures(outcome: PublishOutcome) {
  return outcome.failed ? ` (${outcome.failed} of ${outcome.sent} publishes failed: ${outcome.firstError})` : "";
}

async function averageRss(pids: number[], samples = 3): Promise<number> {
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    sum += rssBytes(pids);
    if (i < samples - 1) await sleep(150);
  }
  return sum / samples;
}

/** Stops a phase when a server or the endpoint died or ran away with memory (a saturated system buffering without bound). */
function guardFor(system: RunningSystem, backing: Infra | null): () => string | null {
  return () => {
    for (const pid of system.pids) if (!alive(pid)) return "a server process exited";
    if (rssBytes(system.pids) > MEMORY_LIMIT_BYTES) return `the server passed ${MEMORY_LIMIT_BYTES / 2 ** 30} GiB of memory`;
    if (backing) {
      const endpoint = backing.pids[0]!;
      if (!alive(endpoint)) return "the local Upstash endpoint exited";
      if (rssBytes([endpoint]) > MEMORY_LIMIT_BYTES) return `the local Upstash endpoint passed ${MEMORY_LIMIT_BYTES / 2 ** 30} GiB buffering messages for slow subscribers`;
    }
    return null;
  };
}

/**
 * Time to screen: the steady plan once more, with a Chromium page on the dashboard among the N streams (a pass
 * of its own, so the steady figures of every system are measured without a browser beside the load generator).
 * A browser that cannot start or connect leaves the figure empty; the rest of the row stands.
 */
async function measureTimeToScreen(screen: Screen, publish: Publish, n: number, pool: ClientPool, guard: () => string | null, log: (line: string) => void) {
  let watch: ScreenWatch | null = null;
  try {
    watch = await watchScreen(screen);
    await pool.collect();
    const plan = steadyPlan(n);
    const run = publishSteady(publish, plan.count, plan.perSecond, () => false);
    await gather(pool, { expected: plan.count * n, publishing: run.done, quietMs: 3_000, timeoutMs: 120_000, guard });
    const result = await watch.read();
    log(`time to screen over ${result.samples} of ${plan.count} publishes: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
    return result;
  } catch (error) {
    log(`time to screen not measured: ${(error as Error).message.split("\n")[0]}`);
    return null;
  } finally {
    await watch?.close();
  }
}

/** Publishes during the storm: 20 at 4/s, through an instance that stays up. */
const STORM_PUBLISHES = { count: 20, perSecond: 4 };
const STORM_TIMEOUT_MS = 180_000;

/**
 * The reconnect storm: streams are cut at once (embedded: every stream ends;
 * a cluster: its first instance crashes and restarts) while publishes go on;
 * the clients come back resuming by id. Recovery is the time from the cut to
 * the last stream back; then every stream must hold each storm publish once.
 */
async function measureStorm(storm: Storm, n: number, pool: ClientPool, log: (line: string) => void) {
  await pool.collect();
  await pool.startStorm();
  const start = now();
  const publishing = publishSteady(storm.publish, STORM_PUBLISHES.count, STORM_PUBLISHES.perSecond, () => false);
  await storm.trigger();
  const expected = storm.affected(n);
  let report = await pool.stormReport();
  while (report.reopened < expected || report.down > 0) {
    if (now() - start > STORM_TIMEOUT_MS) break;
    await sleep(100);
    report = await pool.stormReport();
  }
  const recovered = report.reopened >= expected && report.down === 0;
  await publishing.done;
  const sent = publishing.outcome.sent - publishing.outcome.failed;
  await gather(pool, { expected: sent * n, publishing: publishing.done, quietMs: 3_000, timeoutMs: 60_000 });
  report = await pool.stormReport();
  const missing = report.distinct.reduce((sum, got) => sum + Math.max(0, sent - got), 0);
  const recoverMs = recovered ? Math.round(report.lastReopenAt - start) : null;
  log(
    `storm: ${report.reopened} of ${expected} cut streams back ${recoverMs === null ? "not all, stopped waiting" : `in ${recoverMs} ms`}; ` +
      `${sent} publishes meanwhile: ${report.duplicates} duplicates, ${missing} missing${failures(publishing.outcome)}`,
  );
  return { recoverMs, streams: expected, duplicates: report.duplicates, missing };
}

/**
 * The product's history page, on instances of its own started for it: the
 * history they fill is wiped before the streams are measured, so it weighs
 * on nothing else.
 */
async function measureHistoryOn(name: SystemName, n: number, context: LaunchContext, backing: Infra | null, settings: Settings, log: (line: string) => void) {
  if (!settings.historyKept || n !== settings.historyAt.n || context.node.version !== settings.historyAt.node || !name.startsWith("product-")) return null;
  // --expose-gc: the heap a kept notification costs is read after a full collection (these servers only).
  const system = await startSystem(name, { ...context, nodeFlags: [...context.nodeFlags, "--expose-gc"] }, 1);
  try {
    pinToCore(system.pids, SERVER_CORE);
    return system.history ? await measureHistoryPage(system.history, settings.historyKept, { meter: backing?.meter ?? null, log }) : null;
  } finally {
    await system.stop();
    if (backing) {
      const redis = new IORedis(backing.redis.url);
      await redis.flushall();
      redis.disconnect();
    }
  }
}

export async function measureSystem(name: SystemName, n: number, deps: Deps): Promise<Result> {
  const { pool, context, infra, settings, log } = deps;
  // A fresh redis-server and endpoint per Redis system: nothing one system left behind weighs on the next.
  const backing = REDIS_SYSTEMS.includes(name) ? await infra.get() : null;
  const historyPage = await measureHistoryOn(name, n, context, backing, settings, log);
  let system: RunningSystem | null = null;
  /** Runs a phase, with the servers' CPU profile on around it when --cpu-prof asked for that phase. */
  const profiled = async <T>(phase: ProfiledPhase, work: () => Promise<T>): Promise<T> => {
    if (settings.profile !== phase || !system) return work();
    const pids = system.pids;
    toggleProfiles(pids);
    try {
      return await work();
    } finally {
      toggleProfiles(pids);
    }
  };
  // Set when streams ended or the run stopped early: the servers' output is then kept for a look.
  let troubled = true;
  try {
    system = await startSystem(name, context, n);
    pinToCore(system.pids, SERVER_CORE);
    if (backing) pinToCore(backing.pids, LOAD_CORE);
    log(`server pid ${system.pids.join(", ")}${backing ? `; redis-server and endpoint pids ${backing.pids.join(", ")}` : ""}`);
    const guard = guardFor(system, backing);
    let aborted: string | null = null;
    const stopped = () => aborted !== null;

    // Warm-up: a few streams and publishes so both sides have compiled their hot paths.
    const warm = Math.min(settings.warmupStreams, n);
    await pool.open(system.streamUrls, system.streamHeaders, warm);
    const warmup = publishBurst(system.publish, settings.warmupPublishes, 4);
    await gather(pool, { expected: warm * settings.warmupPublishes, publishing: warmup.done, quietMs: 3_000, timeoutMs: 30_000 });
    await warmup.done;
    if (warmup.outcome.failed === warmup.outcome.sent) throw new Error(`every warm-up publish failed: ${warmup.outcome.firstError}`);
    await pool.closeStreams();
    await sleep(1_000);
    await pool.collect();

    // Connect N streams (first event received on each), then memory ~1.5 s later.
    const heapBefore = settings.heapSnapshotDir ? await takeHeapSnapshot(settings.heapSnapshotDir, system.pids[0]!) : null;
    const rssBefore = await averageRss(system.pids);
    const tripsBefore = (await system.storeRoundTrips?.()) ?? null;
    if (backing) await backing.meter.reset();
    // Where the connect phase's time goes: servers, load generator, Redis and the endpoint (CPU seconds).
    const pids = system.pids;
    const cpuNow = () => [cpuSeconds(pids), selfCpuSeconds(), backing ? cpuSeconds(backing.pids) : 0];
    const connectCpu0 = cpuNow();
    const connectStart = now();
    await profiled("connect", () => pool.open(system!.streamUrls, system!.streamHeaders, n));
    const connectMs = now() - connectStart;
    const [serverConnectCpu, loadConnectCpu, backingConnectCpu] = cpuNow().map((v, i) => v - connectCpu0[i]!);
    const connectCommands = backing ? await backing.meter.commands() : null;
    const tripsAfter = (await system.storeRoundTrips?.()) ?? null;
    const roundTripsPerConnect = tripsBefore === null || tripsAfter === null ? null : round((tripsAfter - tripsBefore) / n, 2);
    log(
      `connected ${n} in ${Math.round(connectMs)} ms (CPU s: servers ${round(serverConnectCpu, 1)}, load generator ${round(loadConnectCpu, 1)}` +
        `${backing ? `, Redis and endpoint ${round(backingConnectCpu, 1)}` : ""})` +
        `${roundTripsPerConnect === null ? "" : `; ${roundTripsPerConnect} Redis round trips and ${round((connectCommands ?? 0) / n, 2)} commands per connect`}`,
    );
    await sleep(1_500);
    const rssPerStreamKb = (rssBytes(system.pids) - rssBefore) / n / 1024;
    if (settings.heapSnapshotDir && heapBefore) {
      const heapAfter = await takeHeapSnapshot(settings.heapSnapshotDir, system.pids[0]!);
      // Of the first server only: its share of the streams.
      const streams = Math.ceil(n / system.instances);
      log(summariseHeaps(settings.heapSnapshotDir, `${name}-${n}-${context.node.version}`, heapBefore, heapAfter, streams).replace(/\n/g, "\n    "));
    }
    await pool.collect();

    // Steady broadcasts.
    const plan = steadyPlan(n);
    const steadyRun = publishSteady(system.publish, plan.count, plan.perSecond, stopped);
    const steady = await profiled("steady", () => gather(pool, { expected: plan.count * n, publishing: steadyRun.done, quietMs: 5_000, timeoutMs: 120_000, guard }));
    aborted = steady.stopped;
    log(`steady ${plan.count} × ${n}: ${steady.received} delivered${failures(steadyRun.outcome)}${aborted ? `; stopped: ${aborted}` : ""}`);
    const screen = system.screen && !aborted ? await measureTimeToScreen(system.screen, system.publish, n, pool, guard, log) : null;

    // The burst: as fast as the publish API takes them, `burstInflight` in flight.
    let burst: Gathered | null = null;
    let burstRun: Schedule | null = null;
    const eluBefore = (await pool.collect()).elu;
    let serverCpu = 0;
    let loadCpu = 0;
    let backingCpu: number | null = null;
    let wallS = 0;
    let burstStart = 0;
    let burstCommands: number | null = null;
    let subscribers: number | null = null;
    if (!aborted) {
      if (backing) await backing.meter.reset();
      const serverCpu0 = cpuSeconds(system.pids);
      const loadCpu0 = selfCpuSeconds();
      const backingCpu0 = backing ? cpuSeconds(backing.pids) : 0;
      burstStart = now();
      const run = (burstRun = publishBurst(system.publish, settings.burst, settings.burstInflight, stopped));
      burst = await profiled("burst", () => gather(pool, { expected: settings.burst * n, publishing: run.done, quietMs: 5_000, timeoutMs: 180_000, guard }));
      aborted = burst.stopped;
      wallS = (now() - burstStart) / 1000;
      serverCpu = cpuSeconds(system.pids) - serverCpu0;
      loadCpu = selfCpuSeconds() - loadCpu0;
      backingCpu = backing ? cpuSeconds(backing.pids) - backingCpu0 : null;
      if (backing && !aborted) {
        burstCommands = await backing.meter.commands();
        subscribers = await backing.meter.subscriberConnections();
      }
      log(`burst ${settings.burst} × ${n}: ${burst.received} delivered${failures(burstRun.outcome)}${aborted ? `; stopped: ${aborted}` : ""}`);
    }

    // Idle: N open streams, no publishes; Redis commands over the window (cut short if a guard trips).
    let idleCommands: number | null = null;
    let idleMs = 0;
    if (backing && !aborted) {
      await backing.meter.reset();
      const idleStart = Date.now();
      while (Date.now() - idleStart < settings.idleMs && !(aborted = guard())) await sleep(Math.min(500, settings.idleMs - (Date.now() - idleStart)));
      idleMs = Date.now() - idleStart;
      idleCommands = await backing.meter.commands();
      log(`idle ${Math.round(idleMs / 1000)} s: ${idleCommands} Redis commands${aborted ? `; stopped: ${aborted}` : ""}`);
    }
    const last = await pool.collect();
    const ended = steady.ended + (burst?.ended ?? 0) + last.ended;
    const storm = system.storm && !aborted ? await measureStorm(system.storm, n, pool, log) : null;
    const endedHow = [...steady.endedSamples, ...(burst?.endedSamples ?? []), ...last.endedSamples].slice(0, 3);
    if (ended) log(`${ended} streams ended while measured (${steady.ended} in steady, ${burst?.ended ?? 0} in burst): ${endedHow.join("; ")}`);
    troubled = ended > 0 || aborted !== null;

    const minutes = idleMs / 60_000;
    const received = burst?.received ?? 0;
    const per10k = (cpu: number) => (received ? (cpu / received) * 10_000 : null);
    const all = concatSorted([steady.latencies, burst?.latencies ?? new Float64Array()]);
    const publishFailures = steadyRun.outcome.failed + (burstRun?.outcome.failed ?? 0);
    const unsent = plan.count - steadyRun.outcome.sent + settings.burst - (burstRun?.outcome.sent ?? 0);
    return {
      system: name,
      n,
      node: context.node.version,
      connectMs: Math.round(connectMs),
      steadyP50Ms: round(percentile(steady.latencies, 50)),
      steadyP99Ms: round(percentile(steady.latencies, 99)),
      timeToScreenP50Ms: screen?.p50Ms ?? null,
      timeToScreenP99Ms: screen?.p99Ms ?? null,
      burstP50Ms: burst ? round(percentile(burst.latencies, 50)) : null,
      burstP99Ms: burst ? round(percentile(burst.latencies, 99)) : null,
      maxMs: round(all.length ? all[all.length - 1]! : null),
      deliveriesPerSec: burst && received ? Math.round(received / ((Math.max(burst.lastAt, burstStart + 1) - burstStart) / 1000)) : null,
      rssPerStreamKb: round(rssPerStreamKb),
      cpuSecPer10k: round3(per10k(serverCpu)),
      redisCmdsPerPublish: burstCommands === null ? null : round(burstCommands / settings.burst, 2),
      redisCmdsPerIdleStreamMinute: idleCommands === null || !minutes ? null : round3(idleCommands / n / minutes),
      upstreamSubscriptionsPerInstance: subscribers === null ? null : round(subscribers / system.instances, 2),
      instances: system.instances,
      steadyPublishes: plan.count,
      steadyPerSec: plan.perSecond,
      burstPublishes: settings.burst,
      delivered: steady.received + received,
      expectedDeliveries: (plan.count + settings.burst) * n,
      streamsEnded: ended,
      publishFailures: publishFailures + unsent,
      aborted,
      serverCpuPercent: wallS ? round((serverCpu / wallS) * 100, 0) : null,
      loadGenCpuSecPer10k: round3(per10k(loadCpu)),
      loadGenCpuPercent: wallS ? round((loadCpu / wallS) * 100, 0) : null,
      loadGenBusiestWorkerElu: burst ? round(busiestElu(eluBefore, burst.elu), 2) : null,
      backingCpuPercent: backingCpu === null || !wallS ? null : round((backingCpu / wallS) * 100, 0),
      redisIdleCmdsPerInstanceMinute: idleCommands === null || !minutes ? null : round(idleCommands / system.instances / minutes, 1),
      idleWindowS: backing && idleMs ? Math.round(idleMs / 1000) : null,
      redisRoundTripsPerConnect: roundTripsPerConnect,
      redisCmdsPerConnect: connectCommands === null ? null : round(connectCommands / n, 2),
      stormRecoverMs: storm?.recoverMs ?? null,
      stormStreams: storm?.streams ?? null,
      stormDuplicates: storm?.duplicates ?? null,
      stormMissing: storm?.missing ?? null,
      historyPage,
    };
  } finally {
    await pool.closeStreams();
    await system?.stop();
    if (system && (troubled || process.env.BENCH_KEEP_LOGS)) log(`server output kept in ${keepOutput(name, n, system.output())}`);
    if (backing) await infra.stop();
  }
}
