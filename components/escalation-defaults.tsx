"use client";
// /admin: how long a firing error or critical alert may go unacknowledged
// before it escalates, when its sender did not say (lib/notifications/escalation).
import { useEffect, useState } from "react";
import { apiFetch } from "@/lib/client/api-client";
import type { Severity } from "@/lib/shared/types";

const ESCALATING = ["critical", "error"] as const satisfies Severity[];
type Defaults = Partial<Record<Severity, number>>;

/** Seconds as the field shows them: "5m", "90s", "2h". */
const asDuration = (seconds: number | undefined) =>
  seconds === undefined ? "" : seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;

export function EscalationDefaults() {
  const [fields, setFields] = useState<Record<(typeof ESCALATING)[number], string> | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);

  const show = ({ defaults }: { defaults: Defaults }) => setFields({ critical: asDuration(defaults.critical), error: asDuration(defaults.error) });
  useEffect(() => {
    apiFetch<{ defaults: Defaults }>("/api/admin/escalation").then(show, (e: Error) => setNote({ ok: false, text: e.message }));
  }, []);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    try {
      const body = Object.fromEntries(ESCALATING.map((s) => [s, fields![s].trim() || null]));
      show(await apiFetch<{ defaults: Defaults }>("/api/admin/escalation", { method: "PUT", body }));
      setNote({ ok: true, text: "Saved: alerts sent from now on escalate so." });
    } catch (e) {
      setNote({ ok: false, text: (e as Error).message });
    }
  }

  const input = "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-950";
  return (
    <section aria-labelledby="escalation-defaults-heading" className="rounded-xl bg-white p-4 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <h2 id="escalation-defaults-heading" className="mb-1 font-semibold">Escalation</h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">
        A firing alert nobody acknowledges within this time goes to its recipients again (push and email), then, as long again later, to the admins. Empty: only when its sender asks.
      </p>
      <form onSubmit={(e) => void save(e)} className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        {ESCALATING.map((severity) => (
          <div key={severity}>
            <label htmlFor={`escalate-${severity}`} className="mb-1 block text-sm font-medium capitalize">{severity}</label>
            <input
              id={`escalate-${severity}`}
              data-testid={`escalate-default-${severity}`}
              value={fields?.[severity] ?? ""}
              disabled={!fields}
              placeholder="e.g. 5m"
              onChange={(e) => setFields((f) => f && { ...f, [severity]: e.target.value })}
              className={input}
            />
          </div>
        ))}
        <button type="submit" disabled={!fields} className="rounded-lg bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          Save
        </button>
      </form>
      {note && (
        <p role={note.ok ? "status" : "alert"} className={`mt-2 text-sm ${note.ok ? "text-emerald-700 dark:text-emerald-300" : "text-rose-700 dark:text-rose-300"}`}>
          {note.text}
        </p>
      )}
    </section>
  );
}
