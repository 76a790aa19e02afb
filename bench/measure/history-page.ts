// A sparse person's newest history page: timed on an empty history,
// then again with `kept` notifications stored, nearly all to a channel that
// person does not follow. O(page) means the two cost about the same.
import type { HistoryProbe } from "../launch/types";
import { measureFirstCard, type FirstCard } from "./first-card";
import type { RedisMeter } from "./redis";
import { percentile, round } from "./stats";

export interface HistoryPage {
  /** Notifications kept when `p50Ms` and `p99Ms` were measured. */
  atHistory: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** The same call on an empty history. */
  emptyP50Ms: number | null;
  /** Redis commands per page at `atHistory` (INFO commandstats: scripts' inner commands included), or null in embedded mode. */
  redisCmds: number | null;
  /** Round trips to Redis per page, as the product counts them. */
  redisRoundTrips: number | null;
  /** Commands per page as Upstash bills them (each of a pipeline, a script as one), counted by the product. */
  redisBilledCmds: number | null;
  /** The server's heap after a full collection, grown over the fill, per notification kept (embedded mode: what the history costs in memory). */
  heapPerKeptBytes: number | null;
  /** That person's dashboard at `atHistory` kept, loaded again and again in Chromium: navigation to the first card painted. */
  firstCard: FirstCard | null;
}

const WARM_CALLS = 20;
const TIMED_CALLS = 50;

async function timedPages(probe: HistoryProbe, calls: number): Promise<Float64Array> {
  for (let i = 0; i < WARM_CALLS; i++) await probe.page();
  const took = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await probe.page();
    took[i] = performance.now() - start;
  }
  return took.sort();
}

export async function measureHistoryPage(
  probe: HistoryProbe,
  kept: number,
  { meter, log }: { meter: RedisMeter | null; log: (line: string) => void },
): Promise<HistoryPage> {
  const empty = await timedPages(probe, TIMED_CALLS);
  const fillStart = performance.now();
  const heapBefore = await probe.heapAfterGc();
  await probe.fill(kept);
  const heapPerKeptBytes = Math.round(((await probe.heapAfterGc()) - heapBefore) / kept);
  log(`history: ${kept.toLocaleString("en-US")} kept in ${Math.round((performance.now() - fillStart) / 1000)} s`);
  const tripsBefore = (await probe.roundTrips?.()) ?? null;
  const billedBefore = (await probe.commands?.()) ?? null;
  // After the product's counters were read: their reads stay out of the meter's count.
  await meter?.reset();
  const full = await timedPages(probe, TIMED_CALLS);
  const commands = meter ? await meter.commands() : null;
  const tripsAfter = (await probe.roundTrips?.()) ?? null;
  const billedAfter = (await probe.commands?.()) ?? null;
  // The warm-up calls of timedPages are counted too.
  const calls = TIMED_CALLS + WARM_CALLS;
  const result: HistoryPage = {
    atHistory: kept,
    p50Ms: round(percentile(full, 50)),
    p99Ms: round(percentile(full, 99)),
    emptyP50Ms: round(percentile(empty, 50)),
    redisCmds: commands === null ? null : round(commands / calls, 1),
    redisRoundTrips: tripsBefore === null || tripsAfter === null ? null : round((tripsAfter - tripsBefore) / calls, 1),
    redisBilledCmds: billedBefore === null || billedAfter === null ? null : round((billedAfter - billedBefore) / calls, 1),
    heapPerKeptBytes,
    firstCard: null,
  };
  log(
    `history page: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms at ${kept.toLocaleString("en-US")} kept; ${result.emptyP50Ms} ms empty` +
      `${result.redisCmds === null ? "" : `; ${result.redisCmds} Redis commands run (${result.redisBilledCmds} billed) in ${result.redisRoundTrips} round trips a page`}; server heap +${heapPerKeptBytes} bytes per kept`,
  );
  // A browser that cannot start leaves the figure empty, as time to screen does.
  result.firstCard = await measureFirstCard(probe.dashboard, log).catch((error: Error) => (log(`time to first card: not measured (${error.message})`), null));
  return result;
}
