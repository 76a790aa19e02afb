// The shape of one measured row (one system at one N), as written to results/latest.json.
import type { SystemName } from "./launch/types";
import type { HistoryPage } from "./measure/history-page";

export interface Result {
  system: SystemName;
  n: number;
  /** The Node version the system's servers ran on (e.g. v20.19.0). */
  node: string;
  /** Time until every one of the N streams had its first event (≤ 480 connects in flight). */
  connectMs: number;
  steadyP50Ms: number | null;
  steadyP99Ms: number | null;
  /** The product: publish to the card painted in a Chromium page on the dashboard, over the steady phase. */
  timeToScreenP50Ms: number | null;
  timeToScreenP99Ms: number | null;
  burstP50Ms: number | null;
  burstP99Ms: number | null;
  /** Worst delivery of the steady phase and the burst. */
  maxMs: number | null;
  /** Burst deliveries over the time from the first burst publish to the last receipt. */
  deliveriesPerSec: number | null;
  /** Server RSS growth from before connecting to ~1.5 s after all N connected, per stream. */
  rssPerStreamKb: number | null;
  /** Server utime + stime during the burst, per 10,000 deliveries. */
  cpuSecPer10k: number | null;
  redisCmdsPerPublish: number | null;
  redisCmdsPerIdleStreamMinute: number | null;
  upstreamSubscriptionsPerInstance: number | null;

  instances: number;
  steadyPublishes: number;
  steadyPerSec: number;
  burstPublishes: number;
  /** Stamped deliveries received (steady + burst) and how many N × publishes would be. */
  delivered: number;
  expectedDeliveries: number;
  /** Streams the server ended or broke while they were being measured. */
  streamsEnded: number;
  /** Publishes that failed, went unanswered for 2 minutes, or were not sent after a stop (their deliveries are missing). */
  publishFailures: number;
  /** Why the measurement stopped early (the system fell over or buffered without bound), else null. */
  aborted: string | null;
  /** Server CPU during the burst, in % of one core (all instances together). */
  serverCpuPercent: number | null;
  /** The load generator (this process: its worker threads and the publisher) beside the server. */
  loadGenCpuSecPer10k: number | null;
  loadGenCpuPercent: number | null;
  /** Event-loop utilisation of the busiest load-generator worker during the burst (1 = saturated). */
  loadGenBusiestWorkerElu: number | null;
  /** redis-server plus the local Upstash endpoint during the burst, in % of one core. */
  backingCpuPercent: number | null;
  /** Redis commands per minute per instance while all streams were idle (the per-instance constant). */
  redisIdleCmdsPerInstanceMinute: number | null;
  idleWindowS: number | null;
  /** Redis round trips (all instances, as the product counts them) and commands per stream connect, over the connect phase. */
  redisRoundTripsPerConnect: number | null;
  redisCmdsPerConnect: number | null;
  /** Reconnect storm (the product only): time from the cut to the last cut stream back, resumed by id. */
  stormRecoverMs: number | null;
  /** How many streams the storm cut (all of them embedded; the restarted instance's in a cluster). */
  stormStreams: number | null;
  /** Over every stream: storm publishes received twice, and not received. */
  stormDuplicates: number | null;
  stormMissing: number | null;
  /** The product: a sparse person's newest page with `atHistory` kept, against an empty history. */
  historyPage: HistoryPage | null;
}
