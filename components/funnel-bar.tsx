// One alert's funnel as bars: targeted, delivered, muted, displayed, read,
// opened (and snoozed, marked unread, acknowledged), each against the largest, and the time from publish to screen.
import { FUNNEL_STAGES, type Funnel } from "@/lib/shared/types";

const STAGE_LABELS: Record<(typeof FUNNEL_STAGES)[number], string> = {
  targeted: "Targeted",
  delivered: "Delivered",
  muted: "Muted",
  displayed: "Displayed",
  read: "Read",
  opened: "Opened",
  snoozed: "Snoozed",
  unread: "Marked unread",
  acknowledged: "Acknowledged",
};

export function FunnelBar({ funnel }: { funnel: Funnel }) {
  const largest = Math.max(1, ...FUNNEL_STAGES.map((s) => funnel[s]));
  const latency = funnel.displayLatencyMs;
  return (
    <div data-testid="funnel" className="space-y-1 text-xs">
      {/* As many to a row as fit: nine stages in the sidebar of /admin as on an alert's own page. */}
      <dl className="grid grid-cols-[repeat(auto-fill,minmax(5.5rem,1fr))] gap-x-2 gap-y-1">
        {FUNNEL_STAGES.map((stage) => (
          <div key={stage} data-testid={`funnel-${stage}`} data-value={funnel[stage]}>
            <dt className="text-slate-600 dark:text-slate-400">{STAGE_LABELS[stage]}</dt>
            <dd className="font-semibold tabular-nums">{funnel[stage]}</dd>
            <div className="mt-0.5 h-1.5 rounded bg-slate-200 dark:bg-slate-800" aria-hidden>
              <div className="h-1.5 rounded bg-brand-500" style={{ width: `${(funnel[stage] / largest) * 100}%` }} />
            </div>
          </div>
        ))}
      </dl>
      <p data-testid="funnel-latency" className="text-slate-600 dark:text-slate-400">
        {latency
          ? `To screen: p50 ${ms(latency.p50)} · p95 ${ms(latency.p95)} · slowest ${ms(latency.max)}`
          : funnel.displayed > 0
            ? "To screen: shown from history only (a live display is what is timed)"
            : "To screen: no display yet"}
      </p>
    </div>
  );
}

function ms(value: number) {
  return value < 1_000 ? `${value} ms` : `${(value / 1_000).toFixed(1)} s`;
}
