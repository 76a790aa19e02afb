// npm run bench: builds what is missing, measures every system under the same SSE load (one after the other, N by N),
// prints the table and the targets, and writes results/latest.json and results/chart.svg. Flags: see options.ts.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BENCH_APP_SOURCES, PRODUCT_SOURCES, ensureBuilt } from "./build";
import { InfraManager } from "./infra";
import type { LaunchContext } from "./launch";
import { CORES, LOAD_CORE, SERVER_CORE, pinToCore } from "./launch/pin";
import { guardRun, stopDescendants } from "./lifecycle";
import { ClientPool } from "./load/client-pool";
import { profilingEnv } from "./measure/cpu-profile";
import { heapSnapshotEnv } from "./measure/heap-snapshot";
import { selfCpuSeconds } from "./measure/proc";
import { round } from "./measure/stats";
import { parseOptions } from "./options";
import { renderChart } from "./report/chart";
import { medianRows } from "./report/median";
import { renderTable } from "./report/table";
import { checkIdleScaling, checkTargets, renderTargets, targetN, type TargetCheck } from "./report/targets";
import type { Result } from "./result";
import { COMPARED_ON_EVERY_RUNTIME, resolveRuntimes } from "./runtimes";
import { measureSystem, steadyPlan, type Settings } from "./scenario";
import { productNodeFlags } from "../testing/next-server";

const ROOT = path.resolve(__dirname, "..");

/** The product's npm start flags, or a hint to choose them when its start script has another shape (an older checkout). */
function serverFlagsOf(productDir: string): string[] {
  try {
    return productNodeFlags(productDir);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nChoose the servers' Node flags instead: --node-flags "" (Node's defaults) or --node-flags "--max-semi-space-size=64".`);
  }
}

function fileLimit(): number | null {
  try {
    // The soft limit this process got from bench/run.sh's ulimit.
    const limits = readFileSync("/proc/self/limits", "utf8");
    return Number(/Max open files\s+(\d+)/.exec(limits)?.[1]) || null;
  } catch {
    return null;
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2), ROOT);
  const started = Date.now();
  // Bounded, and the bound grows with the work asked for: K runs, each Node, and N past 5,000.
  guardRun((options.quick ? 10 : 60) * 60_000 * options.runs * options.node.length * Math.max(1, Math.max(...options.sizes) / 5_000));

  // The load generator holds every stream's socket in this one process, and an embedded server every stream's in its:
  // each needs N descriptors and some to spare. bench/run.sh raises the soft limit up to the hard one.
  const nofile = fileLimit();
  const needed = Math.max(...options.sizes) + 1_000;
  if (nofile !== null && nofile < needed) {
    throw new Error(`N = ${Math.max(...options.sizes).toLocaleString("en-US")} needs about ${needed.toLocaleString("en-US")} open files per process; this process may hold ${nofile.toLocaleString("en-US")} (the hard limit caps it: ulimit -Hn)`);
  }

  // Every server's Node flags, known before anything is built or fetched.
  const nodeFlags = options.nodeFlags ?? serverFlagsOf(options.productDir);
  console.log(`› every server starts with Node flags: ${nodeFlags.join(" ") || "none"}`);

  // Builds first, on both cores.
  const wantsProduct = options.systems.some((s) => s.startsWith("product"));
  if (wantsProduct) {
    try {
      ensureBuilt(ROOT, options.productDir, PRODUCT_SOURCES, options.noBuild);
    } catch (error) {
      throw new Error(`the product build in ${options.productDir} failed (${(error as Error).message}); if UI pages are mid-edit, retry in a few minutes`);
    }
  }
  for (const app of ["minimal-next", "upstash-realtime"] as const) {
    if (options.systems.includes(app)) ensureBuilt(ROOT, path.join(ROOT, "bench/apps", app), BENCH_APP_SOURCES, options.noBuild);
  }

  const runtimes = resolveRuntimes(ROOT, options.node);
  console.log(`› servers run on ${runtimes.map((r) => `Node ${r.version}`).join(" and ")}`);

  if (options.cpuProfDir) {
    // Inherited by every server started from here on; each profiles the phase (CPU.<pid>.<k>.cpuprofile).
    Object.assign(process.env, profilingEnv(options.cpuProfDir));
    console.log(`› servers profile each ${options.cpuProfPhase} phase into ${options.cpuProfDir}`);
  }
  if (options.heapSnapshotDir) {
    mkdirSync(options.heapSnapshotDir, { recursive: true });
    Object.assign(process.env, heapSnapshotEnv(options.heapSnapshotDir));
    console.log(`› servers write heap snapshots into ${options.heapSnapshotDir} (memory figures of this run include the snapshots' own)`);
  }

  // This process (the load generator, and everything it starts later) on one core; servers get re-pinned to the other.
  pinToCore([process.pid], LOAD_CORE);
  const infra = new InfraManager(ROOT);
  const context: Omit<LaunchContext, "node"> = {
    root: ROOT,
    nodeFlags,
    clusterInstances: options.instances,
    productDir: options.productDir,
    upstash: async () => (await infra.get()).upstash,
    redisUrl: async () => (await infra.get()).redis.url,
  };
  const pool = new ClientPool(options.workers);
  const settings: Settings = {
    burst: options.burst,
    burstInflight: options.burstInflight,
    idleMs: options.idleMs,
    warmupStreams: 50,
    warmupPublishes: 20,
    profile: options.cpuProfDir === null ? null : options.cpuProfPhase,
    heapSnapshotDir: options.heapSnapshotDir,
    historyKept: options.historyKept,
    historyAt: { n: Math.min(...options.sizes), node: runtimes[0]!.version },
  };
  const results: Result[] = [];
  const failures: string[] = [];
  const loadCpuStart = selfCpuSeconds();
  const measureStart = Date.now();
  try {
    for (let pass = 1; pass <= options.runs; pass++) {
      if (options.runs > 1) console.log(`\n— run ${pass} of ${options.runs}`);
      for (const n of options.sizes) {
        for (const name of options.systems) {
          // Side by side: each compared system on every runtime before the next system.
          for (const node of COMPARED_ON_EVERY_RUNTIME.includes(name) ? runtimes : runtimes.slice(0, 1)) {
            const t0 = Date.now();
            console.log(`› ${name}, N = ${n.toLocaleString("en-US")}, Node ${node.version}`);
            try {
              const result = await measureSystem(name, n, { pool, context: { ...context, node }, infra, settings, log: (line) => console.log(`    ${line}`) });
              results.push(result);
              console.log(
                `    ${result.deliveriesPerSec ?? "–"} deliveries/s, steady p99 ${result.steadyP99Ms ?? "–"} ms, burst p99 ${result.burstP99Ms ?? "–"} ms (${Math.round((Date.now() - t0) / 1000)} s)`,
              );
            } catch (error) {
              const message = `${name} at N = ${n} on Node ${node.version}: ${(error as Error).message.split("\n")[0]}`;
              failures.push(message);
              console.log(`    failed: ${message}`);
            }
          }
        }
      }
    }
  } finally {
    await pool.terminate();
    await infra.stop();
    await stopDescendants();
  }
  const loadCpu = selfCpuSeconds() - loadCpuStart;
  const measureWallS = (Date.now() - measureStart) / 1000;

  const samples = results;
  const rows = medianRows(samples);
  const n = rows.length ? targetN(rows) : 0;
  // Each runtime judged on its own rows: a ratio never mixes Node versions.
  const checks: TargetCheck[] = [];
  for (const node of runtimes) {
    const onNode = rows.filter((r) => r.node === node.version);
    if (!onNode.length) continue;
    // What was scheduled on this runtime (a system that failed there shows its checks as n/a).
    const ran = options.systems.filter((s) => node === runtimes[0] || COMPARED_ON_EVERY_RUNTIME.includes(s));
    checks.push(...checkTargets(onNode, n, ran).map((c) => ({ ...c, node: node.version })));
    const scaling = checkIdleScaling(onNode);
    if (scaling) checks.push({ ...scaling, node: node.version });
  }
  const machine = {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: CORES,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    serverNodes: runtimes.map((r) => r.version),
    serverNodeFlags: nodeFlags.join(" "),
    platform: `${os.type()} ${os.release()}`,
    openFileLimit: nofile,
    date: new Date().toISOString(),
  };
  const loadGenerator = {
    workers: options.workers,
    core: CORES > 1 ? LOAD_CORE : null,
    serverCore: CORES > 1 ? SERVER_CORE : null,
    cpuSec: round(loadCpu, 1),
    wallSec: round(measureWallS, 1),
    averageCpuPercent: round((loadCpu / measureWallS) * 100, 0),
  };
  const load = {
    sizes: options.sizes,
    steady: options.sizes.map((size) => ({ n: size, ...steadyPlan(size) })),
    burst: { publishes: options.burst, inflight: options.burstInflight },
    runsPerRow: options.runs,
    idleWindowS: options.idleMs / 1000,
    connectsInFlight: 480,
  };

  console.log(`\n${renderTable(rows)}\n`);
  console.log(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; servers on Node ${machine.serverNodes.join(" and ")}${nodeFlags.length ? ` with ${machine.serverNodeFlags}` : ""}. Load generator (Node ${machine.node}): ${options.workers} worker threads` +
      (CORES > 1 ? ` on core ${LOAD_CORE} (servers on core ${SERVER_CORE})` : "") +
      `, ${loadGenerator.averageCpuPercent}% of a core on average over the run.`,
  );
  if (checks.length) {
    console.log(`\nTargets (set at N = 5,000${n !== 5_000 ? `; this run judged at N = ${n.toLocaleString("en-US")}` : ""}):\n${renderTargets(checks)}`);
  }
  if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  ${f}`).join("\n")}`);

  mkdirSync(options.out, { recursive: true });
  writeFileSync(path.join(options.out, "latest.json"), JSON.stringify({ machine, loadGenerator, load, runs: rows, ...(options.runs > 1 ? { samples } : {}), targets: checks, failures }, null, 2) + "\n");
  const subtitle = `${machine.cpu}, ${machine.cores} cores, Node ${machine.serverNodes.join(" and ")}, ${machine.date.slice(0, 10)}; burst ${options.burst} publishes, ${options.burstInflight} in flight; steady ${load.steady
    .map((s) => `${s.perSecond}/s at N = ${s.n.toLocaleString("en-US")}`)
    .join(", ")}`;
  writeFileSync(path.join(options.out, "chart.svg"), renderChart(rows, subtitle, runtimes[0]!.version));
  console.log(`\nWrote ${path.relative(process.cwd(), path.join(options.out, "latest.json"))} and chart.svg in ${Math.round((Date.now() - started) / 1000)} s.`);
  if (failures.length) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  async (error: Error) => {
    console.error(error.message);
    await stopDescendants();
    process.exit(1);
  },
);
