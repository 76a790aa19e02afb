// --runs K: each system is measured K times (the whole plan over, K rounds, so a slow minute of the machine does not
// land on one system's every sample). Reported: per system, N and Node, the median of each figure, and how far the
// headline figures moved between runs.
import type { Result } from "../result";
import { round3 } from "../measure/stats";

/** The figures whose spread latest.json records (the table shows connect, steady p99, deliveries/s and CPU). */
export const SPREAD_FIELDS = ["connectMs", "steadyP99Ms", "deliveriesPerSec", "cpuSecPer10k", "rssPerStreamKb", "timeToScreenP99Ms"] as const;
type SpreadField = (typeof SPREAD_FIELDS)[number];

export interface Spread {
  samples: number;
  /** Per figure: lowest and highest over the runs, and (highest − lowest) / median. */
  range: Partial<Record<SpreadField, { min: number; max: number; relative: number | null }>>;
}

/** Counts of things that went wrong and worst cases: a row reports the worst run, never a median that hides one. */
const WORST_IS_HIGHEST = new Set(["stormDuplicates", "stormMissing", "streamsEnded", "publishFailures", "maxMs"]);
const WORST_IS_LOWEST = new Set(["delivered"]);
/** A run without the figure failed to produce it (the storm did not recover, no card was seen): the row has none either. */
const NULL_IF_ANY_RUN_NULL = new Set(["stormRecoverMs", "timeToScreenP50Ms", "timeToScreenP99Ms", "deliveriesPerSec"]);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One row per system, N and Node: performance figures are medians, failures the worst run's; the rest from the first run. */
export function medianRows(results: Result[]): (Result & { spread: Spread | null })[] {
  const groups = new Map<string, Result[]>();
  for (const r of results) {
    const key = `${r.system}|${r.n}|${r.node}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((runs) => {
    const row = { ...runs[0]! } as Record<string, unknown>;
    for (const [field, value] of Object.entries(runs[0]!)) {
      if (typeof value !== "number" && value !== null) continue;
      const all = runs.map((r) => (r as unknown as Record<string, unknown>)[field]);
      const values = all.filter((v): v is number => typeof v === "number");
      if (NULL_IF_ANY_RUN_NULL.has(field) && values.length < all.length) row[field] = null;
      else if (WORST_IS_HIGHEST.has(field)) row[field] = values.length ? Math.max(...values) : null;
      else if (WORST_IS_LOWEST.has(field)) row[field] = values.length ? Math.min(...values) : null;
      else if (values.length) row[field] = round3(median(values));
    }
    // A row stopped early in any run says so.
    row.aborted = runs.map((r) => r.aborted).find((a) => a !== null) ?? null;
    let spread: Spread | null = null;
    if (runs.length > 1) {
      spread = { samples: runs.length, range: {} };
      for (const field of SPREAD_FIELDS) {
        const values = runs.map((r) => r[field]).filter((v): v is number => typeof v === "number");
        if (!values.length) continue;
        const [min, max, mid] = [Math.min(...values), Math.max(...values), median(values)];
        spread.range[field] = { min, max, relative: mid ? round3((max - min) / mid) : null };
      }
    }
    return { ...(row as unknown as Result), spread };
  });
}

/** " (±12%)": half the range over the median, for a table cell; empty for a single run. */
export function spreadLabel(r: Result & { spread?: Spread | null }, field: SpreadField): string {
  const range = r.spread?.range[field];
  return range?.relative == null ? "" : ` (±${Math.round((range.relative / 2) * 100)}%)`;
}
