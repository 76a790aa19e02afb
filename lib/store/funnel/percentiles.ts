// Nearest-rank percentiles of a sorted list: the embedded store's funnel
// latencies (the Redis store's FUNNEL_READ_SCRIPT picks the same ranks).

function percentileRank(p: number, n: number) {
  return Math.max(0, Math.ceil(p * n) - 1);
}

export function percentiles(sorted: number[]): { p50: number; p95: number; max: number } | null {
  if (!sorted.length) return null;
  return { p50: sorted[percentileRank(0.5, sorted.length)]!, p95: sorted[percentileRank(0.95, sorted.length)]!, max: sorted.at(-1)! };
}
