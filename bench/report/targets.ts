// The product's targets as ratios to the other systems, each with pass or miss (or n/a when a figure is missing).
import type { Result } from "../result";
import { round } from "../measure/stats";

export interface TargetCheck {
  n: number;
  /** The Node version of the rows it compares (set by the run, which judges each runtime on its own). */
  node?: string;
  target: string;
  ratio: string;
  /** null: a figure it needs is missing. */
  pass: boolean | null;
}

/** Idle Redis commands per instance-minute that count as "a small per-instance constant" (presence: ~3 per 10 s). */
export const IDLE_CONSTANT_PER_INSTANCE_MINUTE = 30;
/** What a browser may add to the stream's own delay: parsing, the hook, React and a frame. */
const SCREEN_MARGIN_MS = 50;
/** Targets are set at N = 5,000; a run without it is judged at its largest N. */
export const TARGET_N = 5_000;

export function targetN(results: Result[]): number {
  const ns = results.map((r) => r.n);
  return ns.includes(TARGET_N) ? TARGET_N : Math.max(...ns);
}

/** Checks at N = n; a check is left out when a system it compares was not part of the run (`ran`). */
export function checkTargets(results: Result[], n: number, ran: readonly string[]): TargetCheck[] {
  const at = (system: string) => results.find((r) => r.system === system && r.n === n);
  const checks: TargetCheck[] = [];
  const inRun = (...systems: string[]) => systems.every((s) => ran.includes(s));
  const fmt = (v: number | null) => (v === null ? "n/a" : String(round(v, 2)));
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || b === 0 ? null : a / b);
  /** a/b against a bound: "le" means a/b ≤ bound passes, "ge" a/b ≥ bound, "lt"/"gt" strictly. */
  const compare = (target: string, label: string, a: number | null | undefined, b: number | null | undefined, op: "le" | "ge" | "lt" | "gt", bound: number) => {
    const r = ratio(a, b);
    const pass = r === null ? null : op === "le" ? r <= bound : op === "ge" ? r >= bound : op === "lt" ? r < bound : r > bound;
    checks.push({ n, target, ratio: `${label} = ${fmt(r)}`, pass });
  };

  const embedded = at("product-embedded");
  const upstash = at("product-upstash");
  const floor = at("floor");
  const framework = at("minimal-next");
  if (inRun("product-embedded", "floor")) {
    compare("embedded: burst deliveries/s ≥ floor", "product / floor", embedded?.deliveriesPerSec, floor?.deliveriesPerSec, "ge", 1);
    compare("embedded: server CPU per delivery ≤ floor", "product / floor", embedded?.cpuSecPer10k, floor?.cpuSecPer10k, "le", 1);
  }
  const batched = at("floor-batched");
  if (inRun("product-embedded", "floor-batched")) {
    // The floor that batches as the hub does: the honest limit of this design.
    compare("embedded: burst deliveries/s ≥ 0.5 × batched floor", "product / floor-batched", embedded?.deliveriesPerSec, batched?.deliveriesPerSec, "ge", 0.5);
    compare("embedded: server CPU per delivery ≤ 2 × batched floor", "product / floor-batched", embedded?.cpuSecPer10k, batched?.cpuSecPer10k, "le", 2);
  }
  if (inRun("product-embedded", "floor")) {
    compare("embedded: steady p99 ≤ 1.5 × floor", "product / floor", embedded?.steadyP99Ms, floor?.steadyP99Ms, "le", 1.5);
    compare("embedded: memory per stream ≤ 4 × floor", "product / floor", embedded?.rssPerStreamKb, floor?.rssPerStreamKb, "le", 4);
  }
  if (inRun("product-embedded", "minimal-next")) {
    compare("embedded: steady p99 ≤ framework floor", "product / minimal-next", embedded?.steadyP99Ms, framework?.steadyP99Ms, "le", 1);
    compare("embedded: memory per stream ≤ 1.15 × framework floor", "product / minimal-next", embedded?.rssPerStreamKb, framework?.rssPerStreamKb, "le", 1.15);
  }
  for (const [mode, product] of [
    ["embedded", embedded],
    ["upstash", upstash],
    ["redis", at("product-redis")],
  ] as const) {
    for (const rival of ["express", "upstash-realtime"]) {
      if (!inRun(`product-${mode}`, rival)) continue;
      const r = at(rival);
      compare(`${mode}: burst deliveries/s ahead of ${rival}`, `product-${mode} / ${rival}`, product?.deliveriesPerSec, r?.deliveriesPerSec, "gt", 1);
      compare(`${mode}: burst p99 ahead of ${rival}`, `product-${mode} / ${rival}`, product?.burstP99Ms, r?.burstP99Ms, "lt", 1);
      // The issue sets steady latency and memory against @upstash/realtime (a Next route handler too), not against Express.
      if (rival !== "upstash-realtime") continue;
      compare(`${mode}: steady p99 ahead of ${rival}`, `product-${mode} / ${rival}`, product?.steadyP99Ms, r?.steadyP99Ms, "lt", 1);
      compare(`${mode}: memory per stream below ${rival}`, `product-${mode} / ${rival}`, product?.rssPerStreamKb, r?.rssPerStreamKb, "lt", 1);
    }
  }
  // The peers self-hosters pick: each against the product mode it stands beside.
  for (const [system, peer] of [
    ["product-embedded", "better-sse"],
    ["product-redis", "socketio-redis"],
  ] as const) {
    if (!inRun(system, peer)) continue;
    const product = at(system);
    const rival = at(peer);
    compare(`${system}: burst deliveries/s ahead of ${peer}`, `${system} / ${peer}`, product?.deliveriesPerSec, rival?.deliveriesPerSec, "gt", 1);
    compare(`${system}: server CPU per delivery below ${peer}`, `${system} / ${peer}`, product?.cpuSecPer10k, rival?.cpuSecPer10k, "lt", 1);
    compare(`${system}: steady p99 ahead of ${peer}`, `${system} / ${peer}`, product?.steadyP99Ms, rival?.steadyP99Ms, "lt", 1);
  }
  // A sparse person's history page with 100,000 kept costs about what it costs on an empty history.
  for (const system of ["product-embedded", "product-upstash", "product-redis"] as const) {
    const page = at(system)?.historyPage;
    if (!page) continue;
    compare(`${system}: history page p50 at ${page.atHistory.toLocaleString("en-US")} kept ≤ 2 × empty`, "kept / empty", page.p50Ms, page.emptyP50Ms, "le", 2);
  }

  for (const mode of ["upstash", "redis"] as const) {
    const system = `product-${mode}`;
    if (!inRun(system)) continue;
    const product = at(system);
    const cmds = product?.redisCmdsPerPublish ?? null;
    checks.push({ n, target: `${mode}: ≤ 8 Redis commands per publish`, ratio: `${fmt(cmds)} per publish`, pass: cmds === null ? null : cmds <= 8 });
    const perInstance = product?.redisIdleCmdsPerInstanceMinute ?? null;
    const perStream = product?.redisCmdsPerIdleStreamMinute ?? null;
    checks.push({
      n,
      target: `${mode}: idle streams cost Redis nothing beyond a per-instance constant (≤ ${IDLE_CONSTANT_PER_INSTANCE_MINUTE}/instance-min)`,
      ratio: `${fmt(perInstance)} per instance-minute = ${perStream ?? "n/a"} per stream-minute`,
      pass: perInstance === null ? null : perInstance <= IDLE_CONSTANT_PER_INSTANCE_MINUTE,
    });
    const subs = product?.upstreamSubscriptionsPerInstance ?? null;
    checks.push({ n, target: `${mode}: one upstream subscription per instance`, ratio: `${fmt(subs)} per instance`, pass: subs === null ? null : subs === 1 });
    const trips = product?.redisRoundTripsPerConnect ?? null;
    checks.push({ n, target: `${mode}: one Redis round trip per connect`, ratio: `${fmt(trips)} per connect`, pass: trips === null ? null : trips <= 1.1 });
    if (inRun("product-embedded")) {
      compare(`${mode}: connecting N streams takes ≤ 1.5 × the embedded product's time`, `product-${mode} / product-embedded`, product?.connectMs, embedded?.connectMs, "le", 1.5);
    }
  }
  for (const mode of ["embedded", "upstash", "redis"] as const) {
    const system = `product-${mode}`;
    if (!inRun(system)) continue;
    const product = at(system);
    const screen = product?.timeToScreenP99Ms ?? null;
    const steady = product?.steadyP99Ms ?? null;
    checks.push({
      n,
      target: `${mode}: time to screen p99 ≤ steady p99 + ${SCREEN_MARGIN_MS} ms`,
      ratio: `${fmt(screen)} ms against ${fmt(steady)} ms`,
      pass: screen === null || steady === null ? null : screen <= steady + SCREEN_MARGIN_MS,
    });
    compare(`${mode}: storm recovery ≤ 2 × connecting N streams from scratch`, "storm recovery / connect", product?.stormRecoverMs, product?.connectMs, "le", 2);
    const dup = product?.stormDuplicates ?? null;
    const missing = product?.stormMissing ?? null;
    checks.push({
      n,
      target: `${mode}: through the storm, every notification once (0 duplicates, 0 missing)`,
      ratio: `${dup ?? "n/a"} duplicates, ${missing ?? "n/a"} missing`,
      pass: dup === null || missing === null ? null : dup === 0 && missing === 0,
    });
  }
  return checks;
}

/** Idle Redis cost must not grow with N: per-instance commands at the largest N against the smallest. */
export function checkIdleScaling(results: Result[]): TargetCheck | null {
  const runs = results.filter((r) => r.system === "product-upstash" && r.redisIdleCmdsPerInstanceMinute !== null).sort((a, b) => a.n - b.n);
  if (runs.length < 2) return null;
  const small = runs[0]!;
  const large = runs[runs.length - 1]!;
  const r = large.redisIdleCmdsPerInstanceMinute! / Math.max(1, small.redisIdleCmdsPerInstanceMinute!);
  return {
    n: large.n,
    target: `upstash: idle Redis commands do not grow with N (N = ${small.n} → ${large.n})`,
    ratio: `per instance-minute ${small.redisIdleCmdsPerInstanceMinute} → ${large.redisIdleCmdsPerInstanceMinute} (× ${round(r, 2)})`,
    pass: r <= 1.5,
  };
}

export function renderTargets(checks: TargetCheck[]): string {
  return checks.map((c) => `${c.pass === null ? "n/a " : c.pass ? "PASS" : "MISS"}  N = ${c.n}${c.node ? `  ${c.node}` : ""}  ${c.target}: ${c.ratio}`).join("\n");
}
