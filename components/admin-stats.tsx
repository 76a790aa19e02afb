"use client";
// Open streams over all instances, published and delivered counts, polled: fast when something was published (`wake`), slowly otherwise.
import { usePolled } from "@/hooks/use-polled";
import type { Stats } from "@/lib/shared/types";

const POLL_MS = 3_000;

/**
 * What counts as a change: what a publish moves (it also wakes the poll: `wake`). Not the open
 * streams: a browser's stream moving between instances at each rotation is counted on both, or
 * on neither, until the next presence report (within 20 s), so that figure flickers all day and
 * would keep the poll fast; nor the instance's own figures (memory, timers), which change on every
 * poll. Open streams are as fresh as the poll: 2 minutes at the slowest.
 */
const shownFigures = (s: Stats) => [s.published, s.delivered];

export function AdminStats({ wake }: { wake: number }) {
  const { data: stats, error } = usePolled<Stats>("/api/admin/stats", POLL_MS, { shownOf: shownFigures, wake });

  const figure = (label: string, value: number | undefined) => (
    <div>
      <dt className="text-xs text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="text-2xl font-semibold tabular-nums">{value ?? "–"}</dd>
    </div>
  );
  return (
    <section data-testid="admin-stats" aria-labelledby="stats-heading" className="rounded-xl bg-white p-4 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <h2 id="stats-heading" className="mb-2 font-semibold">Live now</h2>
      {error && <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">{error}</p>}
      <dl className="grid grid-cols-3 gap-2">
        {figure("Open streams", stats?.connections.total)}
        {figure("Published", stats?.published)}
        {figure("Delivered", stats?.delivered)}
      </dl>
      {stats && stats.connections.instances.length > 1 && (
        <ul className="mt-2 text-xs text-slate-600 dark:text-slate-400">
          {stats.connections.instances.map((i) => (
            <li key={i.id}>
              {i.id}: {i.connections}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
