// The results as a Markdown table: each system's figures, with the load generator's CPU beside the server's.
import type { Result } from "../result";
import { spreadLabel, type Spread } from "./median";

type Row = Result & { spread?: Spread | null };
type Column = [label: string, cell: (r: Row, all: Row[]) => string | number | null];

const dash = (v: string | number | null | undefined) => (v === null || v === undefined ? "–" : typeof v === "number" ? v.toLocaleString("en-US") : v);

const COLUMNS: Column[] = [
  ["system", (r) => r.system],
  ["N", (r) => r.n],
  ["node", (r) => r.node ?? null],
  ["connect ms", (r) => `${dash(r.connectMs)}${spreadLabel(r, "connectMs")}`],
  ["steady p50 / p99 ms", (r) => `${dash(r.steadyP50Ms)} / ${dash(r.steadyP99Ms)}${spreadLabel(r, "steadyP99Ms")}`],
  ["time to screen p50 / p99 ms", (r) => (r.timeToScreenP99Ms === null ? null : `${dash(r.timeToScreenP50Ms)} / ${dash(r.timeToScreenP99Ms)}`)],
  ["first card p50 / p99 ms", (r) => (r.historyPage?.firstCard ? `${dash(r.historyPage.firstCard.p50Ms)} / ${dash(r.historyPage.firstCard.p99Ms)}` : null)],
  ["burst p50 / p99 ms", (r) => `${dash(r.burstP50Ms)} / ${dash(r.burstP99Ms)}`],
  ["max ms", (r) => r.maxMs],
  ["burst deliveries/s", (r) => `${dash(r.deliveriesPerSec)}${spreadLabel(r, "deliveriesPerSec")}`],
  ["× floor-batched: deliveries/s, CPU / delivery", (r, all) => versusBatchedFloor(r, all)],
  ["KB / stream", (r) => r.rssPerStreamKb],
  ["server CPU s / 10k (core %)", (r) => `${dash(r.cpuSecPer10k)}${spreadLabel(r, "cpuSecPer10k")} (${dash(r.serverCpuPercent)}%)`],
  ["load gen CPU s / 10k (core %, worker ELU)", (r) => `${dash(r.loadGenCpuSecPer10k)} (${dash(r.loadGenCpuPercent)}%, ${dash(r.loadGenBusiestWorkerElu)})`],
  ["Redis cmds / publish", (r) => r.redisCmdsPerPublish],
  ["Redis cmds / idle stream-min (/ instance-min)", (r) => (r.redisCmdsPerIdleStreamMinute === null ? null : `${dash(r.redisCmdsPerIdleStreamMinute)} (${dash(r.redisIdleCmdsPerInstanceMinute)})`)],
  ["upstream subs / instance", (r) => r.upstreamSubscriptionsPerInstance],
  ["Redis round trips (cmds) / connect", (r) => (r.redisRoundTripsPerConnect === null ? null : `${dash(r.redisRoundTripsPerConnect)} (${dash(r.redisCmdsPerConnect)})`)],
  ["storm: streams back in ms (dup / missing)", (r) => (r.stormStreams === null ? null : `${dash(r.stormStreams)} in ${dash(r.stormRecoverMs)} (${dash(r.stormDuplicates)} / ${dash(r.stormMissing)})`)],
  ["delivered", (r) => `${r.delivered === r.expectedDeliveries ? "all" : `${r.delivered.toLocaleString("en-US")} of ${r.expectedDeliveries.toLocaleString("en-US")}`}${r.streamsEnded ? `, ${r.streamsEnded} streams ended` : ""}${r.publishFailures ? `, ${r.publishFailures} publishes failed or unsent` : ""}${r.aborted ? `; stopped: ${r.aborted}` : ""}`],
];

/** The row's burst rate and CPU per delivery as ratios to floor-batched's at the same N and Node. */
function versusBatchedFloor(r: Result, all: Result[]): string | null {
  const floor = all.find((f) => f.system === "floor-batched" && f.n === r.n && f.node === r.node);
  const ratio = (a: number | null, b: number | null | undefined) => (a === null || !b ? "–" : (a / b).toFixed(2));
  return floor ? `${ratio(r.deliveriesPerSec, floor.deliveriesPerSec)}, ${ratio(r.cpuSecPer10k, floor.cpuSecPer10k)}` : null;
}

export function renderTable(results: Row[]): string {
  const header = `| ${COLUMNS.map(([label]) => label).join(" | ")} |`;
  const rule = `|${COLUMNS.map(() => "---").join("|")}|`;
  const rows = results.map((r) => `| ${COLUMNS.map(([, cell]) => dash(cell(r, results))).join(" | ")} |`);
  return [header, rule, ...rows].join("\n");
}
