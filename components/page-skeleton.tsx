// What a page shows while its server render is on its way (a route's
// loading.tsx). Not the dashboard's: its HTML comes with the feed's first
// page, so a load shows cards, never this.
export function PageSkeleton() {
  return (
    <div className="mx-auto max-w-6xl space-y-3 px-4 py-20" aria-busy="true" aria-label="Loading">
      {[0, 1, 2].map((i) => (
        <div key={i} className="h-20 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" />
      ))}
    </div>
  );
}
