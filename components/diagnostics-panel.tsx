"use client";
// Admin diagnostics: break this instance on purpose (end or rotate every
// stream, or cut its bus subscription for a while) and watch the dashboards
// recover with nothing lost. Shown in development, or with DIAGNOSTICS=1.
import { useState } from "react";
import { apiFetch } from "@/lib/client/api-client";
import { DIAGNOSTIC_PAUSE_MAX_S, type DiagnosticsInput } from "@/lib/shared/schemas";
import type { DiagnosticsResult } from "@/lib/shared/types";

function describe(result: DiagnosticsResult) {
  if (result.action === "pause-bus") {
    return result.paused
      ? `Instance ${result.instance}: bus subscription cut for ${result.seconds} s; it then catches up from the log.`
      : `Instance ${result.instance} holds no bus subscription (no open streams): nothing to pause.`;
  }
  if (result.action === "collect-garbage") {
    return result.heapUsedBytes === null
      ? `Instance ${result.instance} runs without --expose-gc: nothing collected.`
      : `Instance ${result.instance} retains ${(result.heapUsedBytes / 1024 / 1024).toFixed(1)} MB of heap after a full collection.`;
  }
  const verb = result.action === "end-streams" ? "Ended" : "Rotated";
  return `Instance ${result.instance}: ${verb} ${result.streams} stream${result.streams === 1 ? "" : "s"}.`;
}

export function DiagnosticsPanel() {
  const [seconds, setSeconds] = useState(10);
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function run(input: DiagnosticsInput) {
    setPending(true);
    try {
      const result = await apiFetch<DiagnosticsResult>("/api/admin/diagnostics", { method: "POST", body: input });
      setMessage({ text: describe(result), error: false });
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    } finally {
      setPending(false);
    }
  }

  const button = "rounded-lg px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-60 dark:ring-slate-700 dark:hover:bg-slate-800";
  return (
    <section aria-labelledby="diagnostics-heading" className="mt-6 rounded-xl bg-white p-4 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <h2 id="diagnostics-heading" className="font-semibold">Diagnostics</h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        Break this instance on purpose and watch open dashboards recover: nothing is lost or shown twice.
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <button type="button" className={button} disabled={pending} data-testid="diag-end" onClick={() => run({ action: "end-streams" })}>
          End every stream
        </button>
        <button type="button" className={button} disabled={pending} data-testid="diag-rotate" onClick={() => run({ action: "rotate-streams" })}>
          Rotate every stream
        </button>
        <label className="flex items-center gap-2 text-sm">
          <button type="button" className={button} disabled={pending} data-testid="diag-pause" onClick={() => run({ action: "pause-bus", seconds })}>
            Cut the bus for
          </button>
          <input
            type="number"
            min={1}
            max={DIAGNOSTIC_PAUSE_MAX_S}
            value={seconds}
            onChange={(e) => setSeconds(Math.max(1, Math.min(DIAGNOSTIC_PAUSE_MAX_S, Number(e.target.value) || 1)))}
            data-testid="diag-seconds"
            aria-label="Seconds to cut the bus for"
            className="w-20 rounded-lg border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
          />
          s
        </label>
      </div>
      {message && (
        <p role="status" data-testid="diag-result" className={`mt-3 text-sm ${message.error ? "text-rose-700 dark:text-rose-300" : "text-slate-700 dark:text-slate-300"}`}>
          {message.text}
        </p>
      )}
    </section>
  );
}
