// --runs K: each system is measured K times (the whole plan over, K rounds, so a slow minute of the machine does not
// land on one system's every sample). Reported: per system, N and Node, the median of each figure, and how far the
// headline figures moved between runs.
import type { Result } from "../result";
import { round3 } from "../measure/stats";

/** The figures whose spread the table and README quote. */
export const SPREAD_FIELDS = ["connectMs", "steadyP99Ms", "deliveriesPerSec", "cpuSecPer10k", "rssPerStreamKb", "timeToScreenP99Ms"] as const;
type SpreadField = (typeof SPREAD_FIELDS)[number];

export interface Spread {
  samples: number;
  /** Per figure: lowest and highest over the runs, and (highest − lowest) / median. */
  range: Partial<Record<SpreadField, { min: number; max: number; relative: number | null }>>;
}

export type MedianResult = Result & { spread: Spread | null };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One row per system, N and Node: numeric figures are medians over the runs that have them; the rest from the first run. */
export function medianRows(results: Result[]): MedianResult[] {
  const groups = new Map<string, Result[]>();
  for (const r of results) {
    const key = `${r.system}|${r.n}|${r.node}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((runs) => {
    const row = { ...runs[0]! } as Record<string, unknown>;
    for (const [field, value] of Object.entries(runs[0]!)) {
      if (typeof value !== "number" && value !== null) continue;
      const values = runs.map((r) => (r as unknown as Record<string, unknown>)[field]).filter((v): v is number => typeof v === "number");
      if (values.length) row[field] = round3(median(values));
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
