// The command line of npm run bench: which N, which systems, builds, where the product and the results are.
import path from "node:path";
import { resolveSystems, SYSTEMS, type SystemName } from "./launch";
import { PROFILED_PHASES, type ProfiledPhase } from "./measure/cpu-profile";

export interface Options {
  quick: boolean;
  sizes: number[];
  systems: SystemName[];
  noBuild: boolean;
  productDir: string;
  out: string;
  burst: number;
  burstInflight: number;
  workers: number;
  idleMs: number;
  /** Where the servers write V8 CPU profiles (node --cpu-prof), or null. */
  cpuProfDir: string | null;
  /** Which phase --cpu-prof covers. */
  cpuProfPhase: ProfiledPhase;
  /** "current" and/or Node majors: the runtimes the servers run on (bench/runtimes.ts). */
  node: string[];
  /** Where the servers write heap snapshots (before and after connecting), or null. */
  heapSnapshotDir: string | null;
  /** How many times the whole plan is measured; rows are the medians (report/median.ts). */
  runs: number;
  /** Instances of product-upstash and product-redis, or null for the default. */
  instances: number | null;
  /** --node-flags: the Node flags of every server, or null for the product's own (package.json's start). */
  nodeFlags: string[] | null;
  /** --history: notifications kept for the product's history-page measurement (0: skipped). */
  historyKept: number;
}

export const USAGE = `npm run bench -- [--quick] [--n 1000,5000] [--systems floor,product,...] [--no-build]
                 [--product-dir DIR] [--out DIR] [--burst 200] [--inflight 8] [--workers 2] [--idle-s 65]
                 [--cpu-prof DIR]   (servers write V8 CPU profiles there when they stop)
                 [--cpu-prof-phase burst|connect|steady] (which phase the profiles cover; burst by default)
                 [--heap-snapshot DIR] (each system's first server, before and after connecting; summarised)
                 [--instances K] (product-upstash and product-redis; default 2, 4 past N = 5,000)
                 [--runs 1] (the plan K times over; each row the median, with the spread)
                 [--node current,24] (floor, floor-batched, minimal-next, product-embedded and product-upstash on each; the rest on the first)
                 [--node-flags "--x=1 ..."] (every server's Node flags; default: the product's npm start flags, "" for none)
                 [--history 100000] (notifications kept for the product's history-page row; 0 skips it; --quick: 1000)
systems: ${SYSTEMS.join(", ")} (aliases: product, upstash, realtime, minimal, tutorial)`;

function profilePhase(value: string): ProfiledPhase {
  const phase = PROFILED_PHASES.find((p) => p === value);
  if (!phase) throw new Error(`--cpu-prof-phase is one of ${PROFILED_PHASES.join(", ")}, not "${value}"`);
  return phase;
}

export function parseOptions(argv: string[], root: string): Options {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument "${arg}"\n${USAGE}`);
    // Split at the first "=" only: values hold "=" too (--node-flags=--max-semi-space-size=64).
    const eq = arg.indexOf("=");
    const [name, inline] = eq === -1 ? [arg.slice(2), undefined] : [arg.slice(2, eq), arg.slice(eq + 1)];
    if (["quick", "no-build", "help"].includes(name)) flags.add(name);
    else if (inline !== undefined) values.set(name, inline);
    else if (i + 1 < argv.length) values.set(name, argv[++i]!);
    else throw new Error(`--${name} needs a value\n${USAGE}`);
  }
  if (flags.has("help")) {
    console.log(USAGE);
    process.exit(0);
  }
  const known = new Set(["n", "systems", "product-dir", "out", "burst", "inflight", "workers", "idle-s", "cpu-prof", "node", "heap-snapshot", "runs", "cpu-prof-phase", "instances", "node-flags", "history"]);
  for (const name of values.keys()) if (!known.has(name)) throw new Error(`unknown option --${name}\n${USAGE}`);
  const int = (name: string, fallback: number) => {
    const v = values.get(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  if (values.has("cpu-prof-phase") && !values.has("cpu-prof")) throw new Error("--cpu-prof-phase goes with --cpu-prof DIR");
  if (values.has("cpu-prof") && values.has("heap-snapshot")) throw new Error("--cpu-prof and --heap-snapshot both use SIGUSR2: one at a time");
  const quick = flags.has("quick");
  const sizes = (values.get("n") ?? (quick ? "1000" : "1000,5000")).split(",").map((s) => Number(s.replace(/[_,]/g, "")));
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`--n takes positive integers, e.g. --n 1000,5000`);
  return {
    quick,
    sizes,
    systems: values.has("systems") ? resolveSystems(values.get("systems")!.split(",")) : [...SYSTEMS],
    noBuild: flags.has("no-build"),
    productDir: path.resolve(values.get("product-dir") ?? root),
    out: path.resolve(values.get("out") ?? path.join(root, "bench/results")),
    burst: int("burst", 200),
    burstInflight: int("inflight", 8),
    workers: int("workers", 2),
    idleMs: int("idle-s", quick ? 10 : 65) * 1000,
    cpuProfDir: values.has("cpu-prof") ? path.resolve(values.get("cpu-prof")!) : null,
    cpuProfPhase: profilePhase(values.get("cpu-prof-phase") ?? "burst"),
    runs: int("runs", 1),
    instances: values.has("instances") ? int("instances", 2) : null,
    heapSnapshotDir: values.has("heap-snapshot") ? path.resolve(values.get("heap-snapshot")!) : null,
    node: (values.get("node") ?? "current,24").split(",").map((s) => s.trim()).filter(Boolean),
    nodeFlags: values.has("node-flags") ? values.get("node-flags")!.split(/\s+/).filter(Boolean) : null,
    historyKept: values.get("history") === "0" ? 0 : int("history", quick ? 1_000 : 100_000),
  };
}
