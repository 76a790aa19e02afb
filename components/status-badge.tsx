// An alert's status, where it shows: a card, a toast. "Resolved" must never
// read like the firing notice it ends.
import type { AlertStatus } from "@/lib/shared/types";

export function StatusBadge({ status }: { status: AlertStatus }) {
  const style =
    status === "resolved"
      ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200"
      : "bg-slate-100 text-slate-800 ring-1 ring-red-700/40 dark:bg-slate-800 dark:text-slate-100";
  return (
    <span data-testid="notification-status" className={`rounded px-1.5 py-0.5 text-xs font-medium ${style}`}>
      {status === "resolved" ? "✓ Resolved" : "Firing"}
    </span>
  );
}
