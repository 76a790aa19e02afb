// The coloured label of a severity, shared by cards, toasts and the form.
import type { Severity } from "@/lib/shared/types";

const STYLES: Record<Severity, string> = {
  info: "bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200",
  success: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200",
  warning: "bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200",
  error: "bg-rose-100 text-rose-800 dark:bg-rose-900/50 dark:text-rose-200",
  // Solid, unlike the others: the one that must stand out on a busy screen.
  critical: "bg-red-700 text-white ring-1 ring-red-800 dark:bg-red-600 dark:ring-red-400",
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`rounded px-1.5 py-0.5 text-xs font-medium capitalize ${STYLES[severity]}`}>{severity}</span>;
}
